//! Dry runs: reads go to Zoom, writes do not.
//!
//! With dry-run on, [`ZoomClient::send`] still sends GET (and HEAD/OPTIONS) requests, so a
//! script sees the real account, but answers POST, PATCH, PUT and DELETE itself: it prints the
//! request on stderr (`dry-run: POST URL BODY`) and returns a synthetic success marked
//! `dry_run: true` that a script can keep using; a POST's answer echoes its body plus a made-up
//! numeric `id`, so `m.id` in the next line works. It counts what it held back, and
//! [`ZoomClient::dry_run_summary`] says what would have changed. The switch is an atomic so the
//! REPL can turn it on and off while a session runs.
//!
//! This lives in the client, not in the script layer, so every caller (scripts, the command
//! line's one-shot calls) gets the same behaviour.

use super::http::Response;
use super::{Request, ZoomClient};
use crate::catalog::Catalog;
use reqwest::Url;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The first made-up id; Zoom's meeting ids have 11 digits, and these stand out in output.
const FIRST_FAKE_ID: i64 = 90_000_000_000;

/// The dry-run switch and what it held back.
#[derive(Debug, Default)]
pub(super) struct DryRun {
    on: AtomicBool,
    next_id: AtomicU64,
    /// Writes not sent, by method, in first-seen order.
    held: Mutex<Vec<(String, u64)>>,
}

impl DryRun {
    /// Should this request be answered here instead of sent?
    pub(super) fn intercepts(&self, method: &str) -> bool {
        self.on.load(Ordering::SeqCst) && !matches!(method, "GET" | "HEAD" | "OPTIONS")
    }

    /// Print the request, count it, and answer it.
    pub(super) fn answer(&self, request: &Request, url: &Url) -> Response {
        match &request.body {
            Some(body) => crate::stderr_line!("dry-run: {} {url} {body}", request.method),
            None => crate::stderr_line!("dry-run: {} {url}", request.method),
        }
        {
            let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
            match held.iter_mut().find(|(m, _)| *m == request.method) {
                Some((_, n)) => *n += 1,
                None => held.push((request.method.clone(), 1)),
            }
        }
        let mut body = Map::new();
        if request.method == "POST" {
            if let Some(Value::Object(sent)) = &request.body {
                body = sent.clone();
            }
            if !body.contains_key("id") {
                let n = self.next_id.fetch_add(1, Ordering::SeqCst) as i64;
                body.insert("id".into(), Value::from(FIRST_FAKE_ID + n + 1));
            }
        }
        body.insert("dry_run".into(), Value::Bool(true));
        let status = Catalog::get()
            .find(&request.method, url.path())
            .and_then(|e| e.success_status.first().copied())
            .unwrap_or(if request.method == "POST" { 201 } else { 200 });
        Response {
            status,
            headers: vec![("x-zoomsh-dry-run".into(), "true".into())],
            body: Value::Object(body),
            path: url.path().to_string(),
        }
    }
}

/// What a dry run held back: writes by method.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DryRunSummary {
    /// `(method, count)`, POST, PATCH, PUT, DELETE first, then any other method.
    pub writes: Vec<(String, u64)>,
}

impl DryRunSummary {
    pub fn total(&self) -> u64 {
        self.writes.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for DryRunSummary {
    /// `would POST 3, PATCH 37, DELETE 2; nothing was changed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.writes.is_empty() {
            return f.write_str("no writes; nothing would change");
        }
        let parts: Vec<String> = self
            .writes
            .iter()
            .map(|(m, n)| format!("{m} {n}"))
            .collect();
        write!(f, "would {}; nothing was changed", parts.join(", "))
    }
}

impl ZoomClient {
    /// Turn dry-run on or off (takes effect with the next request).
    pub fn set_dry_run(&self, on: bool) {
        self.dry_run.on.store(on, Ordering::SeqCst);
    }

    pub fn is_dry_run(&self) -> bool {
        self.dry_run.on.load(Ordering::SeqCst)
    }

    /// The writes held back so far.
    pub fn dry_run_summary(&self) -> DryRunSummary {
        let held = self
            .dry_run
            .held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let rank = |m: &str| {
            ["POST", "PATCH", "PUT", "DELETE"]
                .iter()
                .position(|x| *x == m)
                .unwrap_or(usize::MAX)
        };
        let mut writes = held;
        writes.sort_by_key(|(m, _)| rank(m));
        DryRunSummary { writes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_post_echoes_its_body_with_an_id() {
        let d = DryRun::default();
        d.on.store(true, Ordering::SeqCst);
        let mut r = Request::new("POST", "/users/me/meetings");
        r.body = Some(json!({"topic": "Standup", "type": 2}));
        let url = Url::parse("https://api.zoom.us/v2/users/me/meetings").unwrap();
        let answer = d.answer(&r, &url);
        assert_eq!(answer.status, 201);
        assert_eq!(
            answer.body,
            json!({"topic": "Standup", "type": 2, "id": 90_000_000_001_i64, "dry_run": true})
        );
        assert!(d.intercepts("DELETE"));
        assert!(!d.intercepts("GET"));
    }

    #[test]
    fn summary_lists_writes_in_a_fixed_order() {
        let s = DryRunSummary {
            writes: vec![
                ("POST".into(), 3),
                ("PATCH".into(), 37),
                ("DELETE".into(), 2),
            ],
        };
        assert_eq!(
            s.to_string(),
            "would POST 3, PATCH 37, DELETE 2; nothing was changed"
        );
        assert_eq!(
            DryRunSummary::default().to_string(),
            "no writes; nothing would change"
        );
    }
}
