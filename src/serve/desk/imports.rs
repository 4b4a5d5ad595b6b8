//! The 工作台's import actions: a file uploaded into the staging area and imported there as a
//! plan, its front matter edited, a name added to a vocabulary, and 确认导入 or 取消 — the
//! handlers behind `/.bulletin/desk/api/upload`, `…/vocabulary` and `…/staged/ID/ACTION`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use serde::Deserialize;
use serde_json::json;

use super::staging::{Edits, Staged};
use super::{
    Desk, MAX_FILE_BYTES, MAX_STAGED, MAX_STAGED_BYTES, adapter, blocking, error, json_response,
    lock, read_json, respond,
};
use crate::import::site_yaml::VocabularyKey;

/// The extension a staged input gets, from the browser's file name; `Err` says what is accepted.
pub fn input_extension(name: &str) -> Result<&'static str, String> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "docx" => Ok("docx"),
        "pdf" => Ok("pdf"),
        "txt" => Ok("txt"),
        "doc" | "wps" => Err(format!(
            "“{name}”是旧版 Word/WPS 文件：请在 Word 或 WPS 里“另存为” .docx 后再导入"
        )),
        _ => Err(format!(
            "“{name}”不能导入：只能导入 Word（.docx）、PDF（.pdf）或文本（.txt）文件"
        )),
    }
}

/// Frees a place among the pending uploads when dropped.
struct Pending<'a>(&'a AtomicUsize);
impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(super) async fn upload(desk: Arc<Desk>, req: Request<Body>) -> Response<Body> {
    let name = req
        .headers()
        .get("x-bulletin-filename")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let ext = match input_extension(&name) {
        Ok(e) => e,
        Err(msg) => return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, msg),
    };
    let too_big = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "“{name}”太大：每个文件最多 {} MB。简报文件通常只有几 MB；如果它带着很多大图片，请先在 Word 里压缩图片。",
                MAX_FILE_BYTES >> 20
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return too_big();
    }
    {
        let staged = lock(&desk.staged);
        let waiting = staged.len() + desk.pending.load(Ordering::SeqCst);
        let bytes: u64 = staged.values().map(|s| s.size).sum();
        if waiting >= MAX_STAGED {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                format!("已经有 {MAX_STAGED} 份导入在等待：先确认或取消其中一些，再导入“{name}”"),
            );
        }
        if bytes + declared.unwrap_or(0) > MAX_STAGED_BYTES {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "等待确认的导入已经太多太大：先确认或取消其中一些",
            );
        }
        desk.pending.fetch_add(1, Ordering::SeqCst);
    }
    let _pending = Pending(&desk.pending);
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), MAX_FILE_BYTES as usize).await else {
        return too_big();
    };
    if bytes.is_empty() {
        return error(StatusCode::BAD_REQUEST, format!("“{name}”是空文件"));
    }
    let id = desk.next.fetch_add(1, Ordering::SeqCst).to_string();
    let d = desk.clone();
    let result = blocking(move || {
        let folder = d.staging.join(&id);
        let input = folder.join(format!("input.{ext}"));
        std::fs::create_dir_all(&folder)
            .and_then(|_| std::fs::write(&input, &bytes))
            .map_err(|e| vec![json!({"severity": "error", "message": format!("无法写入暂存区 {}：{e}", d.staging.display())})])?;
        let size = bytes.len() as u64;
        match Staged::plan(&d.root, id.clone(), name, folder.clone(), &input, size) {
            Ok(s) => {
                let view = s.view(&d.root);
                lock(&d.staged).insert(id, s);
                Ok(view)
            }
            Err(problems) => {
                let _ = std::fs::remove_dir_all(&folder);
                Err(problems)
            }
        }
    })
    .await;
    match result {
        Err(r) => r,
        Ok(Ok(view)) => json_response(StatusCode::OK, json!({"staged": view})),
        Ok(Err(problems)) => json_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "这个文件无法导入，暂存区里没有留下任何东西。", "problems": problems}),
        ),
    }
}

#[derive(Deserialize)]
struct VocabularyRequest {
    kind: String,
    name: String,
}

pub(super) async fn vocabulary(desk: Arc<Desk>, req: Request<Body>) -> Response<Body> {
    let body: VocabularyRequest = match read_json(req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let vocab = match body.kind.as_str() {
        "counties" => VocabularyKey::Counties,
        "topics" => VocabularyKey::Topics,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "只能向县区（counties）或专题（topics）词表添加名称",
            );
        }
    };
    let d = desk.clone();
    let result = blocking(move || {
        adapter::add_vocabulary_name(&d.root, vocab, &body.name)?;
        for s in lock(&d.staged).values_mut() {
            s.validate(&d.root);
        }
        Ok::<_, String>(d.state())
    })
    .await;
    match result {
        Err(r) => r,
        Ok(Ok(state)) => json_response(StatusCode::OK, state),
        Ok(Err(msg)) => error(StatusCode::UNPROCESSABLE_ENTITY, msg),
    }
}

