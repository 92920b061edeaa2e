//! The Zoom client: tokens, HTTP, Zoom's error shapes. It knows nothing about Rhai.
//!
//! [`ZoomClient::send`] takes a [`Request`] (method, path as a user writes it, query, JSON body)
//! and returns a [`Response`] for any HTTP status; [`ZoomClient::call`] does the same but turns a
//! non-2xx status into a [`ZoomError::Api`]. Everything here is async and runs on the tokio
//! runtime that owns all of zoomsh's I/O.

mod cache;
mod dryrun;
mod errors;
mod http;
pub mod limits;
pub mod paging;
pub mod paths;
pub mod retry;
mod token;

pub use cache::DiskCache;
pub use dryrun::DryRunSummary;
pub use errors::{ErrorBody, snippet};
pub use http::{ClientOptions, Request, Response, ZoomClient};
pub use limits::{LaneState, Plan};
pub use paging::{Page, PageOptions, PageWalker};
pub use retry::RetryPolicy;
pub use token::Token;

use crate::config::is_loopback;
use reqwest::Url;
use serde_json::Value;
use std::fmt;

/// A failure of a Zoom call, by cause.
#[derive(Debug, Clone)]
pub enum ZoomError {
    /// Missing or invalid settings, found when first needed (exit 2).
    Config(String),
    /// The token endpoint said no, or answered nonsense (exit 3).
    Token(String),
    /// The API answered with a non-2xx status (exit 4 for 4xx, 5 for 5xx).
    Api(Box<ApiError>),
    /// No answer: connection, TLS, timeout (exit 5).
    Network { what: String, message: String },
    /// zoomsh refused to send the request (a URL off the API host, for one) (exit 2).
    Refused(String),
    /// A page walk could not go on: Zoom repeated a page token, or answered without a list
    /// (exit 5, like any answer from Zoom that cannot be used).
    Paging(String),
}

impl ZoomError {
    pub fn exit_code(&self) -> i32 {
        match self {
            ZoomError::Config(_) | ZoomError::Refused(_) => 2,
            ZoomError::Token(_) => 3,
            ZoomError::Api(e) if e.status < 500 => 4,
            ZoomError::Api(_) | ZoomError::Network { .. } | ZoomError::Paging(_) => 5,
        }
    }

    /// The kind as scripts see it in a caught error's `kind` field.
    pub fn kind(&self) -> &'static str {
        match self {
            ZoomError::Config(_) => "config",
            ZoomError::Token(_) => "auth",
            ZoomError::Api(_) => "http",
            ZoomError::Network { .. } => "network",
            ZoomError::Refused(_) => "refused",
            ZoomError::Paging(_) => "paging",
        }
    }

    pub(crate) fn network(method: &str, url: &str, e: &reqwest::Error) -> ZoomError {
        // reqwest's Display can include the URL; ours never holds credentials (they go in
        // headers and bodies), so the text is safe to show.
        let cause = if e.is_timeout() {
            "timed out".to_string()
        } else if e.is_connect() {
            format!("could not connect ({})", root_cause(e))
        } else {
            root_cause(e)
        };
        ZoomError::Network {
            what: format!("{method} {}", strip_query(url)),
            message: cause,
        }
    }
}

fn strip_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

impl fmt::Display for ZoomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoomError::Config(m)
            | ZoomError::Token(m)
            | ZoomError::Refused(m)
            | ZoomError::Paging(m) => f.write_str(m),
            ZoomError::Api(e) => write!(f, "{e}"),
            ZoomError::Network { what, message } => {
                write!(
                    f,
                    "{what}: {message}; check the network and {}, then try again",
                    if what.contains("/oauth/token") {
                        "the OAuth URL (ZOOMSH_OAUTH_URL)"
                    } else {
                        "the API URL (ZOOMSH_API_URL)"
                    }
                )
            }
        }
    }
}

impl std::error::Error for ZoomError {}

