//! The output folder as the plan sees it: every file with its hashes and the headers it will be
//! served with. Files are hashed in parallel; nothing is kept in memory but the hashes.

use std::io::Read;
use std::path::Path;

use md5::Digest;
use rayon::prelude::*;

use super::headers::Rules;
use super::plan::{LocalFile, MANIFEST};

/// Every file under `output`, sorted by path. `with_md5`: also the MD5 of each (only needed
/// when the target has no manifest, to compare with S3 ETags).
pub fn scan(output: &Path, rules: &Rules, with_md5: bool) -> Result<Vec<LocalFile>, String> {
    if !output.is_dir() {
        return Err(format!(
            "{} is not a folder: build the site first (`bulletin build`)",
            crate::diagnostics::shown_path(output)
        ));
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(output).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("cannot read the output folder: {e}"))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let mut parts = Vec::new();
        for c in rel.components() {
            match c.as_os_str().to_str() {
                Some(s) => parts.push(s),
                None => {
                    return Err(format!(
                        "{}: a file name that is not UTF-8 cannot be published",
                        crate::diagnostics::shown_path(entry.path())
                    ));
                }
            }
        }
        let rel = parts.join("/");
        if rel == MANIFEST {
            continue;
        }
        paths.push((rel, entry.path().to_path_buf()));
    }
    let mut files: Vec<LocalFile> = paths
        .into_par_iter()
        .map(|(rel, full)| {
            let (hash, md5, size) = hash_file(&full, with_md5).map_err(|e| {
                format!("cannot read {}: {e}", crate::diagnostics::shown_path(&full))
            })?;
            let (content_type, cache_control) = rules.headers(&rel);
            Ok(LocalFile {
                path: rel,
                size,
                hash,
                md5,
                content_type,
                cache_control,
            })
        })
        .collect::<Result<_, String>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// BLAKE3 (and MD5) of a file, read in blocks.
fn hash_file(path: &Path, with_md5: bool) -> std::io::Result<(String, Option<String>, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut blake = blake3::Hasher::new();
    let mut md5 = with_md5.then(md5::Md5::new);
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        blake.update(&buf[..n]);
        if let Some(m) = md5.as_mut() {
            m.update(&buf[..n]);
        }
    }
    let md5 = md5.map(|m| {
        m.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    });
    Ok((blake.finalize().to_hex().to_string(), md5, size))
}
