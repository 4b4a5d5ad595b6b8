//! The pixel work on photos: decode within a pixel limit, turn upright, resize, re-encode with no
//! metadata, and keep the results in a cache so that a rebuild with unchanged photos does none of it.
//!
//! Re-encoding from the pixels alone is what removes the metadata: the encoders write no EXIF, XMP,
//! IPTC or ICC block, so the GPS position, camera serial, date and maker notes of a phone photo
//! cannot reach the published copies, whatever the source held. The EXIF orientation is applied to
//! the pixels first, so a photo taken upright shows upright in every browser, with no tag left to
//! honour.
//!
//! The cache (`.bulletin/cache/images/` under the site root, never inside the output) holds each
//! encoded copy under a name made of a hash of the source's bytes and of every setting that shapes
//! the result, so a changed photo or setting misses and an unchanged one hits. Entries are written
//! to a temporary name and renamed into place, so a build killed midway leaves no half-written
//! entry under a real name. The folder can be deleted at any time. A photo whose copies are all in
//! the cache is not decoded at all.

use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};

use super::{Asset, Format, ImageInfo, Kind};
use crate::config::Images;

/// Bumped when the encoding changes in a way the settings do not show, to miss old entries.
const CACHE_VERSION: u32 = 1;

/// The cache folder under the site root.
pub const CACHE_DIR: &str = ".bulletin/cache/images";

/// A problem with one photo: what is wrong and what would be right, in English (the command
/// line) and Chinese (the 工作台).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: String,
    pub message_zh: String,
    pub help_zh: String,
}

/// A problem, each text given as `[English, Chinese]`.
fn problem(message: [String; 2], help: [&str; 2]) -> Problem {
    let [message, message_zh] = message;
    Problem {
        message,
        help: help[0].into(),
        message_zh,
        help_zh: help[1].into(),
    }
}

/// The help for a photo that cannot be opened.
const PERMISSIONS: [&str; 2] = [
    "check the file's permissions",
    "请检查这个文件能不能打开（文件权限）",
];

/// The help for what should never happen.
const BUG: [&str; 2] = ["report this as a bug", "请把这个问题报告给维护者"];

/// Read a photo's header: its size, orientation and encoding, without decoding the pixels.
pub fn read_header(path: &Path, settings: &Images) -> Result<ImageInfo, Problem> {
    let file = std::fs::File::open(path).map_err(|e| {
        problem(
            [
                format!("cannot read photo: {e}"),
                format!("无法读取照片：{e}"),
            ],
            PERMISSIONS,
        )
    })?;
    let reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|e| {
            problem(
                [
                    format!("cannot read photo: {e}"),
                    format!("无法读取照片：{e}"),
                ],
                PERMISSIONS,
            )
        })?;
    let Some(format) = reader.format().filter(|f| {
        matches!(
            f,
            image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP
        )
    }) else {
        return Err(not_an_image(path));
    };
    let mut decoder = reader.into_decoder().map_err(|e| {
        problem(
            [
                format!("the photo cannot be read as {}: {e}", format_name(format)),
                format!("照片无法按 {} 格式读取：{e}", format_name(format)),
            ],
            [
                "open it in an image viewer and save it again as JPEG, or remove it",
                "用看图软件打开它，另存为 JPEG；或者删掉这张照片",
            ],
        )
    })?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, settings)?;
    let alpha = decoder.color_type().has_alpha();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if turns_sideways(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    Ok(ImageInfo {
        width,
        height,
        orientation: orientation_number(orientation),
        format: super::format_for(format, alpha, settings.format),
        widths: settings.served_widths(width),
    })
}

fn format_name(f: image::ImageFormat) -> &'static str {
    match f {
        image::ImageFormat::Png => "PNG",
        image::ImageFormat::WebP => "WebP",
        _ => "JPEG",
    }
}

