//! Publishing: the link check, precompressed files, reproducible output, and the built sample
//! served under a sub-folder by a real nginx and crawled link by link.

use std::collections::{BTreeSet, VecDeque};
use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{TestSite, http_get, links};
use crate::webdriver::free_port;

fn site() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 链接测试\nbase_url: https://example.gov.cn/jb/\n",
    );
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "01-a", "第一篇", "于都县", &["教育"])
        .article("2021-1", "02-b", "第二篇", "定南县", &["教育"]);
    s
}

#[test]
fn check_passes_on_the_themes_own_links() {
    site().run(&["check"]).success();
    let sample = TestSite::sample();
    sample.run(&["check"]).success();
    sample
        .run(&[
            "build",
            "--check-links",
            "--base-url",
            "https://example.gov.cn/sub/dir/",
        ])
        .success();
}

#[test]
fn check_names_every_broken_link_and_missing_anchor() {
    let s = site();
    s.file(
        "content/2021-1/03-c.md",
        "---\ntitle: 坏链接\ncounty: 于都县\ntopics: [教育]\n---\n见[不存在的期](/jb/issues/2020-9/)、[缺锚点](/jb/issues/2021-1/#nowhere)和[好的](/jb/issues/2021-1/#a)。\n",
    );
    let r = s.run(&["check"]);
    r.failure()
        .stderr_has("broken link on /issues/2021-1/c/: `/jb/issues/2020-9/`")
        .stderr_has("nothing is written at /issues/2020-9/index.html")
        .stderr_has("`/jb/issues/2021-1/#nowhere`")
        .stderr_has("has no element with id=\"nowhere\"")
        .stderr_has("content/2021-1/03-c.md");
    assert!(
        !r.stderr.contains("#a`"),
        "a good anchor was reported:\n{}",
        r.stderr
    );
    // The same check can gate a build, which then leaves the output as it was.
    s.run(&["build", "--check-links"])
        .failure()
        .stderr_has("broken link");
    assert!(!s.path().join("output").exists());
}

#[test]
fn precompress_writes_gzip_and_brotli_next_to_text_files() {
    let s = site();
    s.run(&["build", "--precompress"]).success();
    let html = std::fs::read(s.path().join("output/index.html")).unwrap();
    let gz = std::fs::read(s.path().join("output/index.html.gz")).unwrap();
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, html);
    let br = std::fs::read(s.path().join("output/index.html.br")).unwrap();
    let mut back = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, html);
    assert!(s.exists("feed.xml.gz") && s.exists("sitemap.xml.br"));
    assert!(!s.exists("favicon.svg.gz"), "small files are left alone");
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count_or_file_times() {
    let s = TestSite::sample();
    let build = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["build", "--precompress"])
            .current_dir(s.path())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        s.snapshot()
    };
    let one = build("1");
    // Touch every source file: modification times must not matter.
    for entry in std::fs::read_dir(s.path().join("content/2021-125")).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read(&p).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        std::fs::write(&p, text).unwrap();
    }
    let four = build("4");
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        four.keys().collect::<Vec<_>>()
    );
    for (k, v) in &one {
        assert!(v == &four[k], "{k} differs between builds");
    }
}

/// A GET over plain HTTP/1.1: status and body.
fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let (status, _, body) = http_get(port, path);
    (status, body)
}

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start nginx serving `output` at `/sub/dir/` on `port`, with a config written to `dir`.
fn nginx(dir: &Path, output: &Path, port: u16) -> Option<Nginx> {
    let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(bin) = bin else {
        if std::env::var_os("CI").is_some() {
            panic!("nginx missing in CI; .ci/run must install it");
        }
        eprintln!(
            "\n!!! SKIPPED the nginx crawl: nginx is not installed (apt-get install nginx) !!!\n"
        );
        return None;
    };
    for d in ["logs", "tmp"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    // Running as root, nginx's workers would drop to `nobody`, who cannot read a private temp dir.
    let user = if unsafe { libc::geteuid() } == 0 {
        "user root;"
    } else {
        ""
    };
    let conf = format!(
        "{user}\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\ndaemon off;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  types {{ text/html html; text/css css; application/xml xml; image/svg+xml svg; text/plain txt; }}\n\
           access_log off;\n  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp; uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n\
           server {{\n    listen 127.0.0.1:{port};\n    location /sub/dir/ {{ alias {out}/; index index.html; error_page 404 /sub/dir/404.html; }}\n  }}\n}}\n",
        d = dir.display(),
        out = output.display()
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(bin)
        .args(["-p"])
        .arg(dir)
        .args(["-c"])
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nginx");
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Nginx(child))
}

#[test]
fn the_sample_served_by_nginx_under_a_sub_folder_has_no_broken_links() {
    let s = TestSite::sample();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/sub/dir/");
    s.run(&["build", "--base-url", &base]).success();
    let conf_dir = tempfile::tempdir().unwrap();
    let Some(_nginx) = nginx(conf_dir.path(), &s.path().join("output"), port) else {
        return;
    };

    // Crawl from the home page, following every link into the site.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::from(["/sub/dir/".to_string()]);
    let mut broken = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (status, body) = get(port, &path);
        if status != 200 {
            broken.push(format!("{path}: {status}"));
            continue;
        }
        if !(path.ends_with('/') || path.ends_with(".html")) {
            continue;
        }
        for link in links(&String::from_utf8_lossy(&body)) {
            let link = link
                .strip_prefix(&format!("http://127.0.0.1:{port}"))
                .unwrap_or(&link)
                .to_string();
            let link = link.split('#').next().unwrap().to_string();
            if link.starts_with("/sub/dir/") {
                if !seen.contains(&link) {
                    queue.push_back(link);
                }
            } else if link.starts_with('/') {
                broken.push(format!("{path} links outside the sub-folder: {link}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken:\n{}", broken.join("\n"));
    assert!(seen.len() > 20, "crawled only {seen:?}");

    // Every page of the sitemap was reached from home.
    let (status, index) = get(port, "/sub/dir/sitemap.xml");
    assert_eq!(status, 200);
    let origin = format!("http://127.0.0.1:{port}");
    let mut locs = Vec::new();
    for part in crate::helpers::xml_locs(&String::from_utf8(index).unwrap()) {
        let (status, sitemap) = get(port, part.strip_prefix(&origin).unwrap());
        assert_eq!(status, 200, "{part}");
        locs.extend(crate::helpers::xml_locs(
            &String::from_utf8(sitemap).unwrap(),
        ));
    }
    assert!(locs.len() > 20, "{locs:?}");
    for loc in &locs {
        let path = loc.strip_prefix(&origin).unwrap();
        assert!(
            seen.contains(path),
            "{path} is in the sitemap but not reachable from home"
        );
    }
    // And nginx serves the site's 404 page for a missing one.
    let (status, body) = get(port, "/sub/dir/no/such/page/");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("页面不存在"));
}
