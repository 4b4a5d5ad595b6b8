//! Unit tests of the output writer (`super`).

use super::*;

#[test]
fn precompressed_copies_decompress_to_the_original() {
    use std::io::Read;
    let text = "<p>赣州市人社局多措并举促进农民工就业创业</p>".repeat(40);
    let gz = gzip(text.as_bytes());
    let mut back = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut back)
        .unwrap();
    assert_eq!(back, text);
    assert_eq!(gz, gzip(text.as_bytes()), "reproducible");
    let br = brotli(text.as_bytes());
    let mut back = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, text.as_bytes());
    assert!(is_compressible("a/index.html", 1000));
    assert!(!is_compressible("a.png", 100_000));
    assert!(!is_compressible("a.html", 10));
}

#[test]
fn dir_sink_makes_parents_before_children() {
    let tmp = tempfile::tempdir().unwrap();
    let sink = DirSink::new(tmp.path().to_path_buf());
    let paths = vec![
        "a/b/c/index.html".to_string(),
        "a/index.html".to_string(),
        "x.xml".to_string(),
    ];
    sink.prepare(&paths).unwrap();
    for p in &paths {
        sink.write(p, b"x").unwrap();
    }
    assert!(tmp.path().join("a/b/c/index.html").is_file());
}

#[test]
fn staging_swaps_the_new_tree_in_and_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir(&site).unwrap();
    let target = site.join("output");
    for round in 0..3 {
        let s = stage(&target, &site).unwrap();
        std::fs::write(s.dir.join("index.html"), format!("{round}")).unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            round.to_string()
        );
    }
    assert_eq!(names_in(&site), ["output"]);
}

#[test]
fn an_aborted_build_leaves_the_output_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir(&site).unwrap();
    let target = site.join("out");
    let s = stage(&target, &site).unwrap();
    std::fs::write(s.dir.join("a"), "1").unwrap();
    s.commit().unwrap();
    let s = stage(&target, &site).unwrap();
    std::fs::write(s.dir.join("a"), "2").unwrap();
    s.abort();
    assert_eq!(std::fs::read_to_string(target.join("a")).unwrap(), "1");
}

/// The names in a folder: the output and nothing a build left behind.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What the OS says when a program holds a folder: Windows' sharing violation, Linux's EBUSY.
fn busy() -> io::Error {
    if cfg!(windows) {
        io::Error::from_raw_os_error(32)
    } else {
        io::Error::from(io::ErrorKind::ResourceBusy)
    }
}

/// A built output folder with `index.html` saying `old`, and a staged build saying `new`.
fn built_then_staged(tmp: &Path) -> (PathBuf, Staging) {
    let site = tmp.join("site");
    std::fs::create_dir(&site).unwrap();
    let target = site.join("output");
    let s = stage(&target, &site).unwrap();
    std::fs::write(s.dir.join("index.html"), "old").unwrap();
    s.commit().unwrap();
    let s = stage(&target, &site).unwrap();
    std::fs::write(s.dir.join("index.html"), "new").unwrap();
    (target, s)
}

#[test]
fn a_held_output_folder_is_retried_then_left_as_it_was_with_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (target, staged) = built_then_staged(tmp.path());
    let staged_dir = staged.dir.clone();
    let slept = std::cell::RefCell::new(Vec::new());
    let held = |from: &Path, to: &Path| {
        if from == target {
            Err(busy())
        } else {
            std::fs::rename(from, to)
        }
    };
    let err = staged
        .commit_with(&FsOps {
            exchange: &|_, _| Err(busy()),
            rename: &held,
            sleep: &|d| slept.borrow_mut().push(d),
        })
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&target.display().to_string()), "{text}");
    assert!(text.contains("another program holds it"), "{text}");
    assert!(text.contains("left as it was"), "{text}");
    assert_eq!(slept.borrow().len(), RETRY_WAITS_MS.len());
    let total: Duration = slept.borrow().iter().sum();
    assert!(total < Duration::from_secs(5), "{total:?}");
    assert_eq!(
        std::fs::read_to_string(target.join("index.html")).unwrap(),
        "old"
    );
    assert!(!staged_dir.exists(), "the new tree is thrown away");
    assert_eq!(names_in(target.parent().unwrap()), ["output"]);
}

#[test]
fn a_folder_let_go_while_retrying_is_swapped() {
    let tmp = tempfile::tempdir().unwrap();
    let (target, staged) = built_then_staged(tmp.path());
    let refusals = std::cell::Cell::new(3);
    let held_a_while = |from: &Path, to: &Path| {
        if from == target && refusals.get() > 0 {
            refusals.set(refusals.get() - 1);
            Err(busy())
        } else {
            std::fs::rename(from, to)
        }
    };
    staged
        .commit_with(&FsOps {
            exchange: &|_, _| Err(busy()),
            rename: &held_a_while,
            sleep: &|_| {},
        })
        .unwrap();
    assert_eq!(refusals.get(), 0);
    assert_eq!(
        std::fs::read_to_string(target.join("index.html")).unwrap(),
        "new"
    );
}

#[test]
fn other_rename_errors_fail_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (target, staged) = built_then_staged(tmp.path());
    let slept = std::cell::Cell::new(0);
    let err = staged
        .commit_with(&FsOps {
            exchange: &|_, _| Err(io::Error::from(io::ErrorKind::Unsupported)),
            rename: &|_, _| Err(io::Error::from(io::ErrorKind::StorageFull)),
            sleep: &|_| slept.set(slept.get() + 1),
        })
        .unwrap_err();
    assert_eq!(slept.get(), 0);
    assert!(!err.to_string().contains("another program"), "{err}");
    assert_eq!(
        std::fs::read_to_string(target.join("index.html")).unwrap(),
        "old"
    );
}

#[test]
fn refuses_folders_it_did_not_make_and_the_site_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::create_dir_all(site.join("docs")).unwrap();
    std::fs::write(site.join("docs/keep.txt"), "precious").unwrap();
    for bad in [
        site.clone(),
        site.join("content"),
        tmp.path().to_path_buf(),
        site.join("docs"),
        PathBuf::from("/"),
    ] {
        assert!(check_target(&bad, &site).is_err(), "{}", bad.display());
    }
    assert!(check_target(&site.join("output"), &site).is_ok());
    std::fs::create_dir(site.join("empty")).unwrap();
    assert!(check_target(&site.join("empty"), &site).is_ok());
}