fn not_an_image(path: &Path) -> Problem {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_uppercase())
        .unwrap_or_default();
    problem(
        [
            format!("the file is named like a photo (.{ext}) but is not a JPEG, PNG or WebP image"),
            format!("文件名像照片（.{ext}），内容却不是 JPEG、PNG 或 WebP 图片"),
        ],
        [
            "it may be damaged or another kind of file renamed; open it, save it as JPEG, or give it its real extension",
            "它可能已经损坏，或是别的文件改了名：打开它另存为 JPEG，或者改回它本来的扩展名",
        ],
    )
}

/// A photo over the pixel limit is refused before any pixel is decoded, so a decompression bomb
/// (a small file that claims 30000 × 30000 pixels) costs nothing.
fn check_pixels(w: u32, h: u32, settings: &Images) -> Result<(), Problem> {
    let pixels = u64::from(w) * u64::from(h);
    if w == 0 || h == 0 {
        return Err(problem(
            [
                "the photo has no pixels (0 wide or 0 high)".into(),
                "照片没有像素（宽或高是 0）".into(),
            ],
            [
                "save it again from an image viewer",
                "用看图软件重新保存一次",
            ],
        ));
    }
    if pixels > settings.max_pixels {
        let (mp, max) = (pixels / 1_000_000, settings.max_pixels / 1_000_000);
        return Err(problem(
            [
                format!(
                    "the photo is {w} × {h} pixels ({mp} megapixels); at most {max} megapixels are accepted"
                ),
                format!("照片有 {w} × {h} 像素（{mp} 百万像素）；最多只能是 {max} 百万像素"),
            ],
            [
                "make it smaller in an image editor first (web pages show at most 1600 pixels wide), or raise `images: {max_pixels: …}` in site.yaml",
                "先用图片软件把它缩小（网页上最宽只显示 1600 像素），或者调高 `site.yaml` 里的 `images: {max_pixels: …}`",
            ],
        ));
    }
    Ok(())
}

fn turns_sideways(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn orientation_number(o: Orientation) -> u8 {
    match o {
        Orientation::NoTransforms => 1,
        Orientation::FlipHorizontal => 2,
        Orientation::Rotate180 => 3,
        Orientation::FlipVertical => 4,
        Orientation::Rotate90FlipH => 5,
        Orientation::Rotate90 => 6,
        Orientation::Rotate270FlipH => 7,
        Orientation::Rotate270 => 8,
    }
}

/// Where encoded copies are kept between builds.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The cache of the site at `root`.
    pub fn of_site(root: &Path) -> Cache {
        Cache {
            dir: Some(root.join(CACHE_DIR)),
        }
    }

    /// No cache: every photo is processed (tests, and sites whose folder is read-only).
    pub fn none() -> Cache {
        Cache { dir: None }
    }

    fn entry(&self, key: &str, width: u32, format: Format) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{key}-{width}.{}", format.extension())))
    }

    /// A name for a photo file as it is on disk now: its path, size and modification time, and
    /// the settings. `None` when the file cannot be looked at (then nothing is remembered).
    fn stamp(&self, asset: &Asset, info: &ImageInfo, settings: &Images) -> Option<String> {
        self.dir.as_ref()?;
        let meta = std::fs::metadata(&asset.source).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let mut h = blake3::Hasher::new();
        h.update(asset.source.to_string_lossy().as_bytes());
        h.update(
            format!(
                "\0{};{};{};v{CACHE_VERSION};q{};f{:?};o{};w{:?}",
                meta.len(),
                modified.as_secs(),
                modified.subsec_nanos(),
                settings.quality,
                info.format,
                info.orientation,
                info.widths
            )
            .as_bytes(),
        );
        Some(h.finalize().to_hex()[..32].to_string())
    }

    /// The content key remembered for a stamp.
    fn recall(&self, stamp: &str) -> Option<String> {
        let path = self.dir.as_ref()?.join("stamps").join(stamp);
        let key = std::fs::read_to_string(path).ok()?;
        (key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit())).then_some(key)
    }

    /// Remember the content key of a stamp (atomically, like every entry).
    fn remember(&self, stamp: &str, key: &str) {
        if let Some(dir) = self.dir.as_ref() {
            write_atomically(&dir.join("stamps"), stamp, key.as_bytes());
        }
    }

    /// The entry, if the cache has it.
    fn find(&self, key: &str, width: u32, format: Format) -> Option<PathBuf> {
        self.entry(key, width, format).filter(|p| p.is_file())
    }

    /// Store an entry: written to a temporary name, then renamed, so no reader ever sees half of
    /// one. A cache that cannot be written is no error: the build just does the work next time
    /// too. Returns where the entry is, once stored.
    fn store(&self, key: &str, width: u32, format: Format, bytes: &[u8]) -> Option<PathBuf> {
        let path = self.entry(key, width, format)?;
        let name = path.file_name()?.to_str()?;
        write_atomically(path.parent()?, name, bytes).then_some(path.clone())
    }
}