/// A non-2xx answer from the Zoom API, read in any of Zoom's error shapes.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub code: Option<i64>,
    pub message: String,
    /// Field errors of a validation failure, as Zoom sent them.
    pub errors: Vec<Value>,
    pub method: String,
    /// The path as sent, relative to the API host (`/v2/...`).
    pub path: String,
    /// Zoom's `x-zm-trackingid`, to quote to Zoom support.
    pub tracking_id: Option<String>,
    /// What zoomsh knows about the cause, shown instead of the generic hint (for example which
    /// page of a walk an expired page token broke).
    pub note: Option<String>,
    /// For a daily rate limit: when it resets.
    pub resets_at: Option<jiff::Timestamp>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: HTTP {}", self.method, self.path, self.status)?;
        if let Some(code) = self.code {
            write!(f, ", code {code}")?;
        }
        write!(f, ": {}", self.message)?;
        for e in &self.errors {
            let field = e.get("field").and_then(Value::as_str).unwrap_or("?");
            let msg = e.get("message").and_then(Value::as_str).unwrap_or("");
            write!(f, " [{field}: {msg}]")?;
        }
        if let Some(note) = &self.note {
            write!(f, " — {note}")?;
        } else if let Some(hint) = self.hint() {
            write!(f, " — {hint}")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " (tracking id {id})")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// What to do next, for the errors whose cause is well known.
    fn hint(&self) -> Option<&'static str> {
        match (self.status, self.code) {
            (_, Some(4711)) | (_, Some(4700)) => Some(
                "add the missing scopes to the app in the Zoom App Marketplace, then run again",
            ),
            (401, _) => Some("the token was refused twice; check that the app is activated"),
            (_, Some(1001)) => Some("check the user id or email"),
            (429, _) => Some(
                "Zoom's rate limit held through every retry; try again later, or raise --retries",
            ),
            (404, _) if self.code.is_none() => Some("check the path against `zoomsh endpoints`"),
            _ => None,
        }
    }
}

/// The API base URL from a token response's `api_url`, if it may be trusted with the token:
/// a Zoom host (`zoom.us`, `zoomgov.com` and their subdomains) over https, or loopback.
/// The trailing slash Zoom sometimes sends (`https://eu01api.zoom.us/`) is dropped.
pub fn normalize_api_url(raw: &str) -> Option<Url> {
    let url = Url::parse(raw.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let zoom_host = ["zoom.us", "zoomgov.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    let trusted = (zoom_host && url.scheme() == "https")
        || (is_loopback(&url) && matches!(url.scheme(), "http" | "https"));
    if !trusted {
        return None;
    }
    let trimmed = url.as_str().trim_end_matches('/').to_string();
    Url::parse(&trimmed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_url_is_trusted_only_for_zoom_hosts_and_loopback() {
        assert_eq!(
            normalize_api_url("https://eu01api.zoom.us/")
                .unwrap()
                .as_str(),
            "https://eu01api.zoom.us/"
        );
        assert!(normalize_api_url("https://api.zoomgov.com").is_some());
        assert!(normalize_api_url("http://127.0.0.1:8080").is_some());
        assert!(normalize_api_url("https://zoom.us.evil.example").is_none());
        assert!(normalize_api_url("http://api.zoom.us").is_none());
        assert!(normalize_api_url("not a url").is_none());
    }

    #[test]
    fn api_error_reads_like_one_line() {
        let e = ApiError {
            status: 400,
            code: Some(4711),
            message: "Invalid access token, does not contain scopes:[user:read:list_users:admin]."
                .into(),
            errors: vec![],
            method: "GET".into(),
            path: "/v2/users".into(),
            tracking_id: Some("v=2.0;rid=X".into()),
            note: None,
            resets_at: None,
        };
        assert_eq!(
            e.to_string(),
            "GET /v2/users: HTTP 400, code 4711: Invalid access token, does not contain \
             scopes:[user:read:list_users:admin]. — add the missing scopes to the app in the Zoom \
             App Marketplace, then run again (tracking id v=2.0;rid=X)"
        );
    }
}
