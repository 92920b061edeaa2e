//! Inspection endpoints under `/_sim`: the request log, the counters, reset, and a webhook sink.
//!
//! The log records what clients sent (method, path, query, headers, a body excerpt, the status
//! answered) with credentials removed: `Authorization` keeps only its scheme, secret-looking
//! query and form fields are blanked, and the demo secret or any minted token is scrubbed from
//! whatever text is kept. Requests to `/_sim` itself are not logged.

use super::DEMO_CLIENT_SECRET;
use super::auth::TokenStore;
use super::server::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

const LOG_CAPACITY: usize = 5_000;
const BODY_EXCERPT: usize = 4_096;
const REDACTED: &str = "(redacted)";
/// Query/form fields whose values are credentials.
const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "access_token",
    "refresh_token",
    "token",
    "password",
    "secret",
];

/// One logged request.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub seq: u64,
    pub time: String,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub status: u16,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<LogEntry>,
    next_seq: u64,
}

impl RequestLog {
    pub fn push(&mut self, mut entry: LogEntry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }
}

/// Remove credentials from text we keep: the demo secret and any token we minted.
fn scrub(text: &str, tokens: &TokenStore) -> String {
    let text = text.replace(DEMO_CLIENT_SECRET, REDACTED);
    // Tokens are long runs of base64url and dots; check each such run against the store.
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.len() >= 32 && tokens.is_token(word) {
            out.push_str(REDACTED);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Re-encode form/query pairs with secret fields blanked.
fn redact_pairs(raw: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| {
            let secret = SECRET_FIELDS.iter().any(|s| k.eq_ignore_ascii_case(s));
            (k.clone(), if secret { REDACTED.into() } else { v })
        }))
        .finish()
}

/// Build a log entry for a request; `status` 0 means the connection was dropped.
pub fn entry(
    tokens: &TokenStore,
    method: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    status: u16,
) -> LogEntry {
    let mut logged = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        let kept = match name.as_str() {
            "authorization" | "proxy-authorization" => match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} {REDACTED}"),
                None => REDACTED.to_string(),
            },
            "cookie" => REDACTED.to_string(),
            _ => scrub(&value, tokens),
        };
        logged
            .entry(name.as_str().to_string())
            .and_modify(|v: &mut String| {
                v.push_str(", ");
                v.push_str(&kept);
            })
            .or_insert(kept);
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_EXCERPT)]).into_owned();
    let body = if is_form { redact_pairs(&text) } else { text };
    LogEntry {
        seq: 0,
        time: Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string(),
        method: method.to_string(),
        path: uri.path().to_string(),
        query: scrub(&redact_pairs(uri.query().unwrap_or("")), tokens),
        headers: logged,
        body: scrub(&body, tokens),
        status,
    }
}

/// `GET /_sim/log`: every logged request, oldest first.
pub async fn log(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let core = shared.lock();
    Json(json!({ "requests": core.log.entries }))
}

/// `GET /_sim/stats`.
pub async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(serde_json::to_value(shared.stats()).unwrap_or(Value::Null))
}

/// `POST /_sim/reset`.
pub async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

/// One request a webhook sink received.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookHit {
    pub time: String,
    pub content_type: String,
    /// The body parsed as JSON if it is JSON, else the text.
    pub body: Value,
}

#[derive(Debug, Default)]
pub struct Webhooks {
    sinks: HashMap<String, Vec<WebhookHit>>,
}

/// `POST /_sim/webhooks/{name}`: store the body, answer `ok` like a Slack incoming webhook.
pub async fn webhook_receive(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = String::from_utf8_lossy(&body).into_owned();
    let hit = WebhookHit {
        time: Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    };
    shared.lock().hooks.sinks.entry(name).or_default().push(hit);
    ([(header::CONTENT_TYPE, "text/plain")], "ok").into_response()
}

/// `GET /_sim/webhooks/{name}`: what the sink received, oldest first.
pub async fn webhook_read(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Json<Value> {
    let core = shared.lock();
    let hits = core.hooks.sinks.get(&name).cloned().unwrap_or_default();
    Json(json!({ "name": name, "count": hits.len(), "requests": hits }))
}

/// `DELETE /_sim/webhooks/{name}`: forget what the sink received.
pub async fn webhook_clear(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> StatusCode {
    shared.lock().hooks.sinks.remove(&name);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_fields_are_blanked() {
        let r = redact_pairs("grant_type=account_credentials&client_secret=abc&account_id=A");
        assert_eq!(
            r,
            "grant_type=account_credentials&client_secret=%28redacted%29&account_id=A"
        );
    }

    #[test]
    fn demo_secret_is_scrubbed_anywhere() {
        let t = TokenStore::new(1);
        let s = scrub(&format!("x {DEMO_CLIENT_SECRET} y"), &t);
        assert!(!s.contains(DEMO_CLIENT_SECRET));
    }
}
