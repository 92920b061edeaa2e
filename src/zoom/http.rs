//! Sending one API call: the URL, the headers, the token, the 401 re-mint, redirects, and
//! reading the answer.
//!
//! House rules, each from a way real clients broke (BEHAVIOR.md §2, §6; CASES.md B11, B18):
//! `Accept: application/json` on every request; `Content-Type: application/json` on every request
//! with a body and on no other; 200/201/202/204 are success and an empty body is `null`; a 401
//! invalidates the token, mints once and retries once; a second 401 is reported, never looped.
//! Redirects are followed by hand, and only to hosts that may see the token.
//!
//! Around each attempt: the category's rate limiter is waited on first (`limits`), and the
//! answer or failure is judged by `retry`, which may send the request again after a wait. Every
//! wait is a tokio sleep inside the call's future, so dropping the future (Ctrl-C) stops it.
//!
//! Traces: at debug level (`-v`) one line per attempt (method, URL, status, time, attempt),
//! one per retry and one per limiter wait; at trace level (`-vv`) the request and response
//! headers too, with `Authorization` shown as `Bearer (redacted)`.

use super::cache::DiskCache;
use super::dryrun::DryRun;
use super::errors::{ErrorBody, snippet};
use super::limits::{LaneState, Plan, RateLimits};
use super::retry::{LimitKind, Reach, Retrier, RetryPolicy, Verdict, utc};
use super::token::{Token, TokenProvider};
use super::{ApiError, ZoomError, normalize_api_url};
use crate::catalog::{Catalog, Category};
use crate::config::{DEFAULT_API_URL, Settings};
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, Url};
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The most redirects followed for one request.
const MAX_REDIRECTS: usize = 5;

/// Tunables of the HTTP side.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The longest one request may take, connection included.
    pub timeout: Duration,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// The account's plan, which sizes the client-side rate limits.
    pub plan: Plan,
    /// The root of the disk token cache (`<root>/tokens/`), or `None` to keep tokens in memory
    /// only (the library default; the command line turns it on).
    pub token_cache: Option<PathBuf>,
    /// The most requests [`ZoomClient::call_many`] keeps in flight at once.
    pub concurrency: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            plan: Plan::default(),
            token_cache: None,
            concurrency: 16,
        }
    }
}

/// One API call as a script or the command line states it.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Upper-case HTTP method.
    pub method: String,
    /// `/users/me`, `/v2/users/me`, or a full URL on the API host; may carry a query string.
    pub path: String,
    /// Query parameters added to any the path carries.
    pub query: Vec<(String, String)>,
    /// A JSON body (sent with `Content-Type: application/json`).
    pub body: Option<Value>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Request {
        Request {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query: Vec::new(),
            body: None,
        }
    }
}

/// An answer of any status.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// Parsed JSON; `null` for an empty body; a string for a body that is not JSON.
    pub body: Value,
    /// The path as sent (`/v2/...`), for messages.
    pub path: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// This answer read as an API error (for a non-2xx status), in any of Zoom's error shapes.
    pub fn api_error(&self, method: &str) -> ApiError {
        api_error(method, self)
    }
}

/// The Zoom API client of one app. Cheap to share behind an `Arc`.
pub struct ZoomClient {
    http: reqwest::Client,
    tokens: TokenProvider,
    explicit_api: Option<Url>,
    pub(super) dry_run: DryRun,
    limits: RateLimits,
    retry: RetryPolicy,
    concurrency: usize,
}

/// A failed attempt that got no usable answer.
enum Failure {
    /// Not worth another attempt (a refused redirect, say).
    Final(ZoomError),
    /// No answer came; `reach` says whether the server may have seen the request.
    Transport { error: ZoomError, reach: Reach },
}

