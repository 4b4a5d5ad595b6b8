//! `bulletin deploy` against real servers on 127.0.0.1 (moto's S3, OpenSSH's sshd) and a folder:
//! first deploy, nothing to do, an edit, a new issue, a removal, the safety checks, headers read
//! back with HEAD, Chinese and `+` in names, and a deploy cut off half-way then finished.

mod servers;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use md5::Digest;

use crate::helpers::{Run, TestSite, snapshot};
use servers::{CREDENTIALS, Moto, Sshd, have};

const ATTACHMENT: &str = "附件+1 实施方案.pdf";

fn site() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 发布测试\nbase_url: https://example.gov.cn/jb/\n",
    );
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "01-a", "第一篇", "于都县", &["教育"])
        .article("2021-1", "02-b", "第二篇", "定南县", &["教育"]);
    s.file(
        "content/2021-1/03-c.md",
        format!(
            "---\ntitle: 带附件\ncounty: 于都县\ntopics: [教育]\n---\n见[附件](<{ATTACHMENT}>)。\n"
        ),
    );
    s.file(
        format!("content/2021-1/{ATTACHMENT}").as_str(),
        "%PDF-1.4 not really\n",
    );
    s.build().success();
    s
}

fn deploy(s: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    s.run_with_env(&all, env)
}

fn s3_env() -> Vec<(&'static str, &'static str)> {
    CREDENTIALS.to_vec()
}

