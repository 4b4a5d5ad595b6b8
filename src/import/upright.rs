//! A picture its document turns or flips, written the way the document shows it.
//!
//! Word keeps a photo's bytes as they were inserted and says how to show them in the picture's
//! transform (a phone photo stored sideways and turned with the rotate handle, or turned by Word
//! itself when inserted): copied as stored, it would be published sideways. So a picture turned
//! by a multiple of 90° or flipped is decoded (within the site's pixel limit, with the same bounded
//! decoder the build uses), flipped, turned clockwise, and encoded again in its own format: JPEG
//! at quality [`JPEG_QUALITY`], PNG losslessly. A picture shown as stored is not touched: its
//! bytes are copied exactly. A turn that is not a multiple of 90° (a photo tilted 30° on the page)
//! cannot be shown upright in a rectangle without a border or a crop, so it is left as stored and
//! the caller warns; so is a turned picture in a format bulletin does not encode (GIF, WebP,
//! EMF…) or one that cannot be decoded.
//!
//! EXIF orientation: the transform alone says how the document shows the stored pixels; an EXIF
//! orientation in a JPEG is not applied on top of it. Word turns a photo's EXIF orientation into
//! the picture's transform when the photo is inserted, and draws the stored pixels turned by that
//! transform only: a photo put into a .docx by a program that wrote no transform shows sideways in
//! Word, whatever its EXIF says (python-docx issue #540). LibreOffice does the same: printing a
//! .docx (7.4, `soffice --convert-to pdf`) with a JPEG stored landscape with EXIF orientation 6
//! draws it landscape, as stored, without a transform, and portrait (one quarter turn, not two)
//! with `rot="5400000"`. Applying both would turn a phone photo inserted by Word twice. The file
//! written has no EXIF, so the build, which applies any EXIF orientation it finds, does not turn
//! it again. A picture copied as stored keeps its EXIF, and the build shows it as its camera meant
//! (which is upright, where Word would show it sideways).

use image::{DynamicImage, ImageFormat};

use super::lines::{Picture, Turn};
use crate::assets::Format;
use crate::assets::image::{decode_within, encode_pixels};
use crate::config::Images;

/// The JPEG quality of a turned photo: high, as it may be encoded once more by the build.
pub const JPEG_QUALITY: u8 = 90;

/// What becomes of a picture's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upright {
    /// Shown as stored: its bytes are written as they are.
    AsStored,
    /// Turned or flipped by the document: these are its pixels turned and encoded again.
    Turned(Vec<u8>),
    /// Turned by the document, but written as stored: why (a sentence that follows "it is
    /// written as stored because…"), and what to do; then both in Chinese, for the 工作台.
    Left {
        why: String,
        help: String,
        why_zh: String,
        help_zh: String,
    },
}

/// What the picture's bytes become, shown as its document shows it.
pub fn upright(pic: &Picture, images: &Images) -> Upright {
    if pic.turn.is_none() {
        return Upright::AsStored;
    }
    let Some(quarters) = pic.turn.quarters() else {
        return Upright::Left {
            why: format!(
                "it is turned {}° in the document, not a multiple of 90°",
                pic.turn.degrees()
            ),
            help: "a tilted photo cannot be shown upright without a border; turn it in an image editor and replace the file, or set its rotation to 0° in Word (布局 → 旋转)".into(),
            why_zh: format!(
                "它在文档里转了 {}°，不是 90° 的整数倍",
                pic.turn.degrees()
            ),
            help_zh: "斜放的照片摆正后会多出边框；请在图片软件里把它转正后替换文件，或者在 Word 里把它的旋转角度设为 0°（布局 → 旋转）".into(),
        };
    };
    let format = match image::guess_format(&pic.data) {
        Ok(ImageFormat::Jpeg) => Format::Jpeg,
        Ok(ImageFormat::Png) => Format::Png,
        _ => {
            return Upright::Left {
                why: format!(
                    "it is turned or flipped in the document ({}), and bulletin turns only JPEG and PNG pictures",
                    describe(pic.turn)
                ),
                help: "turn it in an image editor and replace the file, or save it from Word as PNG (另存为图片)".into(),
                why_zh: format!(
                    "它在文档里经过旋转或翻转（{}），而 bulletin 只会转正 JPEG 和 PNG 图片",
                    describe_zh(pic.turn)
                ),
                help_zh: "请在图片软件里把它转正后替换文件，或者在 Word 里把它另存为 PNG 图片（另存为图片）".into(),
            };
        }
    };
    let cannot = |e: crate::assets::image::Problem| Upright::Left {
        why: format!(
            "it is turned or flipped in the document ({}), but {}",
            describe(pic.turn),
            e.message
        ),
        help: e.help,
        why_zh: format!(
            "它在文档里经过旋转或翻转（{}），但是{}",
            describe_zh(pic.turn),
            e.message_zh
        ),
        help_zh: e.help_zh,
    };
    let (img, _exif_orientation) = match decode_within(&pic.data, images) {
        Ok(x) => x,
        Err(e) => return cannot(e),
    };
    let img = turned(img, pic.turn.flip_h, pic.turn.flip_v, quarters);
    let img = match format {
        // JPEG holds grey or RGB; anything else its decoder gives is made RGB.
        Format::Jpeg if !matches!(img, DynamicImage::ImageLuma8(_)) => {
            DynamicImage::ImageRgb8(img.into_rgb8())
        }
        _ => img,
    };
    match encode_pixels(&img, format, JPEG_QUALITY) {
        Ok(bytes) => Upright::Turned(bytes),
        Err(e) => cannot(e),
    }
}