#[derive(Deserialize)]
struct ConfirmRequest {
    /// The issue folder the clerk agreed to replace, named again.
    replace: Option<String>,
}

const GONE: &str = "这份导入已经在另一个窗口里确认或取消了；请刷新页面查看。";

pub(super) async fn staged_action(
    desk: Arc<Desk>,
    id: String,
    action: &str,
    req: Request<Body>,
) -> Response<Body> {
    match action {
        "edit" => {
            let edits: Edits = match read_json(req).await {
                Ok(e) => e,
                Err(r) => return r,
            };
            let d = desk.clone();
            let result = blocking(move || {
                let mut staged = lock(&d.staged);
                let Some(s) = staged.get_mut(&id) else {
                    return Err((StatusCode::CONFLICT, GONE.to_string()));
                };
                s.edit(&d.root, &edits)
                    .map_err(|e| (StatusCode::BAD_REQUEST, e))?;
                Ok(s.view(&d.root))
            })
            .await;
            match result {
                Err(r) => r,
                Ok(Ok(view)) => json_response(StatusCode::OK, json!({"staged": view})),
                Ok(Err((status, msg))) => error(status, msg),
            }
        }
        "confirm" => {
            let body: ConfirmRequest = match read_json(req).await {
                Ok(b) => b,
                Err(r) => return r,
            };
            let d = desk.clone();
            blocking(move || confirm(&d, &id, body.replace.as_deref()))
                .await
                .unwrap_or_else(|r| r)
        }
        "cancel" => {
            let Some(s) = lock(&desk.staged).remove(&id) else {
                return error(StatusCode::CONFLICT, GONE);
            };
            let _ = std::fs::remove_dir_all(&s.folder);
            json_response(StatusCode::OK, json!({"cancelled": s.label()}))
        }
        _ => error(StatusCode::NOT_FOUND, "工作台没有这个操作"),
    }
}

/// 确认导入: one at a time; the staged import is taken out of the list first, so a second tab
/// confirming it finds it gone and is told so.
fn confirm(desk: &Desk, id: &str, replace: Option<&str>) -> Response<Body> {
    let _turn = lock(&desk.confirming);
    let Some(staged) = lock(&desk.staged).remove(id) else {
        return error(StatusCode::CONFLICT, GONE);
    };
    let put_back = |s: Staged| {
        lock(&desk.staged).insert(s.id.clone(), s);
    };
    if staged.has_errors() {
        let view = staged.view(&desk.root);
        put_back(staged);
        return json_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "还有错误没有改正，改正后才能导入。", "staged": view}),
        );
    }
    if staged.exists(&desk.root) && replace != Some(staged.dir.as_str()) {
        let label = staged.label();
        let dir = staged.dir.clone();
        put_back(staged);
        return json_response(
            StatusCode::CONFLICT,
            json!({
                "error": format!("{label}已经存在。替换后，它现在的文件会被这次导入的文件取代。"),
                "needs_replace": dir,
                "label": label,
            }),
        );
    }
    let before = desk.preview_now();
    match staged.write(&desk.root) {
        Ok(paths) => {
            if let Some(tell) = desk.written.get() {
                tell(paths);
            }
        }
        Err(msg) => {
            put_back(staged);
            return error(StatusCode::INTERNAL_SERVER_ERROR, msg);
        }
    }
    let _ = std::fs::remove_dir_all(&staged.folder);
    desk.wait_for_rebuild(before);
    json_response(
        StatusCode::OK,
        json!({
            "imported": staged.label(),
            "url": format!("{}issues/{}/", desk.base_path, staged.dir),
        }),
    )
}

pub(super) fn staged_file(desk: &Desk, id: &str, name: &str) -> Response<Body> {
    let staged = lock(&desk.staged);
    let Some(bytes) = staged.get(id).and_then(|s| s.files.get(name)) else {
        return error(StatusCode::NOT_FOUND, "没有这张图片");
    };
    if name.ends_with(".md") {
        return error(StatusCode::NOT_FOUND, "没有这张图片");
    }
    respond(
        StatusCode::OK,
        crate::serve::mime::content_type(name),
        bytes.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_word_pdf_and_text_files_are_staged_and_the_name_picks_nothing_but_the_kind() {
        assert_eq!(input_extension("简报131.DOCX"), Ok("docx"));
        assert_eq!(input_extension("../../etc/passwd.pdf"), Ok("pdf"));
        assert_eq!(input_extension("a.txt"), Ok("txt"));
        assert!(input_extension("旧.doc").unwrap_err().contains("另存为"));
        assert!(input_extension("x.exe").unwrap_err().contains("只能导入"));
        assert!(input_extension("没有扩展名").is_err());
    }
}
