use super::*;

#[test]
fn relative_paths_resolve_inside_content_and_never_above_it() {
    let cases: &[(&str, &str, Target)] = &[
        (
            "2021-125",
            "xianchang.jpg",
            Target::File("2021-125/xianchang.jpg".into()),
        ),
        (
            "2021-125",
            "./images/a.png",
            Target::File("2021-125/images/a.png".into()),
        ),
        (
            "2021-125",
            "images\\a.png",
            Target::File("2021-125/images/a.png".into()),
        ),
        (
            "2021-125",
            "%E9%99%84%E4%BB%B61.pdf",
            Target::File("2021-125/附件1.pdf".into()),
        ),
        (
            "2021-125",
            "附件1.pdf#page=2",
            Target::File("2021-125/附件1.pdf".into()),
        ),
        (
            "2021-125",
            "../2021-124/a.jpg",
            Target::File("2021-124/a.jpg".into()),
        ),
        ("2021-125", "../../etc/passwd", Target::Outside),
        ("", "../x.jpg", Target::Outside),
        ("2021-125", "C:\\Users\\a\\photo.jpg", Target::Outside),
        ("2021-125", "file:///etc/passwd", Target::Outside),
        ("2021-125", "\\\\server\\share\\a.jpg", Target::Outside),
        (
            "2021-125",
            "https://example.gov.cn/a.jpg",
            Target::Elsewhere,
        ),
        ("2021-125", "mailto:a@b.cn", Target::Elsewhere),
        ("2021-125", "/issues/2021-125/", Target::Elsewhere),
        ("2021-125", "#top", Target::Elsewhere),
        ("2021-125", "", Target::Elsewhere),
    ];
    for (dir, dest, want) in cases {
        assert_eq!(&target_of(dir, dest), want, "{dir} + {dest}");
    }
}

fn photo(in_issue: &str, width: u32, height: u32, format: Format) -> Asset {
    let widths = crate::config::Images::default().served_widths(width);
    Asset {
        rel: format!("2021-125/{in_issue}"),
        source: PathBuf::new(),
        issue_slug: "2021-125".into(),
        in_issue: in_issue.into(),
        size: 1,
        kind: Kind::Image(ImageInfo {
            width,
            height,
            orientation: 1,
            format,
            widths,
        }),
    }
}

#[test]
fn a_photo_is_served_at_the_widths_below_its_own_and_never_upscaled() {
    let a = photo("现场 照片.jpg", 3000, 2000, Format::Jpeg);
    let paths: Vec<(String, Option<u32>)> = a.outputs();
    assert_eq!(
        paths,
        vec![
            ("issues/2021-125/现场 照片.jpg".to_string(), Some(1600)),
            (
                "issues/2021-125/现场 照片-1200w.jpg".to_string(),
                Some(1200)
            ),
            ("issues/2021-125/现场 照片-800w.jpg".to_string(), Some(800)),
            ("issues/2021-125/现场 照片-480w.jpg".to_string(), Some(480)),
        ]
    );
    assert_eq!(
        a.url("/jianbao/", Some(480)),
        "/jianbao/issues/2021-125/%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87-480w.jpg"
    );
    let Kind::Image(info) = &a.kind else { panic!() };
    assert_eq!(info.height_at(1600), 1067);
    let small = photo("images/小图.JPG", 600, 400, Format::Jpeg);
    assert_eq!(
        small.outputs(),
        vec![
            ("issues/2021-125/images/小图.JPG".to_string(), Some(600)),
            (
                "issues/2021-125/images/小图-480w.JPG".to_string(),
                Some(480)
            ),
        ]
    );
    let webp = photo("a.webp", 900, 600, Format::Jpeg);
    assert_eq!(webp.outputs()[0].0, "issues/2021-125/a.jpg");
}

#[test]
fn sizes_read_as_people_write_them() {
    assert_eq!(size_text(836), "836 B");
    assert_eq!(size_text(12 * 1024), "12 KB");
    assert_eq!(size_text(1_258_291), "1.2 MB");
}

#[test]
fn the_cache_key_changes_with_the_bytes_and_every_setting() {
    let a = photo("a.jpg", 3000, 2000, Format::Jpeg);
    let Kind::Image(info) = &a.kind else { panic!() };
    let s = crate::config::Images::default();
    let base = image::cache_key(b"photo", info, &s);
    assert_eq!(base, image::cache_key(b"photo", info, &s), "stable");
    assert_ne!(base, image::cache_key(b"photo2", info, &s));
    let q = crate::config::Images {
        quality: 90,
        ..s.clone()
    };
    assert_ne!(base, image::cache_key(b"photo", info, &q));
    let mut other = info.clone();
    other.widths = vec![800, 1600];
    assert_ne!(base, image::cache_key(b"photo", &other, &s));
    let mut png = info.clone();
    png.format = Format::Png;
    assert_ne!(base, image::cache_key(b"photo", &png, &s));
}
