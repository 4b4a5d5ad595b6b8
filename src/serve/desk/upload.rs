//! The 工作台's 上传: after 发布 has built `output/`, the site is uploaded to a target of
//! site.yaml's `deploy:` list — the plan first (预览上传: what `bulletin deploy --dry-run` prints,
//! file by file with the reason), then, on 确认上传, exactly that plan (made again and compared:
//! if the output or the target changed in between, nothing is sent and the clerk is asked to look
//! again). Progress is asked for by the page, as 发布's is.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Desk, adapter, blocking, error, json_response, lock, read_json};
use crate::deploy::{self, Kind, Plan};

/// How 上传 is going.
#[derive(Debug, Clone, Default)]
pub(super) enum Upload {
    #[default]
    Idle,
    Running {
        started: Instant,
        done: usize,
        total: usize,
        bytes_done: u64,
        bytes_total: u64,
    },
    Done(Value),
}

/// The plans the page has shown, by target: 确认上传 carries out only a plan that was shown.
pub(super) type Shown = std::collections::HashMap<String, Plan>;

/// The most actions a plan view lists one by one (the counts cover all).
const LISTED: usize = 200;

#[derive(Deserialize)]
pub(super) struct TargetRequest {
    target: String,
}

/// `POST api/deploy/plan {target}`: the plan, read from the target now.
pub(super) async fn plan(desk: Arc<Desk>, req: Request<Body>) -> Response<Body> {
    let body: TargetRequest = match read_json(req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let d = desk.clone();
    let name = body.target.clone();
    let result = blocking(move || adapter::deploy_plan(&d.root, &name)).await;
    match result {
        Err(r) => r,
        Ok(Err(message)) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("无法读取上传目标“{}”：{message}", body.target),
        ),
        Ok(Ok(plan)) => {
            let view = plan_view(&body.target, &plan);
            lock(&desk.shown).insert(body.target, plan);
            json_response(StatusCode::OK, view)
        }
    }
}

/// A plan as the page shows it: counts, the refusal if any, and the changes one by one.
fn plan_view(target: &str, plan: &Plan) -> Value {
    let uploads: Vec<_> = plan.uploads().collect();
    let bytes: u64 = uploads.iter().map(|a| a.size).sum();
    let deletes = plan.deletes().count();
    let listed: Vec<Value> = plan
        .actions
        .iter()
        .filter(|a| a.kind != Kind::Keep)
        .take(LISTED)
        .map(|a| {
            json!({
                "path": a.path,
                "kind": if a.kind == Kind::Upload { "上传" } else { "删除" },
                "reason": a.reason.to_string(),
            })
        })
        .collect();
    json!({
        "target": target,
        "uploads": uploads.len(),
        "bytes": bytes,
        "deletes": deletes,
        "kept": plan.kept().count(),
        "empty": plan.is_empty(),
        "refusal": plan.refusal(deploy::MAX_DELETES, false),
        "listed": listed,
        "more": (uploads.len() + deletes).saturating_sub(LISTED),
    })
}

/// `POST api/deploy {target}`: carry out the plan shown for that target.
pub(super) fn start(desk: Arc<Desk>, target: String) -> Response<Body> {
    let Some(seen) = lock(&desk.shown).remove(&target) else {
        return error(
            StatusCode::CONFLICT,
            "请先点“预览上传”，核对要上传和删除的文件后再确认",
        );
    };
    {
        let mut u = lock(&desk.upload);
        if matches!(*u, Upload::Running { .. }) {
            return error(StatusCode::CONFLICT, "正在上传，请等它完成");
        }
        *u = Upload::Running {
            started: Instant::now(),
            done: 0,
            total: 0,
            bytes_done: 0,
            bytes_total: 0,
        };
    }
    let d = desk.clone();
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut progress = |p: &deploy::Progress| {
            *lock(&d.upload) = Upload::Running {
                started,
                done: p.done,
                total: p.total,
                bytes_done: p.bytes_done,
                bytes_total: p.bytes_total,
            };
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            adapter::deploy_run(&d.root, &target, &seen, &mut progress)
        }));
        let ms = started.elapsed().as_millis() as u64;
        let v = match result {
            Ok(Ok(s)) => json!({
                "state": "done",
                "ok": true,
                "target": target,
                "elapsed_ms": ms,
                "uploaded": s.uploaded,
                "uploaded_bytes": s.uploaded_bytes,
                "deleted": s.deleted,
                "unchanged": s.unchanged,
            }),
            Ok(Err(message)) => json!({
                "state": "done",
                "ok": false,
                "target": target,
                "elapsed_ms": ms,
                "error": format!("上传没有完成：{message}"),
                "help": "目标上的每个文件都还是旧版或新版；网络恢复后再预览、确认一次即可补完。",
            }),
            Err(_) => json!({
                "state": "done",
                "ok": false,
                "target": target,
                "elapsed_ms": ms,
                "error": "内部错误：上传意外中止。请把终端窗口里的信息报告给维护者。",
            }),
        };
        *lock(&d.upload) = Upload::Done(v);
    });
    json_response(
        StatusCode::ACCEPTED,
        json!({"state": "running", "elapsed_ms": 0, "done": 0, "total": 0}),
    )
}

/// `POST api/deploy {target}` with its body read.
pub(super) async fn start_request(desk: Arc<Desk>, req: Request<Body>) -> Response<Body> {
    match read_json::<TargetRequest>(req).await {
        Ok(b) => start(desk, b.target),
        Err(r) => r,
    }
}

/// `GET api/deploy`: how 上传 is going.
pub(super) fn status(desk: &Desk) -> Response<Body> {
    let v = match &*lock(&desk.upload) {
        Upload::Idle => json!({"state": "idle"}),
        Upload::Running {
            started,
            done,
            total,
            bytes_done,
            bytes_total,
        } => json!({
            "state": "running",
            "elapsed_ms": started.elapsed().as_millis() as u64,
            "done": done,
            "total": total,
            "bytes_done": bytes_done,
            "bytes_total": bytes_total,
        }),
        Upload::Done(v) => v.clone(),
    };
    json_response(StatusCode::OK, v)
}
