//! Posting to a webhook: one POST of a JSON or text body, the way Slack incoming webhooks take
//! it. Scripts reach this through `http.post(url, body)` (see `script::helpers`); this module
//! knows nothing of Rhai.
//!
//! A webhook URL is a credential (Slack's carries its secret in the path), so no message, error
//! or trace ever shows more of it than the scheme and host ([`WebhookTarget`]). Only `https`
//! is accepted, or plain `http` to a loopback host (the simulator's webhook sink). Redirects are
//! not followed: a webhook that moves must be updated by its owner, not chased with the body.

use crate::config::is_loopback;
use reqwest::Url;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

/// How long one post may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The most of an error answer kept for the message.
const ANSWER_EXCERPT: usize = 200;

/// What to send.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// Sent as `application/json`.
    Json(Value),
    /// Sent as `text/plain; charset=utf-8`.
    Text(String),
}

/// A webhook's answer with a 2xx status.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    /// The body as text (Slack answers `ok`).
    pub body: String,
}

/// A URL as it may be shown: scheme and host, the path elided.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookTarget(String);

impl WebhookTarget {
    pub fn of(url: &Url) -> WebhookTarget {
        let host = url.host_str().unwrap_or("?");
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let path = if url.path().len() > 1 { "/…" } else { "" };
        WebhookTarget(format!("{}://{host}{port}{path}", url.scheme()))
    }
}

impl fmt::Display for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a post failed.
#[derive(Clone, Debug, PartialEq)]
pub enum WebhookError {
    /// The URL was not sent to: not a URL, or not https.
    Refused(String),
    /// No answer: connection, TLS, timeout.
    Network {
        target: WebhookTarget,
        message: String,
    },
    /// An answer with a status other than 2xx.
    Status {
        target: WebhookTarget,
        status: u16,
        body: String,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::Refused(m) => f.write_str(m),
            WebhookError::Network { target, message } => write!(
                f,
                "POST {target}: {message}; check the network and the webhook URL"
            ),
            WebhookError::Status {
                target,
                status,
                body,
            } => {
                write!(f, "POST {target}: HTTP {status}")?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// Check a webhook URL before anything is sent.
pub fn parse_url(raw: &str) -> Result<Url, WebhookError> {
    let url = Url::parse(raw.trim()).map_err(|_| {
        WebhookError::Refused(
            "the webhook URL does not parse; give the full https://... URL the service issued"
                .into(),
        )
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(WebhookError::Refused(format!(
            "{} is not an https URL; webhooks are posted over https only (plain http only to localhost)",
            WebhookTarget::of(&url)
        ))),
    }
}

/// A client for webhook posts; cheap to keep, built on first use.
#[derive(Default)]
pub struct WebhookClient {
    http: OnceLock<Result<reqwest::Client, String>>,
}

impl WebhookClient {
    pub fn new() -> WebhookClient {
        WebhookClient::default()
    }

    fn http(&self) -> Result<&reqwest::Client, WebhookError> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(concat!("zoomsh/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| WebhookError::Refused(format!("cannot set up the HTTP client: {e}")))
    }

    /// POST `body` to `url`; a 2xx answer is a [`Reply`], anything else an error.
    pub async fn post(&self, url: &str, body: &Body) -> Result<Reply, WebhookError> {
        let url = parse_url(url)?;
        let target = WebhookTarget::of(&url);
        let request = self.http()?.post(url);
        let request = match body {
            Body::Json(v) => request.json(v),
            Body::Text(t) => request
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(t.clone()),
        };
        tracing::debug!("webhook POST {target}");
        let network = |e: reqwest::Error| WebhookError::Network {
            target: target.clone(),
            // Without the URL: reqwest's own text would include the secret path.
            message: if e.is_timeout() {
                "timed out".into()
            } else if e.is_connect() {
                "could not connect".into()
            } else {
                "the request failed".into()
            },
        };
        let response = request.send().await.map_err(network)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(network)?;
        tracing::debug!("webhook POST {target}: HTTP {status}");
        if (200..300).contains(&status) {
            Ok(Reply { status, body: text })
        } else {
            let excerpt: String = text.trim().chars().take(ANSWER_EXCERPT).collect();
            Err(WebhookError::Status {
                target,
                status,
                body: excerpt,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_accepted() {
        assert!(parse_url("https://hooks.slack.com/services/T0/B0/secret").is_ok());
        assert!(parse_url("http://127.0.0.1:8990/_sim/webhooks/slack").is_ok());
        assert!(parse_url("http://localhost/x").is_ok());
        let err = parse_url("http://hooks.example.com/services/secret").unwrap_err();
        assert_eq!(
            err.to_string(),
            "http://hooks.example.com/… is not an https URL; webhooks are posted over https only \
             (plain http only to localhost)"
        );
        assert!(parse_url("not a url").is_err());
    }

    #[test]
    fn the_secret_path_is_never_shown() {
        let url = Url::parse("https://hooks.slack.com/services/T0/B0/secret?x=1").unwrap();
        assert_eq!(
            WebhookTarget::of(&url).to_string(),
            "https://hooks.slack.com/…"
        );
        let url = Url::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(WebhookTarget::of(&url).to_string(), "http://127.0.0.1:9");
    }
}
