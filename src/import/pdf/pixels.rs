//! An image XObject's samples turned into pixels: its streams inflated within a limit, its colour
//! space (DeviceGray/RGB/CMYK, Indexed, ICCBased) resolved, PNG predictors undone, a soft mask read
//! as alpha. What [`super::images`] needs for anything that is not a JPEG kept as it is.

use std::io::Read;

use pdf_extract::{Document, Object, ObjectId};

/// The largest image decoded, in pixels.
pub const MAX_PIXELS: u64 = 50_000_000;

/// A PDF number (integer or real) as f64.
pub(super) fn number(o: &Object) -> Option<f64> {
    o.as_float().ok().map(f64::from)
}

/// Inflate at most `limit` bytes: more is an error.
pub(super) fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut z = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    z.read_to_end(&mut out)
        .map_err(|e| format!("its compressed data is damaged ({e})"))?;
    if out.len() > limit {
        return Err(format!(
            "its compressed data inflates past the {limit} bytes its size needs: damaged, or a compression bomb"
        ));
    }
    Ok(out)
}

/// The colour space of an image: components, and for an indexed one its palette as RGB.
pub(super) enum Space {
    Gray,
    Rgb,
    Cmyk,
    Indexed(Vec<[u8; 3]>),
}

pub(super) fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

pub(super) fn space(doc: &Document, o: &Object, depth: u8) -> Result<Space, String> {
    let o = resolve(doc, o);
    match o {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"G" | b"CalGray" => Ok(Space::Gray),
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Ok(Space::Rgb),
            b"DeviceCMYK" | b"CMYK" => Ok(Space::Cmyk),
            other => Err(format!(
                "its colour space {} is not read",
                String::from_utf8_lossy(other)
            )),
        },
        Object::Array(a) if depth < 3 => {
            let kind = a.first().and_then(|k| k.as_name().ok()).unwrap_or(b"");
            match kind {
                b"ICCBased" => {
                    let n = a
                        .get(1)
                        .and_then(|s| resolve(doc, s).as_stream().ok())
                        .and_then(|s| s.dict.get(b"N").and_then(Object::as_i64).ok())
                        .unwrap_or(3);
                    match n {
                        1 => Ok(Space::Gray),
                        4 => Ok(Space::Cmyk),
                        _ => Ok(Space::Rgb),
                    }
                }
                b"CalRGB" | b"CalGray" | b"Lab" => {
                    space(doc, &Object::Name(kind.to_vec()), depth + 1)
                }
                b"Indexed" | b"I" => {
                    let base = space(
                        doc,
                        a.get(1).ok_or("an indexed space without a base")?,
                        depth + 1,
                    )?;
                    let lookup = match a.get(3).map(|l| resolve(doc, l)) {
                        Some(Object::String(s, _)) => s.clone(),
                        Some(Object::Stream(s)) => {
                            s.decompressed_content().map_err(|e| e.to_string())?
                        }
                        _ => return Err("an indexed space without a palette".into()),
                    };
                    let n = match base {
                        Space::Gray => 1,
                        Space::Rgb => 3,
                        Space::Cmyk => 4,
                        Space::Indexed(_) => return Err("a palette of a palette".into()),
                    };
                    let palette = lookup
                        .chunks_exact(n)
                        .take(256)
                        .map(|c| to_rgb(&base, c))
                        .collect();
                    Ok(Space::Indexed(palette))
                }
                other => Err(format!(
                    "its colour space {} is not read",
                    String::from_utf8_lossy(other)
                )),
            }
        }
        _ => Err("its colour space is not read".into()),
    }
}

pub(super) fn to_rgb(space: &Space, c: &[u8]) -> [u8; 3] {
    match (space, c) {
        (Space::Gray, [g, ..]) => [*g, *g, *g],
        (Space::Cmyk, [c, m, y, k]) => {
            let f = |v: u8| ((255 - u16::from(v)) * (255 - u16::from(*k)) / 255) as u8;
            [f(*c), f(*m), f(*y)]
        }
        (_, [r, g, b, ..]) => [*r, *g, *b],
        _ => [0, 0, 0],
    }
}