fn md5_hex(bytes: &[u8]) -> String {
    md5::Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The output as the bucket should hold it under `prefix`: key → MD5.
fn expected(s: &TestSite, prefix: &str) -> BTreeMap<String, String> {
    snapshot(&s.path().join("output"))
        .into_iter()
        .map(|(k, v)| (format!("{prefix}{k}"), md5_hex(&v)))
        .collect()
}

/// The bucket's keys and ETags, the manifest left out.
fn held(m: &Moto) -> BTreeMap<String, String> {
    let mut keys = m.list();
    keys.retain(|k, _| !k.ends_with(".bulletin-deploy.json"));
    keys
}

#[test]
fn s3_deploys_everything_then_nothing_then_only_what_changed() {
    if !have("moto_server", "s3_deploy") || !have("curl", "s3_deploy") {
        return;
    }
    let moto = Moto::start();
    let s = site();
    let url = moto.url("jb");
    let env = s3_env();

    // First deploy: every file, the manifest, and changed-urls.txt naming them.
    let r = deploy(&s, &[&url], &env);
    r.success().stderr_has("uploaded ");
    assert_eq!(held(&moto), expected(&s, "jb/"));
    assert!(moto.list().contains_key("jb/.bulletin-deploy.json"));
    let urls = std::fs::read_to_string(s.path().join("changed-urls.txt")).unwrap();
    assert!(
        urls.contains("https://example.gov.cn/jb/issues/2021-1/a/\n"),
        "{urls}"
    );

    // Second deploy with nothing changed: no upload, no delete.
    let puts = moto.requests("PUT");
    deploy(&s, &[&url], &env)
        .success()
        .stderr_has("nothing to do");
    assert_eq!(moto.requests("PUT"), puts);
    assert_eq!(moto.requests("DELETE"), 0);
    assert_eq!(
        std::fs::read_to_string(s.path().join("changed-urls.txt")).unwrap(),
        ""
    );

    // One article edited: its page goes up, and the pages showing its title; not the others.
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 第二篇\ncounty: 定南县\ntopics: [教育]\n---\n改过的正文。\n",
    );
    s.build().success();
    let before = held(&moto);
    let r = deploy(&s, &[&url, "--dry-run"], &env);
    r.success();
    assert!(
        r.stdout
            .contains("upload issues/2021-1/b/index.html  (content changed)"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("issues/2021-1/a/index.html"),
        "{}",
        r.stdout
    );
    assert_eq!(held(&moto), before, "--dry-run changed the bucket");
    let puts = moto.requests("PUT");
    deploy(&s, &[&url], &env).success();
    let changed: Vec<String> = std::fs::read_to_string(s.path().join("changed-urls.txt"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(changed.contains(&"https://example.gov.cn/jb/issues/2021-1/b/".to_string()));
    assert!(
        !changed.iter().any(|u| u.contains("/issues/2021-1/a/")),
        "{changed:?}"
    );
    // Only the changed files and the manifest were sent.
    assert_eq!(
        moto.requests("PUT") - puts,
        changed.iter().filter(|u| !u.ends_with('/')).count() + 1
    );
    assert_eq!(held(&moto), expected(&s, "jb/"));

    // An issue added: exactly what the build changed goes (counted), one PUT each.
    let before = s.snapshot();
    s.issue("2021-2", 2, "2021-01-11")
        .article("2021-2", "01-d", "第四篇", "于都县", &["教育"]);
    s.build().success();
    let (sent, gone) = changed_between(&before, &s.snapshot());
    let puts = moto.requests("PUT");
    deploy(&s, &[&url], &env)
        .success()
        .stderr_has(&format!("uploaded {} files", sent.len()))
        .stderr_has(&format!("deleted {},", gone.len()));
    assert_eq!(moto.requests("PUT") - puts, sent.len() + 1);
    assert_eq!(held(&moto), expected(&s, "jb/"));
    assert!(held(&moto).contains_key("jb/issues/2021-2/d/index.html"));

    // A file removed: deleted at the target, after the uploads.
    s.remove("content/2021-1/01-a.md");
    s.build().success();
    let r = deploy(&s, &[&url], &env);
    r.success();
    assert!(
        r.stderr.contains("deleted ") && !r.stderr.contains("deleted 0,"),
        "{}",
        r.stderr
    );
    assert_eq!(held(&moto), expected(&s, "jb/"));
    let (status, _) = moto.head("jb/issues/2021-1/a/index.html");
    assert_eq!(status, 404);
}

#[test]
fn s3_objects_are_served_with_their_content_type_and_cache_control() {
    if !have("moto_server", "s3_headers") || !have("curl", "s3_headers") {
        return;
    }
    let moto = Moto::start();
    let s = site();
    let env = s3_env();
    let css = snapshot(&s.path().join("output"))
        .into_keys()
        .find(|k| k.ends_with(".css"))
        .expect("a stylesheet");
    s.file(
        "site.yaml",
        format!(
            "title: 发布测试\nbase_url: https://example.gov.cn/jb/\ndeploy:\n  - name: 测试桶\n    url: {}\n",
            moto.url("")
        ),
    );
    deploy(&s, &["测试桶"], &env).success();
    for (key, ct, cc) in [
        (
            "index.html",
            "text/html; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "feed.xml",
            "application/atom+xml; charset=utf-8",
            "public, max-age=300",
        ),
        (
            css.as_str(),
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            &format!("issues/2021-1/{ATTACHMENT}"),
            "application/pdf",
            "public, max-age=86400",
        ),
    ] {
        let (status, h) = moto.head(key);
        assert_eq!(status, 200, "HEAD {key}");
        assert_eq!(h.get("content-type").map(String::as_str), Some(ct), "{key}");
        assert_eq!(
            h.get("cache-control").map(String::as_str),
            Some(cc),
            "{key}"
        );
    }
    // The Chinese and `+` name is stored as itself (not `附件 1`), with its own bytes.
    assert!(
        moto.list()
            .contains_key(&format!("issues/2021-1/{ATTACHMENT}"))
    );

    // A header rule in site.yaml changes one file's headers: only that file goes up again.
    s.file(
        "site.yaml",
        format!(
            "title: 发布测试\nbase_url: https://example.gov.cn/jb/\ndeploy:\n  - name: 测试桶\n    url: {}\n    headers:\n      - {{pattern: \"*.pdf\", cache_control: \"no-cache\"}}\n",
            moto.url("")
        ),
    );
    let r = deploy(&s, &["测试桶", "--dry-run"], &env);
    r.success();
    let uploads: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("upload "))
        .collect();
    assert_eq!(uploads.len(), 2, "{}", r.stdout);
    assert!(
        uploads[0].contains(ATTACHMENT)
            && uploads[0].contains("Cache-Control public, max-age=86400 → no-cache"),
        "{}",
        r.stdout
    );
    deploy(&s, &["测试桶"], &env).success();
    let (_, h) = moto.head(&format!("issues/2021-1/{ATTACHMENT}"));
    assert_eq!(h.get("cache-control").map(String::as_str), Some("no-cache"));
}

#[test]
fn too_many_deletes_stop_the_deploy_before_any_change() {
    if !have("moto_server", "max_deletes") || !have("curl", "max_deletes") {
        return;
    }
    let moto = Moto::start();
    let s = site();
    let url = moto.url("");
    let env = s3_env();
    deploy(&s, &[&url], &env).success();
    let before = moto.list();
    let (puts, deletes) = (moto.requests("PUT"), moto.requests("DELETE"));
    s.remove("content/2021-1/01-a.md")
        .remove("content/2021-1/02-b.md");
    s.build().success();
    deploy(&s, &[&url, "--max-deletes", "1"], &env)
        .failure()
        .stderr_has("more than --max-deletes 1; nothing was changed");
    // An output under half of what the target holds: refused without --max-deletes.
    let kept = s.path().join("kept");
    std::fs::rename(s.path().join("output"), &kept).unwrap();
    std::fs::create_dir_all(s.path().join("output")).unwrap();
    std::fs::write(s.path().join("output/index.html"), "<p>").unwrap();
    deploy(&s, &[&url], &env).failure().stderr_has("under half");
    assert_eq!(moto.list(), before);
    assert_eq!(
        (moto.requests("PUT"), moto.requests("DELETE")),
        (puts, deletes)
    );
    // Allowed explicitly, it goes ahead.
    std::fs::remove_dir_all(s.path().join("output")).unwrap();
    std::fs::rename(&kept, s.path().join("output")).unwrap();
    deploy(&s, &[&url, "--max-deletes", "100"], &env).success();
    assert_eq!(held(&moto), expected(&s, ""));
}

#[test]
fn a_secret_in_site_yaml_is_refused_by_name() {
    let s = site();
    s.file(
        "site.yaml",
        "title: t\ndeploy:\n  - name: oss\n    url: s3://b/?endpoint=https://oss-cn-hangzhou.aliyuncs.com\n    secret_access_key: abc123\n",
    );
    let r = deploy(&s, &["oss", "--dry-run"], &[]);
    r.failure()
        .stderr_has(
            "`deploy` target `oss` has `secret_access_key`: credentials never go in site.yaml",
        )
        .stderr_has("site.yaml:5")
        .stderr_has("AWS_SECRET_ACCESS_KEY");
    s.build().failure().stderr_has("secret_access_key");
    s.file(
        "site.yaml",
        "title: t\ndeploy:\n  - name: web\n    url: sftp://deploy:hunter2@10.0.0.5/srv/www\n",
    );
    deploy(&s, &["web", "--dry-run"], &[])
        .failure()
        .stderr_has("holds a secret (a password after the user name)");
}

#[test]
fn a_folder_target_is_filled_then_left_alone_and_an_unknown_folder_is_uploaded_once() {
    let s = site();
    let www = tempfile::tempdir().unwrap();
    let dest = www.path().join("站点");
    let url = format!("file://{}", dest.display());
    deploy(&s, &[&url], &[]).success();
    let mut got = snapshot(&dest);
    assert!(got.remove(".bulletin-deploy.json").is_some());
    assert_eq!(got, snapshot(&s.path().join("output")));
    deploy(&s, &[&url], &[])
        .success()
        .stderr_has("nothing to do");

    // A folder filled by other means (no manifest, no ETags): every file is sent once, then
    // the manifest makes the next deploy exact.
    std::fs::remove_file(dest.join(".bulletin-deploy.json")).unwrap();
    let r = deploy(&s, &[&url, "--dry-run"], &[]);
    assert!(
        r.stdout.contains("no MD5 ETag to compare: uploaded once"),
        "{}",
        r.stdout
    );
    deploy(&s, &[&url], &[]).success();
    deploy(&s, &[&url], &[])
        .success()
        .stderr_has("nothing to do");

    // One article edited: exactly the files the build changed go, counted.
    let before = s.snapshot();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 第二篇\ncounty: 定南县\ntopics: [教育]\n---\n改过的正文。\n",
    );
    s.build().success();
    let (sent, gone) = changed_between(&before, &s.snapshot());
    assert!(!sent.is_empty() && gone.is_empty(), "{sent:?} {gone:?}");
    deploy(&s, &[&url], &[])
        .success()
        .stderr_has(&format!("uploaded {} files", sent.len()))
        .stderr_has("deleted 0,");
    // An article removed: its page is deleted at the target, with only what changed sent.
    let before = s.snapshot();
    s.remove("content/2021-1/01-a.md");
    s.build().success();
    let (sent, gone) = changed_between(&before, &s.snapshot());
    assert!(
        gone.contains(&"issues/2021-1/a/index.html".to_string()),
        "{gone:?}"
    );
    deploy(&s, &[&url], &[])
        .success()
        .stderr_has(&format!("uploaded {} files", sent.len()))
        .stderr_has(&format!("deleted {},", gone.len()));
    let mut got = snapshot(&dest);
    got.remove(".bulletin-deploy.json");
    assert_eq!(got, s.snapshot());
    assert!(!dest.join("issues/2021-1/a/index.html").exists());
}

/// What a deploy must send and delete between two outputs: (new or changed, removed) paths.
fn changed_between(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> (Vec<String>, Vec<String>) {
    let sent = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    let gone = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    (sent, gone)
}

#[test]
fn targets_and_names_outside_the_sites_folder_are_refused_before_any_change() {
    let s = site();
    let www = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(www.path().join("站点")).unwrap();
    std::fs::write(www.path().join("other-site.html"), "someone else's").unwrap();
    let before = snapshot(www.path());
    for url in [
        format!("file://{}/站点/..", www.path().display()),
        format!("file://{}/站点/%2e%2e", www.path().display()),
        format!("file://{}/站点%2F..%2F..", www.path().display()),
        format!(
            "sftp://deploy@127.0.0.1:1{}/站点/../..",
            www.path().display()
        ),
        "s3://jianbao/jb/../?endpoint=http://127.0.0.1:1".to_string(),
    ] {
        deploy(&s, &[&url], &[])
            .failure()
            .stderr_has("would put files outside the folder it names");
    }
    deploy(&s, &["file:站点"], &[])
        .failure()
        .stderr_has("is not an absolute folder");
    assert_eq!(
        snapshot(www.path()),
        before,
        "a refused deploy wrote or deleted"
    );

    // A name in the bucket that climbs out of the site's prefix: never deleted, and the deploy
    // stops before any change.
    if !have("moto_server", "outside_keys") || !have("curl", "outside_keys") {
        return;
    }
    let moto = Moto::start();
    let env = s3_env();
    deploy(&s, &[&moto.url("jb")], &env).success();
    assert_eq!(moto.put_as_is("jb/../evil.txt", "x"), 200);
    assert_eq!(moto.put_as_is("jb/%2E%2E/evil2.txt", "x"), 200);
    let held_before = moto.list();
    assert!(
        held_before.contains_key("jb/../evil.txt"),
        "{held_before:?}"
    );
    let puts = moto.requests("PUT");
    s.file("output/extra.txt", "a change to send");
    let r = deploy(&s, &[&moto.url("jb")], &env);
    r.failure()
        .stderr_has("points outside the target's folder or prefix")
        .stderr_has("nothing was changed");
    assert_eq!(moto.list(), held_before);
    assert_eq!(moto.requests("PUT"), puts);
    assert_eq!(moto.requests("DELETE"), 0);
}

#[test]
fn wrong_or_missing_s3_credentials_are_named_in_a_clear_error() {
    if !have("moto_server", "s3_credentials") || !have("curl", "s3_credentials") {
        return;
    }
    let s = site();
    let home = tempfile::tempdir().unwrap();
    let home = home.path().display().to_string();
    let strict = Moto::start_checking_credentials();
    let r = deploy(
        &s,
        &[&strict.url("jb")],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG1"),
            ("AWS_SECRET_ACCESS_KEY", "wrong"),
            ("HOME", &home),
        ],
    );
    r.failure()
        .stderr_has("refused the credentials")
        .stderr_has("AWS_ACCESS_KEY_ID");
    assert_eq!(strict.requests("PUT"), 0);

    // None at all (nothing in the environment, no ~/.aws): said before anything is sent.
    let moto = Moto::start();
    let puts = moto.requests("PUT"); // the bucket's creation
    let r = deploy(
        &s,
        &[&moto.url("jb")],
        &[
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_PROFILE", ""),
            ("HOME", &home),
        ],
    );
    r.failure()
        .stderr_has("no S3 credentials")
        .stderr_has("AWS_ACCESS_KEY_ID");
    assert_eq!(moto.requests("PUT"), puts);
    assert!(moto.list().is_empty());
}

/// Many small files, so a deploy takes long enough to be cut off half-way.
fn filler(s: &TestSite, n: usize, version: &str) {
    for i in 0..n {
        s.file(
            &format!("output/filler/{:03}/{i}.txt", i / 100),
            format!("{version} {i}\n"),
        );
    }
}

#[test]
fn an_s3_deploy_killed_half_way_leaves_old_or_new_files_and_a_rerun_finishes() {
    if !have("moto_server", "s3_killed") || !have("curl", "s3_killed") {
        return;
    }
    let moto = Moto::start();
    let s = site();
    let url = moto.url("");
    let env = s3_env();
    let n = 1500;
    filler(&s, n, "old");
    deploy(&s, &[&url], &env).success();
    filler(&s, n, "new");
    let puts = moto.requests("PUT");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["deploy", &url])
        .current_dir(s.path())
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while moto.requests("PUT") < puts + 100 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the deploy did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // as Ctrl-C or a dropped network would
    child.wait().unwrap();
    let keys = moto.list();
    let (mut old, mut new) = (0, 0);
    for i in 0..n {
        let key = format!("filler/{:03}/{i}.txt", i / 100);
        let etag = &keys[&key];
        if *etag == md5_hex(format!("old {i}\n").as_bytes()) {
            old += 1;
        } else if *etag == md5_hex(format!("new {i}\n").as_bytes()) {
            new += 1;
        } else {
            panic!("{key} is neither the old nor the new version");
        }
    }
    assert!(
        new > 0 && old > 0,
        "not cut off half-way: {old} old, {new} new"
    );
    deploy(&s, &[&url], &env).success();
    assert_eq!(held(&moto), expected(&s, ""));
    deploy(&s, &[&url], &env)
        .success()
        .stderr_has("nothing to do");
}

