//! The 工作台's 检查 and 发布: `bulletin check` and `bulletin build` run for the clerk, their
//! diagnostics grouped for reading, and 发布's progress asked for by the page.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Response, StatusCode};
use serde_json::{Value, json};

use super::staging::{diag_json, diags_json};
use super::{Desk, Publish, adapter, blocking, error, json_response, lock};

pub(super) async fn check(desk: Arc<Desk>) -> Response<Body> {
    let d = desk.clone();
    let result = blocking(move || adapter::check(&d.root)).await;
    let (ok, diags, summary) = match result {
        Err(r) => return r,
        Ok(Ok(report)) => (
            true,
            report.warnings,
            format!(
                "检查通过：{} 期、{} 篇文章、{} 个页面",
                report.issues, report.articles, report.pages
            ),
        ),
        Ok(Err(diags)) => {
            let summary = format!(
                "有 {} 个错误、{} 个警告：改正错误后才能发布",
                diags.error_count(),
                diags.warning_count()
            );
            (false, diags, summary)
        }
    };
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in diags.iter() {
        let file = d
            .path
            .as_ref()
            .map(|p| p.display().to_string().replace('\\', "/"))
            .unwrap_or_default();
        groups.entry(file).or_default().push(diag_json(d));
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(file, problems)| {
            json!({"file": file, "page": desk.page_of(&file), "problems": problems})
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({"ok": ok, "summary": summary, "groups": groups}),
    )
}

pub(super) fn publish_status(desk: &Desk) -> Response<Body> {
    let v = match &*lock(&desk.publish) {
        Publish::Idle => json!({"state": "idle"}),
        Publish::Running(t) => {
            json!({"state": "running", "elapsed_ms": t.elapsed().as_millis() as u64})
        }
        Publish::Done(v) => v.clone(),
    };
    json_response(StatusCode::OK, v)
}

pub(super) fn publish_start(desk: Arc<Desk>) -> Response<Body> {
    {
        let mut p = lock(&desk.publish);
        if matches!(*p, Publish::Running(_)) {
            return error(StatusCode::CONFLICT, "正在发布，请等它完成");
        }
        *p = Publish::Running(Instant::now());
    }
    let d = desk.clone();
    std::thread::spawn(move || {
        let started = Instant::now();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| adapter::publish(&d.root)));
        let ms = started.elapsed().as_millis() as u64;
        let v = match result {
            Ok(Ok(r)) => json!({
                "state": "done",
                "ok": true,
                "elapsed_ms": ms,
                "pages": r.pages,
                "issues": r.issues,
                "articles": r.articles,
                "files": r.files,
                "bytes": r.bytes,
                "output": "output/",
                "warnings": diags_json(&r.warnings),
                "deploy": null,
            }),
            Ok(Err(diags)) => json!({
                "state": "done",
                "ok": false,
                "elapsed_ms": ms,
                "error": "构建失败，output/ 保持原样。",
                "problems": diags_json(&diags),
            }),
            Err(_) => json!({
                "state": "done",
                "ok": false,
                "elapsed_ms": ms,
                "error": "内部错误：构建意外中止，output/ 保持原样。请把终端窗口里的信息报告给维护者。",
                "problems": [],
            }),
        };
        *lock(&d.publish) = Publish::Done(v);
    });
    json_response(
        StatusCode::ACCEPTED,
        json!({"state": "running", "elapsed_ms": 0}),
    )
}
