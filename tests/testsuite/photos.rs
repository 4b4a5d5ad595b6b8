//! Photos and attachments next to the articles: published with the issue, photos turned upright,
//! stripped of every metadata block, resized, offered with `srcset`; bad files refused by name.

use crate::helpers::*;

/// A JPEG `w` × `h` whose top-left quarter is red and the rest light blue, as a phone would store
/// it: `orientation` in EXIF (6 = the camera was turned, show it rotated 90° clockwise) and a GPS
/// position, in an APP1 block written here byte by byte.
pub fn phone_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        if x < w / 2 && y < h / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([190, 215, 240])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    // TIFF, little-endian: IFD0 (orientation, pointer to the GPS IFD) at 8, the GPS IFD
    // (latitude N 25°50'0") at 38, its three rationals at 68.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(typ.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    tiff.extend(2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut tiff, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, 38u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, 68u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    for (n, d) in [(25u32, 1u32), (50, 1), (0, 1)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// The EXIF fields of an image file, or none.
fn exif_of(bytes: &[u8]) -> Vec<exif::Tag> {
    match exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
        Ok(e) => e.fields().map(|f| f.tag).collect(),
        Err(_) => Vec::new(),
    }
}

fn read_bytes(s: &TestSite, rel: &str) -> Vec<u8> {
    std::fs::read(s.path().join("output").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn site_with_photo() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "base_url: https://example.gov.cn/jianbao/\nimages:\n  widths: [100, 160]\n",
    );
    s.issue("2021-125", 125, "2021-07-29");
    s.file(
        "content/2021-125/images/现场 照片.jpg",
        phone_jpeg(300, 200, 6),
    );
    s.file(
        "content/2021-125/附件1-实施方案.pdf",
        b"%PDF-1.4\n".repeat(200),
    );
    s.file(
        "content/2021-125/05-dingnan.md",
        "---\ntitle: 定南县推进村卫生室建设\ncounty: 定南县\ntopics: [医疗卫生]\n---\n\
         定南县推进村卫生室一体化建设。\n\n\
         ![定南县村卫生室](images/现场%20照片.jpg \"图1 村卫生室\")\n\n\
         详见[附件1：实施方案](附件1-实施方案.pdf)。\n",
    );
    s
}

#[test]
fn a_phone_photo_is_published_upright_resized_and_without_any_exif() {
    let s = site_with_photo();
    // The source really carries GPS and an orientation, so the test proves something.
    let source = std::fs::read(s.path().join("content/2021-125/images/现场 照片.jpg")).unwrap();
    let tags = exif_of(&source);
    assert!(tags.contains(&exif::Tag::GPSLatitude), "{tags:?}");
    assert!(tags.contains(&exif::Tag::Orientation), "{tags:?}");

    s.build().success();
    for (file, w, h) in [
        ("issues/2021-125/images/现场 照片.jpg", 160, 240),
        ("issues/2021-125/images/现场 照片-100w.jpg", 100, 150),
    ] {
        let bytes = read_bytes(&s, file);
        assert_eq!(exif_of(&bytes), Vec::<exif::Tag>::new(), "{file} has EXIF");
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{file}");
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!((img.width(), img.height()), (w, h), "{file}");
        // Turned 90° clockwise: the red corner is now top right.
        let top_right = img.get_pixel(w - 3, 3);
        let top_left = img.get_pixel(2, 2);
        assert!(
            top_right[0] > 180 && top_right[1] < 80,
            "{file}: {top_right:?}"
        );
        assert!(top_left[2] > 200, "{file}: {top_left:?}");
    }
    // No copy wider than the widest setting, nothing else in the folder.
    assert!(!s.exists("issues/2021-125/images/现场 照片-300w.jpg"));

    let page = markup(&s.read("issues/2021-125/dingnan/index.html"));
    let encoded = "/jianbao/issues/2021-125/images/%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87";
    for want in [
        "<figure class=\"photo\">".to_string(),
        format!("<a class=\"photo-link\" href=\"{encoded}.jpg\">"),
        format!("srcset=\"{encoded}-100w.jpg 100w, {encoded}.jpg 160w\""),
        "width=\"160\"".to_string(),
        "height=\"240\"".to_string(),
        "alt=\"定南县村卫生室\"".to_string(),
        "loading=\"lazy\"".to_string(),
        "decoding=\"async\"".to_string(),
        "<figcaption>图1 村卫生室</figcaption>".to_string(),
    ] {
        assert!(page.contains(&want), "{want} not in\n{page}");
    }
    // The same links on the issue page, and absolute in the feed.
    let issue = markup(&s.read("issues/2021-125/index.html"));
    assert!(
        issue.contains(&format!("href=\"{encoded}.jpg\"")),
        "{issue}"
    );
    let feed = s.read("feed.xml");
    assert!(
        feed.contains(&format!("https://example.gov.cn{encoded}-100w.jpg 100w")),
        "{feed}"
    );
    // The attachment: published as it is, linked, and listed with its type and size.
    assert_eq!(
        read_bytes(&s, "issues/2021-125/附件1-实施方案.pdf"),
        b"%PDF-1.4\n".repeat(200)
    );
    let pdf =
        "/jianbao/issues/2021-125/%E9%99%84%E4%BB%B61-%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.pdf";
    assert!(
        page.contains(&format!(
            "<a href=\"{pdf}\">附件1：实施方案</a>（PDF，2 KB）"
        )),
        "{page}"
    );
    // Every link resolves (photos, copies and attachment included).
    s.run(&["check"]).success();
}