#[test]
fn sftp_deploys_and_a_server_killed_half_way_leaves_old_or_new_files_until_a_rerun() {
    if !have("/usr/sbin/sshd", "sftp") || !have("ssh", "sftp") {
        return;
    }
    let mut sshd = Sshd::start();
    let s = site();
    let www = tempfile::tempdir().unwrap();
    let dest = www.path().join("www/jianbao");
    let url = sshd.url(&dest);
    let env_owned = sshd.env();
    let env: Vec<(&str, &str)> = env_owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let on_server = |dest: &Path| {
        let mut got = snapshot(dest);
        got.remove(".bulletin-deploy.json").expect("a manifest");
        got
    };

    // A key the server does not know: refused, said plainly, nothing written.
    let stranger = sshd.stranger_key().display().to_string();
    let wrong: Vec<(&str, &str)> = env
        .iter()
        .map(|&(k, v)| {
            if k == "BULLETIN_SFTP_KEY" {
                (k, stranger.as_str())
            } else {
                (k, v)
            }
        })
        .collect();
    deploy(&s, &[&url], &wrong)
        .failure()
        .stderr_has("refused")
        .stderr_has("BULLETIN_SFTP_KEY");
    assert!(!dest.exists());

    deploy(&s, &[&url], &env).success();
    assert_eq!(on_server(&dest), snapshot(&s.path().join("output")));
    deploy(&s, &[&url], &env)
        .success()
        .stderr_has("nothing to do");
    // An issue added: what the build changed goes, counted, and nothing else.
    let before = s.snapshot();
    s.issue("2021-2", 2, "2021-01-11")
        .article("2021-2", "01-d", "第四篇", "于都县", &["教育"]);
    s.build().success();
    let (sent, gone) = changed_between(&before, &s.snapshot());
    assert!(gone.is_empty(), "{gone:?}");
    deploy(&s, &[&url], &env)
        .success()
        .stderr_has(&format!("uploaded {} files", sent.len()))
        .stderr_has("deleted 0,");
    assert_eq!(on_server(&dest), snapshot(&s.path().join("output")));

    let n = 600;
    filler(&s, n, "old");
    deploy(&s, &[&url], &env).success();
    filler(&s, n, "new");
    let child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["deploy", &url])
        .current_dir(s.path())
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let is_new = |i: usize| {
        std::fs::read_to_string(dest.join(format!("filler/{:03}/{i}.txt", i / 100)))
            .is_ok_and(|t| t.starts_with("new"))
    };
    let start = Instant::now();
    while (0..n).filter(|&i| is_new(i)).count() < 50 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the deploy did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    sshd.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        !out.status.success(),
        "the deploy went on without its server"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("run the same deploy again"), "{stderr}");
    let mut new = 0;
    for i in 0..n {
        let text =
            std::fs::read_to_string(dest.join(format!("filler/{:03}/{i}.txt", i / 100))).unwrap();
        assert!(
            text == format!("old {i}\n") || text == format!("new {i}\n"),
            "filler {i}: {text:?}"
        );
        new += usize::from(text.starts_with("new"));
    }
    assert!(new < n, "the deploy finished before the server was killed");

    sshd.restart();
    deploy(&s, &[&url], &env).success();
    // Done, and no temporary file left behind.
    assert_eq!(on_server(&dest), snapshot(&s.path().join("output")));
}