impl ZoomClient {
    pub fn new(settings: &Settings, options: &ClientOptions) -> Result<ZoomClient, ZoomError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("zoomsh/", env!("CARGO_PKG_VERSION")))
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(10))
            // Redirects are followed in `send`, where the token's destination is checked.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ZoomError::Config(format!("cannot set up the HTTP client: {e}")))?;
        let disk = options.token_cache.as_deref().map(DiskCache::new);
        Ok(ZoomClient {
            tokens: TokenProvider::new(
                http.clone(),
                &settings.oauth_url,
                settings.credentials.clone(),
                disk.as_ref(),
            ),
            http,
            explicit_api: settings.api_url.clone(),
            dry_run: DryRun::default(),
            limits: RateLimits::new(options.plan),
            retry: options.retry.clone(),
            concurrency: options.concurrency.max(1),
        })
    }

    /// The disk cache file of this app's token, when the disk cache is on.
    pub fn token_cache_file(&self) -> Option<&std::path::Path> {
        self.tokens.cache_file()
    }

    /// The plan the rate limits are sized for.
    pub fn plan(&self) -> Plan {
        self.limits.plan()
    }

    /// The client-side rate limits of every category, as they stand.
    pub fn rate_limits(&self) -> Vec<LaneState> {
        self.limits.snapshot()
    }

    /// A fresh token (minted if needed).
    pub async fn token(&self) -> Result<Token, ZoomError> {
        self.tokens.token().await
    }

    /// The account id the client mints tokens for, when the credentials are set.
    pub fn account_id(&self) -> Option<&str> {
        self.tokens.account_id()
    }

    /// The token endpoint (`{oauth}/oauth/token`).
    pub fn token_url(&self) -> &Url {
        self.tokens.token_url()
    }

    /// How many tokens this client has minted.
    pub fn tokens_minted(&self) -> u64 {
        self.tokens.minted()
    }

    /// The API host calls go to: the one the user chose, else the token's `api_url` when it is a
    /// Zoom host or loopback, else `https://api.zoom.us`.
    pub fn api_base(&self, token: &Token) -> Url {
        if let Some(url) = &self.explicit_api {
            return url.clone();
        }
        token
            .api_url
            .clone()
            .unwrap_or_else(|| Url::parse(DEFAULT_API_URL).expect("default URL parses"))
    }

    /// The URL a request would go to, without minting a token: the API host the user chose, else
    /// `https://api.zoom.us` (a token's `api_url` is only known after minting). For `--curl`.
    pub fn preview_url(&self, request: &Request) -> Result<Url, ZoomError> {
        let base = self
            .explicit_api
            .clone()
            .unwrap_or_else(|| Url::parse(DEFAULT_API_URL).expect("default URL parses"));
        build_url(&base, request)
    }

    /// Send a request; any HTTP status is an `Ok`. Rate limits are waited for, 429s, 5xx
    /// and network failures retried as `retry` allows; a daily limit is an error at once.
    pub async fn send(&self, request: &Request) -> Result<Response, ZoomError> {
        // Zoom's API uses these five; anything else is a typo, refused before it costs a call.
        let method = match request.method.as_str() {
            "GET" | "POST" | "PATCH" | "PUT" | "DELETE" => {
                Method::from_bytes(request.method.as_bytes()).expect("a known method")
            }
            other => {
                return Err(ZoomError::Refused(format!(
                    "{other:?} is not a method of the Zoom API; use GET, POST, PATCH, PUT or DELETE"
                )));
            }
        };
        let first = self.tokens.token().await?;
        if self.dry_run.intercepts(method.as_str()) {
            let url = build_url(&self.api_base(&first), request)?;
            return Ok(self.dry_run.answer(request, &url));
        }
        let category = category_of(
            method.as_str(),
            &build_url(&self.api_base(&first), request)?,
        );
        let mut first = Some(first);
        let mut retrier = Retrier::new(&self.retry);
        let mut reminted = false;
        loop {
            let waited = self.limits.acquire(category).await;
            if !waited.is_zero() {
                tracing::debug!(
                    category = category.name(),
                    waited_ms = waited.as_millis() as u64,
                    "rate limit: waited for a slot"
                );
            }
            // Asked again for each later attempt: a retry after a long wait may need a fresh
            // token. (The first attempt uses the one it was routed with, even one that is due
            // for renewal already, so a token that never looks fresh costs one mint, not two.)
            let token = match first.take() {
                Some(token) => token,
                None => self.tokens.token().await?,
            };
            let url = build_url(&self.api_base(&token), request)?;
            let attempt = retrier.retries_done() + 1;
            let verdict = match self
                .send_following_redirects(&method, url.clone(), request, &token, attempt)
                .await
            {
                Ok(response) => {
                    self.limits.observe(
                        category,
                        response.header("x-ratelimit-limit"),
                        response.header("x-ratelimit-remaining"),
                    );
                    if response.status == 401 && !reminted {
                        // Expired early, revoked by another mint, or a foreign token: mint once,
                        // retry once.
                        tracing::debug!(path = %response.path, "401 from the API: minting a new token and retrying once");
                        self.tokens.invalidate(&token).await;
                        reminted = true;
                        continue;
                    }
                    let verdict =
                        retrier.after_response(method.as_str(), &response, jiff::Timestamp::now());
                    if response.status == 429 {
                        // Slow the category down for a per-second limit; a daily one is only counted.
                        match super::retry::classify_429(&response, jiff::Timestamp::now()).kind {
                            LimitKind::PerSecond => self.limits.throttled(category),
                            LimitKind::Daily => self.limits.daily_limited(category),
                        }
                    }
                    match verdict {
                        Verdict::Stop => return Ok(response),
                        Verdict::DailyLimit { resets_at } => {
                            let mut error = api_error(&request.method, &response);
                            error.resets_at = Some(resets_at);
                            error.note = Some(format!(
                                "the daily limit resets at {} (UTC); run again after that",
                                utc(resets_at)
                            ));
                            tracing::debug!(
                                path = %response.path,
                                resets_at = %utc(resets_at),
                                "daily rate limit reached: not retrying"
                            );
                            return Err(ZoomError::Api(Box::new(error)));
                        }
                        retry => retry,
                    }
                }
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Transport { error, reach }) => {
                    let cause = match &error {
                        ZoomError::Network { message, .. } => message.clone(),
                        other => other.to_string(),
                    };
                    match retrier.after_transport_error(method.as_str(), reach, &cause) {
                        Verdict::Retry { wait, reason } => Verdict::Retry { wait, reason },
                        _ => {
                            if reach == Reach::MaybeSent && method == Method::POST {
                                tracing::debug!("not resending the POST: it may have reached Zoom");
                            }
                            return Err(error);
                        }
                    }
                }
            };
            if let Verdict::Retry { wait, reason } = verdict {
                tracing::debug!(
                    method = %method,
                    url = %url,
                    retry = retrier.retries_done(),
                    of = self.retry.retries,
                    wait_ms = wait.as_millis() as u64,
                    "retrying after {reason}"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// Send GET requests concurrently (at most [`ClientOptions::concurrency`] in flight, within
    /// the rate limits) and return each one's outcome, in the order given.
    pub async fn call_many(&self, requests: Vec<Request>) -> Vec<Result<Value, ZoomError>> {
        let count = requests.len();
        let mut results: Vec<Option<Result<Value, ZoomError>>> = (0..count).map(|_| None).collect();
        let mut outcomes = futures_util::stream::iter(
            requests
                .into_iter()
                .enumerate()
                .map(|(i, request)| async move { (i, self.call(&request).await) }),
        )
        .buffer_unordered(self.concurrency);
        while let Some((i, outcome)) = outcomes.next().await {
            results[i] = Some(outcome);
        }
        results
            .into_iter()
            .map(|r| r.expect("every request yields an outcome"))
            .collect()
    }

    /// Send a request and return its body; a non-2xx status is an error.
    pub async fn call(&self, request: &Request) -> Result<Value, ZoomError> {
        let response = self.send(request).await?;
        if response.is_success() {
            Ok(response.body)
        } else {
            Err(ZoomError::Api(Box::new(api_error(
                &request.method,
                &response,
            ))))
        }
    }

    async fn send_following_redirects(
        &self,
        method: &Method,
        mut url: Url,
        request: &Request,
        token: &Token,
        attempt: u32,
    ) -> Result<Response, Failure> {
        let path = url.path().to_string();
        for _ in 0..=MAX_REDIRECTS {
            let started = Instant::now();
            let mut builder = self
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json")
                .header(AUTHORIZATION, bearer(token));
            if let Some(body) = &request.body {
                builder = builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(serde_json::to_vec(body).expect("a JSON value serialises"));
            }
            let built = builder.build().map_err(|e| {
                Failure::Final(ZoomError::network(method.as_str(), url.as_str(), &e))
            })?;
            if tracing::enabled!(tracing::Level::TRACE) {
                tracing::trace!(
                    "request {method} {url} headers: {}",
                    redacted_headers(built.headers())
                );
            }
            let sent = self.http.execute(built).await.map_err(|e| {
                let reach = if e.is_connect() {
                    Reach::NotSent
                } else {
                    Reach::MaybeSent
                };
                tracing::debug!(
                    method = %method,
                    url = %url,
                    attempt,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "api call failed: {}",
                    if reach == Reach::NotSent { "no connection" } else { "no answer" }
                );
                Failure::Transport {
                    error: ZoomError::network(method.as_str(), url.as_str(), &e),
                    reach,
                }
            })?;
            let status = sent.status().as_u16();
            tracing::debug!(
                method = %method,
                url = %url,
                status,
                elapsed_ms = started.elapsed().as_millis() as u64,
                attempt,
                "api call"
            );
            if tracing::enabled!(tracing::Level::TRACE) {
                tracing::trace!(
                    "response {status} headers: {}",
                    redacted_headers(sent.headers())
                );
            }
            if sent.status().is_redirection()
                && let Some(location) = sent.headers().get(LOCATION)
            {
                let target = location
                    .to_str()
                    .ok()
                    .and_then(|l| url.join(l).ok())
                    .ok_or_else(|| {
                        Failure::Final(ZoomError::Refused(format!(
                            "{method} {path}: HTTP {status} redirect with an unreadable Location header"
                        )))
                    })?;
                if normalize_api_url(target.as_str()).is_none() {
                    return Err(Failure::Final(ZoomError::Refused(format!(
                        "{method} {path}: HTTP {status} redirects to {}, which is not a Zoom host; \
                         zoomsh does not send the token there",
                        origin(&target)
                    ))));
                }
                tracing::debug!(method = %method, from = %url, to = %target, "following a redirect");
                url = target;
                continue;
            }
            let headers = sent
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let bytes = sent.bytes().await.map_err(|e| Failure::Transport {
                error: ZoomError::network(method.as_str(), url.as_str(), &e),
                reach: Reach::MaybeSent,
            })?;
            return Ok(Response {
                status,
                headers,
                body: parse_body(&bytes),
                path,
            });
        }
        Err(Failure::Final(ZoomError::Refused(format!(
            "{method} {path}: more than {MAX_REDIRECTS} redirects; stopped"
        ))))
    }
}

/// The rate-limit category of a request, from the catalog; Medium for paths it does not know.
fn category_of(method: &str, url: &Url) -> Category {
    Catalog::get()
        .find(method, url.path())
        .map(|e| e.category())
        .unwrap_or(Category::Medium)
}

/// Headers for a trace line, `Authorization` (and anything else marked sensitive) redacted.
fn redacted_headers(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(k, v)| {
            let value = if v.is_sensitive() || k == AUTHORIZATION {
                let scheme = v
                    .to_str()
                    .ok()
                    .and_then(|s| s.split_whitespace().next())
                    .filter(|s| s.eq_ignore_ascii_case("bearer") || s.eq_ignore_ascii_case("basic"))
                    .unwrap_or("");
                format!("{scheme} (redacted)").trim_start().to_string()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            format!("{k}: {value}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn bearer(token: &Token) -> HeaderValue {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.access_token.expose()))
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid"));
    value.set_sensitive(true);
    value
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// JSON if it parses, `null` if empty, else the text itself.
fn parse_body(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// Build the full URL of a request on the API host.
fn build_url(base: &Url, request: &Request) -> Result<Url, ZoomError> {
    let path = &request.path;
    // `/v2` belongs to the path; a base URL given with it (`https://api.zoom.us/v2`) must not
    // make `/v2/v2/...`.
    let base_str = base.as_str().trim_end_matches('/');
    let base_str = base_str.strip_suffix("/v2").unwrap_or(base_str);
    let raw_path = path.split(['?', '#']).next().unwrap_or("");
    if raw_path
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err(ZoomError::Refused(format!(
            "{path:?} has a `.` or `..` segment, which would leave the API's /v2 paths; \
             write the path without it"
        )));
    }
    let mut url = if path.starts_with("https://") || path.starts_with("http://") {
        let given = Url::parse(path).map_err(|e| {
            ZoomError::Refused(format!(
                "{path:?} is not a valid URL ({e}); pass a path such as /users/me"
            ))
        })?;
        if given.origin() != base.origin() {
            return Err(ZoomError::Refused(format!(
                "refusing to send the Zoom token to {}: a full URL must be on the API host {}; \
                 pass the path alone (/users/me)",
                origin(&given),
                origin(base)
            )));
        }
        given
    } else {
        let trimmed = path.trim();
        let with_slash = if trimmed.starts_with('/') {
            trimmed.to_string()
        } else {
            format!("/{trimmed}")
        };
        let with_version = if with_slash == "/v2"
            || with_slash.starts_with("/v2/")
            || with_slash.starts_with("/v2?")
        {
            with_slash
        } else {
            format!("/v2{with_slash}")
        };
        Url::parse(&format!("{base_str}{with_version}")).map_err(|e| {
            ZoomError::Refused(format!(
                "{path:?} does not make a valid URL ({e}); pass a path such as /users/me"
            ))
        })?
    };
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &request.query {
            pairs.append_pair(k, v);
        }
    }
    Ok(url)
}

/// Read an error answer in whatever shape it came.
pub(crate) fn api_error(method: &str, response: &Response) -> ApiError {
    let raw = match &response.body {
        Value::Null => Vec::new(),
        Value::String(s) => s.as_bytes().to_vec(),
        other => serde_json::to_vec(other).unwrap_or_default(),
    };
    let parsed = ErrorBody::parse(&raw);
    let message = parsed.message.unwrap_or_else(|| {
        if response.body.is_object() {
            "no message in the error body".to_string()
        } else {
            snippet(&raw)
        }
    });
    ApiError {
        status: response.status,
        code: parsed.code,
        message,
        errors: parsed.errors,
        method: method.to_string(),
        path: response.path.clone(),
        tracking_id: response.header("x-zm-trackingid").map(str::to_string),
        note: None,
        resets_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> String {
        let base = Url::parse("https://api.zoom.us").unwrap();
        build_url(&base, &Request::new("GET", path))
            .map(|u| u.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn paths_take_every_documented_form() {
        assert_eq!(url("/users/me"), "https://api.zoom.us/v2/users/me");
        assert_eq!(url("/v2/users/me"), "https://api.zoom.us/v2/users/me");
        assert_eq!(url("users/me"), "https://api.zoom.us/v2/users/me");
        assert_eq!(
            url("https://api.zoom.us/v2/users?status=active"),
            "https://api.zoom.us/v2/users?status=active"
        );
        // Double-encoded UUIDs pass through untouched.
        assert_eq!(
            url("/past_meetings/%252Fab%252F%252Fc%253D%253D"),
            "https://api.zoom.us/v2/past_meetings/%252Fab%252F%252Fc%253D%253D"
        );
    }

    #[test]
    fn dot_segments_are_refused_and_a_v2_base_is_not_doubled() {
        // Both found trying zoomsh as a new user.
        assert!(url("/users/../../oauth/token").contains("has a `.` or `..` segment"));
        let base = Url::parse("http://127.0.0.1:9/v2").unwrap();
        assert_eq!(
            build_url(&base, &Request::new("GET", "/users/me"))
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/v2/users/me"
        );
    }

    #[test]
    fn full_urls_off_the_api_host_are_refused() {
        assert!(
            url("https://evil.example/v2/users")
                .starts_with("refusing to send the Zoom token to https://evil.example")
        );
    }

    #[test]
    fn query_pairs_are_appended() {
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        let mut r = Request::new("GET", "/users?status=active");
        r.query.push(("page_size".into(), "300".into()));
        r.query.push(("email".into(), "a+b@example.com".into()));
        assert_eq!(
            build_url(&base, &r).unwrap().as_str(),
            "http://127.0.0.1:9/v2/users?status=active&page_size=300&email=a%2Bb%40example.com"
        );
    }

    #[test]
    fn bodies_parse_as_json_null_or_text() {
        assert_eq!(parse_body(b""), Value::Null);
        assert_eq!(parse_body(b"{\"id\":85746065432}")["id"], 85746065432_i64);
        assert_eq!(
            parse_body(b"<html>x</html>"),
            Value::String("<html>x</html>".into())
        );
    }
}