/// Write `dir/name` through a temporary file renamed into place, so no reader ever sees half of
/// it. Whether it worked.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> bool {
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let tmp = dir.join(format!(
        ".tmp-{}-{}-{name}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, dir.join(name)).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&tmp);
    false
}

/// One published file's content: bytes made now, or a file on disk (a cache entry, an
/// attachment) that a folder can link or copy without reading it.
#[derive(Debug)]
pub enum Published {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// The cache key of a photo: its bytes and everything that shapes its copies.
pub fn cache_key(source: &[u8], info: &ImageInfo, settings: &Images) -> String {
    let mut h = blake3::Hasher::new();
    h.update(source);
    h.update(
        format!(
            "v{CACHE_VERSION};q{};f{:?};o{};w{:?}",
            settings.quality, info.format, info.orientation, info.widths
        )
        .as_bytes(),
    );
    h.finalize().to_hex()[..32].to_string()
}

/// The published files of one asset, with their bytes: a file as it is, a photo's copies from the
/// cache or freshly made (and then cached).
pub fn publish(
    asset: &Asset,
    settings: &Images,
    cache: &Cache,
) -> Result<Vec<(String, Published)>, Problem> {
    let info = match &asset.kind {
        Kind::File => {
            let path = asset.outputs().remove(0).0;
            return Ok(vec![(path, Published::File(asset.source.clone()))]);
        }
        Kind::Image(info) => info,
    };
    let outputs = asset.outputs();
    let all_cached = |key: &str| -> Option<Vec<(String, Published)>> {
        outputs
            .iter()
            .map(|(path, w)| {
                let w = w.unwrap_or(info.largest());
                let entry = cache.find(key, w, info.format)?;
                Some((path.clone(), Published::File(entry)))
            })
            .collect()
    };
    // The key remembered for this file as it is now (same path, size and modification time)
    // saves reading and hashing the whole photo on a rebuild.
    let stamp = cache.stamp(asset, info, settings);
    if let Some(key) = stamp.as_ref().and_then(|s| cache.recall(s))
        && let Some(files) = all_cached(&key)
    {
        return Ok(files);
    }
    let source = std::fs::read(&asset.source).map_err(|e| {
        problem(
            [
                format!("cannot read file: {e}"),
                format!("无法读取文件：{e}"),
            ],
            PERMISSIONS,
        )
    })?;
    let key = cache_key(&source, info, settings);
    if let Some(s) = &stamp {
        cache.remember(s, &key);
    }
    if let Some(files) = all_cached(&key) {
        return Ok(files);
    }
    let upright = decode_upright(&source, info, settings)?;
    drop(source);
    let mut files = Vec::with_capacity(outputs.len());
    for (path, w) in &outputs {
        let w = w.unwrap_or(info.largest());
        let bytes = encode(&upright, w, info, settings)?;
        let content = match cache.store(&key, w, info.format, &bytes) {
            Some(entry) => Published::File(entry),
            None => Published::Bytes(bytes),
        };
        files.push((path.clone(), content));
    }
    Ok(files)
}

/// Decode `source` within the pixel limit and turn it upright, in the colour layout its format
/// is published in (RGB for JPEG, RGB or RGBA for PNG).
pub fn decode_upright(
    source: &[u8],
    info: &ImageInfo,
    settings: &Images,
) -> Result<DynamicImage, Problem> {
    let (mut img, orientation) = decode_within(source, settings)?;
    img.apply_orientation(orientation);
    Ok(match info.format {
        Format::Jpeg if img.color().has_alpha() => {
            // Transparency flattened onto white, as a page would show it.
            let rgba = img.into_rgba8();
            let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
            for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
                let a = u32::from(src[3]);
                for c in 0..3 {
                    dst[c] = ((u32::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
                }
            }
            DynamicImage::ImageRgb8(rgb)
        }
        Format::Jpeg => DynamicImage::ImageRgb8(img.into_rgb8()),
        Format::Png if img.color().has_alpha() => DynamicImage::ImageRgba8(img.into_rgba8()),
        Format::Png => DynamicImage::ImageRgb8(img.into_rgb8()),
    })
}

/// Decode `source` (JPEG, PNG or WebP, told by its bytes) as it is stored, never more than
/// `settings.max_pixels` pixels: the size is checked from the header before any pixel is decoded,
/// and the decoder may allocate no more than the pixels need. Its EXIF orientation is returned,
/// not applied: the caller decides.
pub fn decode_within(
    source: &[u8],
    settings: &Images,
) -> Result<(DynamicImage, Orientation), Problem> {
    let mut reader = ImageReader::new(Cursor::new(source))
        .with_guessed_format()
        .map_err(|e| {
            problem(
                [
                    format!("cannot read photo: {e}"),
                    format!("无法读取照片：{e}"),
                ],
                ["save it again as JPEG", "请把它重新保存为 JPEG"],
            )
        })?;
    let mut limits = Limits::default();
    let side = u32::try_from(settings.max_pixels.min(u64::from(u32::MAX))).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    // The decoded pixels, with room for one conversion.
    limits.max_alloc = Some(
        settings
            .max_pixels
            .saturating_mul(8)
            .saturating_add(1 << 20),
    );
    reader.limits(limits);
    let decode_error = |e: image::ImageError| {
        problem(
            [
                format!("the photo cannot be decoded: {e}"),
                format!("照片无法解码：{e}"),
            ],
            [
                "it may be truncated or damaged; open it in an image viewer and save it again as JPEG",
                "照片可能不完整或已经损坏：用看图软件打开，另存为 JPEG",
            ],
        )
    };
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, settings)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    Ok((img, orientation))
}

/// One copy `width` pixels wide, encoded with no metadata.
pub fn encode(
    upright: &DynamicImage,
    width: u32,
    info: &ImageInfo,
    settings: &Images,
) -> Result<Vec<u8>, Problem> {
    let height = info.height_at(width);
    let resized;
    let img = if width == upright.width() && height == upright.height() {
        upright
    } else {
        let mut dst = match upright {
            DynamicImage::ImageRgba8(_) => {
                DynamicImage::ImageRgba8(image::RgbaImage::new(width, height))
            }
            _ => DynamicImage::ImageRgb8(image::RgbImage::new(width, height)),
        };
        let options = fast_image_resize::ResizeOptions::new().resize_alg(
            fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3),
        );
        fast_image_resize::Resizer::new()
            .resize(upright, &mut dst, &options)
            .map_err(|e| {
                problem(
                    [
                        format!("cannot resize the photo: {e}"),
                        format!("无法缩放照片：{e}"),
                    ],
                    BUG,
                )
            })?;
        resized = dst;
        &resized
    };
    encode_pixels(img, info.format, settings.quality)
}

/// `img` encoded as `format`, with no metadata: JPEG at `quality` (RGB pixels), PNG lossless
/// (RGB or RGBA).
pub fn encode_pixels(img: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    let result = match format {
        Format::Jpeg => JpegEncoder::new_with_quality(&mut out, quality).write_image(
            img.as_bytes(),
            img.width(),
            img.height(),
            img.color().into(),
        ),
        Format::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Best, PngFilter::Adaptive)
                .write_image(
                    img.as_bytes(),
                    img.width(),
                    img.height(),
                    img.color().into(),
                )
        }
    };
    result.map_err(|e| {
        problem(
            [
                format!("cannot encode the photo: {e}"),
                format!("无法生成照片文件：{e}"),
            ],
            BUG,
        )
    })?;
    Ok(out)
}
