//! The photos of a PDF, where each is drawn, ready to be written next to the article around it.
//!
//! An office's PDF is often the only copy it receives, and its photos are part of the bulletin. So
//! every page's content stream is walked for the images it draws (`Do` of an image XObject, also
//! inside drawings, with the current transformation matrix kept through `q`/`Q`/`cm`), which
//! gives each image's place on the page — what puts it among the article's lines — and how it is
//! turned. Then each image becomes a file a browser shows:
//! - a JPEG stream (`/DCTDecode`) is written as it is (an EXIF orientation in it then turns it
//!   upright on the site, as a phone's photo in a Word file is), unless the page shows it turned or
//!   mirrored — then it is decoded, turned as the page shows it, and encoded again — or it has a
//!   soft mask: then it becomes a PNG with the mask as its alpha channel;
//! - a Flate stream of RGB, gray, CMYK, ICC-based or indexed samples becomes a PNG, its soft mask
//!   (`/SMask`) its alpha channel; a mask that cannot be read leaves the picture opaque, with a
//!   warning;
//! - anything else (JPEG 2000, fax, JBIG2, stencil masks) is named in a warning and left out.
//!
//! Small images are page furniture, not photos: rules, logos, the red line under the masthead.
//! An image drawn less than [`MIN_SIDE_PT`] on a side or with fewer than [`MIN_SIDE_PX`] pixels on
//! a side, or drawn on more than one page (a running logo), is skipped and counted.
//!
//! Bounded: every stream was already measured by [`super::scan`] before the file was loaded, and
//! here an image's samples are inflated only up to what its width, height and depth need (and at
//! most [`MAX_PIXELS`](super::pixels::MAX_PIXELS) pixels): a stream that inflates past that is refused, the picture skipped
//! with a warning.

use std::collections::HashMap;

use pdf_extract::{Dictionary, Document, Object, ObjectId};

#[cfg(test)]
use super::pixels::unpredict;
use super::pixels::{MAX_PIXELS, inflate, mask, number, samples_image};

/// Images drawn smaller than this on a side, in points (2 cm), are page furniture.
pub const MIN_SIDE_PT: f64 = 56.0;
/// Images with fewer pixels than this on a side are page furniture.
pub const MIN_SIDE_PX: i64 = 32;

/// A picture where a page draws it.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The page, from 0 in the order pdf-extract reads them.
    pub page: usize,
    /// Its top and bottom, in points from the page's top.
    pub top: f64,
    pub bottom: f64,
    /// `page 2, image /Im5 (object 12)`: for messages.
    pub part: String,
    /// `第 2 页的图片 /Im5（对象 12）`: for Chinese messages.
    pub part_zh: String,
    /// `jpg` or `png`.
    pub ext: &'static str,
    pub data: Vec<u8>,
}

/// Every picture of a document worth keeping, in page order and top to bottom.
#[derive(Debug, Default)]
pub struct Pictures {
    pub placed: Vec<Placed>,
    /// Images skipped as page furniture.
    pub skipped: usize,
    /// What a warning should say (an image left out, a mask not applied).
    pub notes: Vec<[String; 2]>,
}

/// One image drawn: which, where, and the matrix it is drawn with.
struct Drawn {
    page: usize,
    id: ObjectId,
    name: String,
    ctm: [f64; 6],
    page_height: f64,
}

/// The pictures of `doc`: the pages in the order of `doc.get_pages()`, `heights` their heights.
pub fn pictures(doc: &Document, heights: &[f64]) -> Pictures {
    let mut drawn = Vec::new();
    for (page, (_, id)) in doc.get_pages().into_iter().enumerate() {
        let height = heights.get(page).copied().unwrap_or(842.0);
        let Ok(content) = doc.get_page_content(id) else {
            continue;
        };
        let xobjects = page_xobjects(doc, id);
        walk(
            doc, &content, &xobjects, IDENTITY, page, height, 0, &mut drawn,
        );
    }
    let mut pages_of: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for d in &drawn {
        pages_of.entry(d.id).or_default().push(d.page);
    }
    let mut out = Pictures::default();
    for d in drawn {
        let repeated = pages_of.get(&d.id).is_some_and(|p| {
            let mut p = p.clone();
            p.dedup();
            p.len() > 1
        });
        let (x0, y0, x1, y1) = bbox(&d.ctm);
        let (w_pt, h_pt) = (x1 - x0, y1 - y0);
        let Ok(stream) = doc.get_object(d.id).and_then(Object::as_stream) else {
            continue;
        };
        let dict = &stream.dict;
        let px = |k: &[u8]| dict.get(k).and_then(Object::as_i64).unwrap_or(0);
        let (w, h) = (px(b"Width"), px(b"Height"));
        if repeated
            || w_pt < MIN_SIDE_PT
            || h_pt < MIN_SIDE_PT
            || w < MIN_SIDE_PX
            || h < MIN_SIDE_PX
        {
            out.skipped += 1;
            continue;
        }
        let part = format!("page {}, image /{} (object {})", d.page + 1, d.name, d.id.0);
        let part_zh = format!("第 {} 页的图片 /{}（对象 {}）", d.page + 1, d.name, d.id.0);
        match image_file(doc, stream, &d.ctm) {
            Ok((ext, data, mask_failed)) => {
                if let Some(why) = mask_failed {
                    out.notes.push([
                        format!(
                            "{part}: its transparency (soft mask) could not be read ({why}), so it is kept opaque"
                        ),
                        format!("{part_zh}：透明部分（软蒙版）读不出来，按不透明保留（{why}）"),
                    ]);
                }
                out.placed.push(Placed {
                    page: d.page,
                    top: d.page_height - y1,
                    bottom: d.page_height - y0,
                    part,
                    part_zh,
                    ext,
                    data,
                });
            }
            Err(why) => out.notes.push([
                format!("{part} was left out: {why}"),
                format!("{part_zh}没有导入（技术原因：{why}）"),
            ]),
        }
    }
    out
}