#[test]
fn a_rebuild_takes_photos_from_the_cache_and_writes_the_same_bytes() {
    let s = site_with_photo();
    s.build().success();
    let first = s.snapshot();
    let cache = s.path().join(".bulletin/cache/images");
    let entries = std::fs::read_dir(&cache)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .count();
    assert_eq!(entries, 2, "one entry per served width");
    s.build().success();
    assert_eq!(first, s.snapshot(), "rebuild with the cache");
    std::fs::remove_dir_all(s.path().join(".bulletin")).unwrap();
    s.build().success();
    assert_eq!(first, s.snapshot(), "rebuild after deleting the cache");
    // A photo replaced under the same name is processed again, not served from the cache.
    s.file(
        "content/2021-125/images/现场 照片.jpg",
        phone_jpeg(300, 200, 1),
    );
    s.build().success();
    let upright = image::load_from_memory(&read_bytes(&s, "issues/2021-125/images/现场 照片.jpg"))
        .unwrap()
        .to_rgb8();
    assert_eq!((upright.width(), upright.height()), (160, 107));
}

#[test]
fn a_missing_photo_is_an_error_with_its_line_and_the_closest_name() {
    let s = site_with_photo();
    s.file(
        "content/2021-125/05-dingnan.md",
        "---\ntitle: 定南县\ncounty: 定南县\ntopics: [医疗卫生]\n---\n正文。\n\n![照片](images/现场照片.jpg)\n",
    );
    s.build()
        .failure()
        .stderr_has("`images/现场照片.jpg` does not exist")
        .stderr_has("content/2021-125/05-dingnan.md:8:")
        .stderr_has("did you mean `现场 照片.jpg`?");
}

#[test]
fn a_photo_without_alt_text_is_a_warning_naming_the_line() {
    let s = site_with_photo();
    s.file(
        "content/2021-125/05-dingnan.md",
        "---\ntitle: 定南县\ncounty: 定南县\ntopics: [医疗卫生]\n---\n正文。\n\n![](images/现场%20照片.jpg)\n",
    );
    s.build()
        .success()
        .stderr_has("has no alt text")
        .stderr_has("content/2021-125/05-dingnan.md:8:");
}

#[test]
fn a_path_out_of_the_content_folder_is_refused() {
    let s = site_with_photo();
    for dest in [
        "../../../etc/passwd",
        "C:\\Users\\a\\photo.jpg",
        "file:///etc/passwd",
    ] {
        s.file(
            "content/2021-125/05-dingnan.md",
            format!(
                "---\ntitle: 定南县\ncounty: 定南县\ntopics: [医疗卫生]\n---\n![照片]({dest})\n"
            ),
        );
        s.build()
            .failure()
            .stderr_has("is outside the site's content folder");
    }
}

#[test]
fn a_file_that_is_not_a_photo_or_too_large_or_heic_is_refused_by_name() {
    let s = site_with_photo();
    s.file("content/2021-125/假照片.jpg", "这不是照片");
    s.build()
        .failure()
        .stderr_has("content/2021-125/假照片.jpg")
        .stderr_has("is not a JPEG, PNG or WebP image");
    s.remove("content/2021-125/假照片.jpg");

    // A decompression bomb: a PNG header that claims 30000 × 30000 pixels.
    s.file("content/2021-125/bomb.png", png_claiming(30000, 30000));
    s.build()
        .failure()
        .stderr_has("content/2021-125/bomb.png")
        .stderr_has("30000 × 30000 pixels (900 megapixels)");
    s.remove("content/2021-125/bomb.png");

    s.file("content/2021-125/IMG_0001.HEIC", "....ftypheic");
    s.build()
        .failure()
        .stderr_has("HEIC photos cannot be published")
        .stderr_has("兼容性最佳");
    s.remove("content/2021-125/IMG_0001.HEIC");
}

#[test]
fn two_files_that_publish_to_one_url_are_an_error_naming_both() {
    let s = site_with_photo();
    let mut webp = Vec::new();
    image::RgbImage::from_pixel(20, 20, image::Rgb([1, 2, 3]))
        .write_to(
            &mut std::io::Cursor::new(&mut webp),
            image::ImageFormat::WebP,
        )
        .unwrap();
    s.file("content/2021-125/images/现场 照片.webp", webp);
    s.build()
        .failure()
        .stderr_has("two sources would write `issues/2021-125/images/现场 照片.jpg`")
        .stderr_has("content/2021-125/images/现场 照片.webp");
}

/// The first bytes of a PNG whose header claims `w` × `h` pixels, with no pixels behind it.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}