/// The samples of a Flate (or unfiltered) image as an image, within what its size needs.
pub(super) fn samples_image(
    doc: &Document,
    stream: &pdf_extract::Stream,
    w: u32,
    h: u32,
) -> Result<image::DynamicImage, String> {
    let dict = &stream.dict;
    if dict
        .get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false)
    {
        return Err("it is a stencil mask, not a picture".into());
    }
    let bpc = dict
        .get(b"BitsPerComponent")
        .and_then(Object::as_i64)
        .unwrap_or(8);
    let space = space(
        doc,
        dict.get(b"ColorSpace")
            .map_err(|_| "it has no colour space".to_string())?,
        0,
    )?;
    let comps: u64 = match space {
        Space::Gray | Space::Indexed(_) => 1,
        Space::Rgb => 3,
        Space::Cmyk => 4,
    };
    if !(bpc == 8 || (matches!(space, Space::Gray | Space::Indexed(_)) && matches!(bpc, 1 | 2 | 4)))
    {
        return Err(format!(
            "its samples are {bpc} bits deep, which is not read"
        ));
    }
    let row = (u64::from(w) * comps * bpc as u64).div_ceil(8) as usize;
    let predictor = dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .and_then(|p| p.get(b"Predictor"))
        .and_then(Object::as_i64)
        .unwrap_or(1);
    let need = if predictor >= 10 {
        (row + 1) * h as usize
    } else {
        row * h as usize
    };
    let raw = if dict.get(b"Filter").is_ok() {
        inflate(&stream.content, need)?
    } else {
        stream.content.clone()
    };
    let data = match predictor {
        1 => raw,
        p if p >= 10 => unpredict(&raw, row, ((comps * bpc as u64).div_ceil(8)) as usize)?,
        p => return Err(format!("its predictor {p} is not read")),
    };
    // `/Decode [1 0 …]`: the samples' scale runs backwards (a soft mask from LibreOffice has it).
    let inverted = !matches!(space, Space::Indexed(_))
        && dict
            .get(b"Decode")
            .and_then(Object::as_array)
            .is_ok_and(|d| {
                d.len() >= 2
                    && number(&d[0]).is_some_and(|v| v > 0.5)
                    && number(&d[1]).is_some_and(|v| v < 0.5)
            });
    if data.len() < row * h as usize {
        return Err("its samples are fewer than its size needs".into());
    }
    let mut rgb = image::RgbImage::new(w, h);
    for y in 0..h as usize {
        let line = &data[y * row..(y + 1) * row];
        for x in 0..w as usize {
            let px = if bpc == 8 {
                let c = comps as usize;
                let s = &line[x * c..x * c + c];
                match &space {
                    Space::Indexed(p) => p.get(s[0] as usize).copied().unwrap_or([0; 3]),
                    other => to_rgb(other, s),
                }
            } else {
                let bits = bpc as usize;
                let bit = x * bits;
                let v = (line[bit / 8] >> (8 - bits - bit % 8)) & ((1u8 << bits) - 1);
                match &space {
                    Space::Indexed(p) => p.get(v as usize).copied().unwrap_or([0; 3]),
                    _ => {
                        let g = (u16::from(v) * 255 / ((1u16 << bits) - 1)) as u8;
                        [g, g, g]
                    }
                }
            };
            let px = if inverted { px.map(|c| 255 - c) } else { px };
            rgb.put_pixel(x as u32, y as u32, image::Rgb(px));
        }
    }
    Ok(image::DynamicImage::ImageRgb8(rgb))
}

/// A soft mask as alpha, the size of its image.
pub(super) fn mask(
    doc: &Document,
    id: ObjectId,
    w: u32,
    h: u32,
) -> Result<image::GrayImage, String> {
    let s = doc
        .get_object(id)
        .and_then(Object::as_stream)
        .map_err(|e| e.to_string())?;
    let mw = s.dict.get(b"Width").and_then(Object::as_i64).unwrap_or(0);
    let mh = s.dict.get(b"Height").and_then(Object::as_i64).unwrap_or(0);
    if mw <= 0 || mh <= 0 || (mw as u64).saturating_mul(mh as u64) > MAX_PIXELS {
        return Err(format!("it is {mw} × {mh} pixels"));
    }
    let img = samples_image(doc, s, mw as u32, mh as u32)?.to_luma8();
    if (mw as u32, mh as u32) == (w, h) {
        Ok(img)
    } else {
        Ok(image::imageops::resize(
            &img,
            w,
            h,
            image::imageops::FilterType::Triangle,
        ))
    }
}

/// Undo the PNG predictors of rows `row` bytes long, `bpp` bytes a pixel.
pub(super) fn unpredict(data: &[u8], row: usize, bpp: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        if chunk.len() < row + 1 {
            break;
        }
        let (kind, src) = (chunk[0], &chunk[1..]);
        let mut cur = src.to_vec();
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = cur[i].wrapping_add(match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                k => return Err(format!("a row has the unknown PNG predictor {k}")),
            });
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}