const IDENTITY: [f64; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` for PDF matrices `[a b c d e f]`.
fn mul(m: &[f64; 6], n: &[f64; 6]) -> [f64; 6] {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The box the unit square covers under `m`: (x0, y0, x1, y1) in page space (y up).
fn bbox(m: &[f64; 6]) -> (f64, f64, f64, f64) {
    let pts = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)];
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in pts {
        let (px, py) = (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        x0 = x0.min(px);
        y0 = y0.min(py);
        x1 = x1.max(px);
        y1 = y1.max(py);
    }
    (x0, y0, x1, y1)
}

/// The XObjects a page's resources name (its own and those it inherits).
fn page_xobjects(doc: &Document, page: ObjectId) -> Vec<(Vec<u8>, ObjectId)> {
    let mut out = Vec::new();
    let Ok((own, inherited)) = doc.get_page_resources(page) else {
        return out;
    };
    let mut dicts: Vec<&Dictionary> = own.into_iter().collect();
    dicts.extend(
        inherited
            .iter()
            .filter_map(|id| doc.get_dictionary(*id).ok()),
    );
    for r in dicts {
        out.extend(xobjects_of(doc, r));
    }
    out
}

fn xobjects_of(doc: &Document, resources: &Dictionary) -> Vec<(Vec<u8>, ObjectId)> {
    let Ok(x) = resources.get(b"XObject") else {
        return Vec::new();
    };
    let dict = match x {
        Object::Dictionary(d) => d,
        Object::Reference(id) => match doc.get_dictionary(*id) {
            Ok(d) => d,
            Err(_) => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    dict.iter()
        .filter_map(|(k, v)| v.as_reference().ok().map(|id| (k.clone(), id)))
        .collect()
}

/// Walk a content stream for the images it draws. Drawings (form XObjects) are entered with
/// their matrix, at most [`super::FORM_DEPTH`] deep (loops were refused before).
#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Document,
    content: &[u8],
    xobjects: &[(Vec<u8>, ObjectId)],
    base: [f64; 6],
    page: usize,
    page_height: f64,
    depth: usize,
    drawn: &mut Vec<Drawn>,
) {
    if depth > super::FORM_DEPTH {
        return;
    }
    let Ok(ops) = pdf_extract::content::Content::decode(content) else {
        return;
    };
    let mut ctm = base;
    let mut stack: Vec<[f64; 6]> = Vec::new();
    for op in &ops.operations {
        match op.operator.as_str() {
            "q" if stack.len() < 256 => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(base),
            "cm" => {
                let n: Vec<f64> = op.operands.iter().filter_map(number).collect();
                if let [a, b, c, d, e, f] = n[..] {
                    ctm = mul(&[a, b, c, d, e, f], &ctm);
                }
            }
            "Do" => {
                let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                    continue;
                };
                let Some(&(_, id)) = xobjects.iter().find(|(k, _)| k.as_slice() == name) else {
                    continue;
                };
                let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                    continue;
                };
                let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok();
                match subtype {
                    Some(b"Image") => drawn.push(Drawn {
                        page,
                        id,
                        name: String::from_utf8_lossy(name).into_owned(),
                        ctm,
                        page_height,
                    }),
                    Some(b"Form") => {
                        let matrix = stream
                            .dict
                            .get(b"Matrix")
                            .and_then(Object::as_array)
                            .map(|a| a.iter().filter_map(number).collect::<Vec<f64>>())
                            .ok()
                            .and_then(|v| <[f64; 6]>::try_from(v).ok())
                            .unwrap_or(IDENTITY);
                        let own = stream
                            .dict
                            .get(b"Resources")
                            .ok()
                            .and_then(|r| match r {
                                Object::Dictionary(d) => Some(d),
                                Object::Reference(id) => doc.get_dictionary(*id).ok(),
                                _ => None,
                            })
                            .map(|r| xobjects_of(doc, r));
                        let inner = own.unwrap_or_else(|| xobjects.to_vec());
                        let Ok(data) = stream.decompressed_content() else {
                            continue;
                        };
                        walk(
                            doc,
                            &data,
                            &inner,
                            mul(&matrix, &ctm),
                            page,
                            page_height,
                            depth + 1,
                            drawn,
                        );
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// How a page shows an image: mirrored first (left to right), then turned counter-clockwise by
/// this many quarter turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    pub mirrored: bool,
    pub quarters: u8,
}

impl Turn {
    pub const UPRIGHT: Turn = Turn {
        mirrored: false,
        quarters: 0,
    };

    /// From the matrix an image is drawn with: the image's x axis goes to `(a, b)`, its up to
    /// `(c, d)` (page space, y up).
    pub fn of(m: &[f64; 6]) -> Turn {
        let det = m[0] * m[3] - m[1] * m[2];
        let mirrored = det < 0.0;
        let (a, b) = if mirrored {
            (-m[0], -m[1])
        } else {
            (m[0], m[1])
        };
        let angle = b.atan2(a).to_degrees();
        let quarters = (((angle / 90.0).round() as i64).rem_euclid(4)) as u8;
        Turn { mirrored, quarters }
    }

    /// `img` as the page shows it.
    pub fn apply(self, img: image::DynamicImage) -> image::DynamicImage {
        let img = if self.mirrored { img.fliph() } else { img };
        match self.quarters {
            1 => img.rotate270(),
            2 => img.rotate180(),
            3 => img.rotate90(),
            _ => img,
        }
    }
}

/// An image stream as a file: (extension, bytes, why its soft mask was not applied, if it was
/// not).
fn image_file(
    doc: &Document,
    stream: &pdf_extract::Stream,
    ctm: &[f64; 6],
) -> Result<(&'static str, Vec<u8>, Option<String>), String> {
    let dict = &stream.dict;
    let filters: Vec<Vec<u8>> = match dict.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    let turn = Turn::of(ctm);
    let w = dict.get(b"Width").and_then(Object::as_i64).unwrap_or(0);
    let h = dict.get(b"Height").and_then(Object::as_i64).unwrap_or(0);
    if w <= 0 || h <= 0 || (w as u64).saturating_mul(h as u64) > MAX_PIXELS {
        return Err(format!(
            "it is {w} × {h} pixels (at most {MAX_PIXELS} are read)"
        ));
    }
    let names: Vec<&[u8]> = filters.iter().map(Vec::as_slice).collect();
    match names.as_slice() {
        [b"DCTDecode" | b"DCT"] | [b"FlateDecode" | b"Fl", b"DCTDecode" | b"DCT"] => {
            let jpeg = if names.len() == 2 {
                inflate(&stream.content, super::STREAM_LIMIT as usize)?
            } else {
                stream.content.clone()
            };
            let smask = dict.get(b"SMask").and_then(Object::as_reference).ok();
            if turn == Turn::UPRIGHT && smask.is_none() {
                return Ok(("jpg", jpeg, None));
            }
            let img = decode_jpeg(&jpeg)?;
            if let Some(mask_id) = smask {
                // A photo with transparency: JPEG has no alpha, so it becomes a PNG.
                return match mask(doc, mask_id, img.width(), img.height()) {
                    Ok(alpha) => {
                        let mut rgba = img.to_rgba8();
                        for (p, a) in rgba.pixels_mut().zip(alpha.pixels()) {
                            p.0[3] = a.0[0];
                        }
                        let img = turn.apply(image::DynamicImage::ImageRgba8(rgba));
                        let mut out = std::io::Cursor::new(Vec::new());
                        img.write_to(&mut out, image::ImageFormat::Png)
                            .map_err(|e| e.to_string())?;
                        Ok(("png", out.into_inner(), None))
                    }
                    Err(why) if turn == Turn::UPRIGHT => Ok(("jpg", jpeg, Some(why))),
                    Err(why) => {
                        let mut out = Vec::new();
                        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
                        turn.apply(img)
                            .to_rgb8()
                            .write_with_encoder(enc)
                            .map_err(|e| e.to_string())?;
                        Ok(("jpg", out, Some(why)))
                    }
                };
            }
            let mut out = Vec::new();
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            turn.apply(img)
                .to_rgb8()
                .write_with_encoder(enc)
                .map_err(|e| e.to_string())?;
            Ok(("jpg", out, None))
        }
        [] | [b"FlateDecode" | b"Fl"] => {
            let img = samples_image(doc, stream, w as u32, h as u32)?;
            let (img, note) = match dict.get(b"SMask").and_then(Object::as_reference) {
                Ok(mask_id) => match mask(doc, mask_id, w as u32, h as u32) {
                    Ok(alpha) => {
                        let mut rgba = img.to_rgba8();
                        for (p, a) in rgba.pixels_mut().zip(alpha.pixels()) {
                            p.0[3] = a.0[0];
                        }
                        (image::DynamicImage::ImageRgba8(rgba), None)
                    }
                    Err(why) => (img, Some(why)),
                },
                Err(_) => (img, None),
            };
            let img = turn.apply(img);
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png)
                .map_err(|e| e.to_string())?;
            Ok(("png", out.into_inner(), note))
        }
        _ => Err(format!(
            "it is stored as {}, which bulletin does not convert; save the photo from the Word file instead",
            names
                .iter()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect::<Vec<_>>()
                .join(" + ")
        )),
    }
}

/// A JPEG stream decoded within [`MAX_PIXELS`]: the dictionary's `Width` and `Height` were checked,
/// but the JPEG's own header may say otherwise, so the decoder gets the allocation limit too.
fn decode_jpeg(jpeg: &[u8]) -> Result<image::DynamicImage, String> {
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(jpeg), image::ImageFormat::Jpeg);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS.saturating_mul(8).saturating_add(1 << 20));
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| format!("its JPEG data cannot be read within the limit ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_whose_header_claims_more_pixels_than_the_limit_is_refused_not_decoded() {
        let mut small = Vec::new();
        image::DynamicImage::new_rgb8(16, 16)
            .write_to(
                &mut std::io::Cursor::new(&mut small),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        assert!(decode_jpeg(&small).is_ok());
        // The frame header (SOF0: FF C0, length, precision, height, width) made to say 60000 × 60000.
        let sof = small.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let mut lying = small.clone();
        lying[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
        let err = decode_jpeg(&lying).unwrap_err();
        assert!(err.contains("within the limit"), "{err}");
    }

    #[test]
    fn the_matrix_tells_how_a_picture_is_turned() {
        assert_eq!(
            Turn::of(&[200.0, 0.0, 0.0, 100.0, 50.0, 50.0]),
            Turn::UPRIGHT
        );
        // Turned a quarter counter-clockwise: its x axis points up the page.
        assert_eq!(
            Turn::of(&[0.0, 200.0, -100.0, 0.0, 0.0, 0.0]),
            Turn {
                mirrored: false,
                quarters: 1
            }
        );
        assert_eq!(
            Turn::of(&[0.0, -200.0, 100.0, 0.0, 0.0, 0.0]),
            Turn {
                mirrored: false,
                quarters: 3
            }
        );
        // Flipped top to bottom: mirrored and turned half round.
        assert_eq!(
            Turn::of(&[200.0, 0.0, 0.0, -100.0, 0.0, 100.0]),
            Turn {
                mirrored: true,
                quarters: 2
            }
        );
    }

    #[test]
    fn a_quarter_turn_makes_a_landscape_picture_portrait_with_its_top_where_the_page_shows_it() {
        // 4 × 2, its left column red. Drawn a quarter turn counter-clockwise, the left column is
        // at the bottom.
        let mut img = image::RgbImage::from_pixel(4, 2, image::Rgb([0, 0, 255]));
        for y in 0..2 {
            img.put_pixel(0, y, image::Rgb([255, 0, 0]));
        }
        let shown = Turn {
            mirrored: false,
            quarters: 1,
        }
        .apply(image::DynamicImage::ImageRgb8(img))
        .to_rgb8();
        assert_eq!(shown.dimensions(), (2, 4));
        assert_eq!(shown.get_pixel(0, 3).0, [255, 0, 0]);
        assert_eq!(shown.get_pixel(0, 0).0, [0, 0, 255]);
    }

    #[test]
    fn png_predictors_are_undone() {
        // Two rows of three gray pixels: `Sub` then `Up`.
        let data = [1, 10, 5, 5, 2, 1, 1, 1];
        assert_eq!(unpredict(&data, 3, 1).unwrap(), [10, 15, 20, 11, 16, 21]);
    }

    #[test]
    fn an_image_stream_inflating_past_its_size_is_refused() {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut e, &vec![0u8; 1 << 20]).unwrap();
        let data = e.finish().unwrap();
        let err = inflate(&data, 64 * 64 * 3).unwrap_err();
        assert!(err.contains("compression bomb"), "{err}");
    }
}