/// The pixels flipped, then turned clockwise by `quarters` quarter turns: DrawingML's order (the
/// flips are about the middle of the picture's own box, before its rotation).
fn turned(mut img: DynamicImage, flip_h: bool, flip_v: bool, quarters: u8) -> DynamicImage {
    if flip_h {
        img = img.fliph();
    }
    if flip_v {
        img = img.flipv();
    }
    match quarters % 4 {
        1 => img.rotate90(),
        2 => img.rotate180(),
        3 => img.rotate270(),
        _ => img,
    }
}

/// `turned 90°`, `flipped left to right`, `turned 180° and flipped top to bottom`.
fn describe(t: Turn) -> String {
    let mut parts = Vec::new();
    if t.rot != 0 {
        parts.push(format!("turned {}°", t.degrees()));
    }
    match (t.flip_h, t.flip_v) {
        (true, true) => parts.push("flipped both ways".to_string()),
        (true, false) => parts.push("flipped left to right".to_string()),
        (false, true) => parts.push("flipped top to bottom".to_string()),
        (false, false) => {}
    }
    parts.join(" and ")
}

/// [`describe`] in Chinese.
fn describe_zh(t: Turn) -> String {
    let mut parts = Vec::new();
    if t.rot != 0 {
        parts.push(format!("转了 {}°", t.degrees()));
    }
    match (t.flip_h, t.flip_v) {
        (true, true) => parts.push("上下左右都翻转了".to_string()),
        (true, false) => parts.push("左右翻转了".to_string()),
        (false, true) => parts.push("上下翻转了".to_string()),
        (false, false) => {}
    }
    parts.join("，又")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 2 picture: red top left, the rest blue.
    fn marked(format: ImageFormat) -> Vec<u8> {
        let mut img = image::RgbImage::from_pixel(3, 2, image::Rgb([0, 0, 255]));
        img.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    fn pic(data: Vec<u8>, turn: Turn) -> Picture {
        Picture {
            part: "word/media/image1.png".into(),
            part_zh: "word/media/image1.png".into(),
            ext: "png".into(),
            data,
            alt: None,
            turn,
        }
    }

    fn red_at(bytes: &[u8]) -> ((u32, u32), (u32, u32)) {
        let img = image::load_from_memory(bytes).unwrap().to_rgb8();
        let (x, y, _) = img
            .enumerate_pixels()
            .find(|(_, _, p)| p.0 == [255, 0, 0])
            .unwrap();
        (img.dimensions(), (x, y))
    }

    fn turned_png(turn: Turn) -> Vec<u8> {
        match upright(&pic(marked(ImageFormat::Png), turn), &Images::default()) {
            Upright::Turned(b) => b,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn quarter_turns_and_flips_move_the_pixels_as_the_document_shows_them() {
        // Turned 90° clockwise, the top left corner goes to the top right.
        assert_eq!(
            red_at(&turned_png(Turn::new(5_400_000, false, false))),
            ((2, 3), (1, 0))
        );
        assert_eq!(
            red_at(&turned_png(Turn::new(10_800_000, false, false))),
            ((3, 2), (2, 1))
        );
        assert_eq!(
            red_at(&turned_png(Turn::new(16_200_000, false, false))),
            ((2, 3), (0, 2))
        );
        assert_eq!(
            red_at(&turned_png(Turn::new(0, true, false))),
            ((3, 2), (2, 0))
        );
        assert_eq!(
            red_at(&turned_png(Turn::new(0, false, true))),
            ((3, 2), (0, 1))
        );
        // Flipped first, then turned: left to right, then 90° clockwise puts the top left at
        // the bottom right.
        assert_eq!(
            red_at(&turned_png(Turn::new(5_400_000, true, false))),
            ((2, 3), (1, 2))
        );
    }

    #[test]
    fn a_turned_jpeg_stays_a_jpeg_and_an_unturned_picture_is_not_touched() {
        let jpeg = marked(ImageFormat::Jpeg);
        let Upright::Turned(b) = upright(
            &pic(jpeg.clone(), Turn::new(5_400_000, false, false)),
            &Images::default(),
        ) else {
            panic!("not turned")
        };
        assert_eq!(image::guess_format(&b).unwrap(), ImageFormat::Jpeg);
        let img = image::load_from_memory(&b).unwrap();
        assert_eq!((img.width(), img.height()), (2, 3));
        assert_eq!(
            upright(&pic(jpeg, Turn::NONE), &Images::default()),
            Upright::AsStored
        );
    }

    #[test]
    fn a_tilt_an_unknown_format_or_a_picture_over_the_limit_is_left_as_stored_with_a_reason() {
        let png = marked(ImageFormat::Png);
        let Upright::Left { why, .. } = upright(
            &pic(png.clone(), Turn::new(1_800_000, false, false)),
            &Images::default(),
        ) else {
            panic!("turned a tilt")
        };
        assert!(
            why.contains("turned 30°") && why.contains("not a multiple of 90°"),
            "{why}"
        );
        let Upright::Left { why, .. } = upright(
            &pic(b"GIF89a....".to_vec(), Turn::new(0, true, false)),
            &Images::default(),
        ) else {
            panic!("turned a GIF")
        };
        assert!(
            why.contains("flipped left to right") && why.contains("JPEG and PNG"),
            "{why}"
        );
        let small = Images {
            max_pixels: 5,
            ..Images::default()
        };
        let Upright::Left { why, .. } =
            upright(&pic(png, Turn::new(5_400_000, false, false)), &small)
        else {
            panic!("decoded over the limit")
        };
        assert!(why.contains("3 × 2 pixels"), "{why}");
    }
}
