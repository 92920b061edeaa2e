//! The HTTP side: the axum router, shared state, and the pipeline every `/v2` request goes
//! through, in Zoom's order as far as it is observable:
//! latency → injected fault → Bearer token (401/124) → catalog (404/405) → scopes (400/4711) →
//! rate limit (429) → body content type and JSON (400/300) → the modelled operation (or 501).
//!
//! All mutable state sits behind one mutex that is never held across an `.await`; handlers are
//! plain functions over it, which keeps every request atomic and the code simple.

use super::args::SimArgs;
use super::auth::{TokenPolicy, TokenRequest, TokenStore};
use super::faults::{Fault, Surface};
use super::inspect::{self, RequestLog, Webhooks};
use super::limits::RateLimiter;
use super::paging::Pager;
use super::reply::{ApiError, Reply};
use super::routes::{self, Req};
use super::scopes::Grants;
use super::state::World;
use super::{SimStats, demo};
use crate::catalog::Catalog;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{any, get, post};
use jiff::Timestamp;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Everything that changes while the simulator runs.
pub struct Core {
    pub world: World,
    pub tokens: TokenStore,
    pub pager: Pager,
    pub limiter: RateLimiter,
    pub stats: SimStats,
    pub log: RequestLog,
    pub hooks: Webhooks,
    /// Requests seen by fault injection (API and token), and API requests alone (for bursts).
    fault_seq: u64,
    api_seq: u64,
}

/// State shared by all handlers.
pub struct Shared {
    pub args: SimArgs,
    pub base_url: String,
    grants: Grants,
    core: Mutex<Core>,
}

impl Shared {
    pub fn new(args: SimArgs, base_url: String) -> Shared {
        let grants = Grants::new(args.scope_list());
        let core = Core {
            world: demo::generate(args.seed, args.users, Timestamp::now()),
            tokens: TokenStore::new(args.seed),
            pager: Pager::new(args.seed, Duration::from_secs(args.page_token_ttl)),
            limiter: RateLimiter::new(args.plan),
            stats: SimStats::default(),
            log: RequestLog::default(),
            hooks: Webhooks::default(),
            fault_seq: 0,
            api_seq: 0,
        };
        Shared {
            args,
            base_url,
            grants,
            core: Mutex::new(core),
        }
    }

    /// Lock the state. A panic in another handler must not take the simulator down with it, so
    /// a poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn stats(&self) -> SimStats {
        self.lock().stats.clone()
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        self.lock().tokens.issued()
    }

    pub fn revoke_all_tokens(&self) {
        self.lock().tokens.revoke_all();
    }

    /// Fresh data and counters; minted tokens stay valid so a client's cache keeps working.
    pub fn reset(&self) {
        let mut core = self.lock();
        core.world = demo::generate(self.args.seed, self.args.users, Timestamp::now());
        core.pager = Pager::new(
            self.args.seed,
            Duration::from_secs(self.args.page_token_ttl),
        );
        core.limiter = RateLimiter::new(self.args.plan);
        core.stats = SimStats::default();
        core.log = RequestLog::default();
        core.hooks = Webhooks::default();
        core.fault_seq = 0;
        core.api_seq = 0;
    }

    fn token_policy(&self) -> TokenPolicy {
        TokenPolicy {
            ttl: Duration::from_secs(self.args.token_ttl),
            single_live_token: self.args.single_live_token,
            strict_form: self.args.strict_token_form,
            scope: self.grants.scope_string(),
            api_url: self.base_url.clone(),
        }
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/_sim/log", get(inspect::log))
        .route("/_sim/stats", get(inspect::stats))
        .route("/_sim/reset", post(inspect::reset))
        .route(
            "/_sim/webhooks/{name}",
            get(inspect::webhook_read)
                .post(inspect::webhook_receive)
                .delete(inspect::webhook_clear),
        )
        .route("/v2/{*rest}", any(api))
        .fallback(not_found)
        .with_state(shared)
}

/// What a request ended in, before it becomes a response.
enum Outcome {
    Reply(Reply),
    Error(ApiError),
    Fault(Fault),
}

impl Outcome {
    fn status(&self) -> u16 {
        match self {
            Outcome::Reply(r) => r.status,
            Outcome::Error(e) => e.status,
            Outcome::Fault(Fault::ServerError(s)) => *s,
            Outcome::Fault(Fault::TooManyRequests | Fault::DailyLimit) => 429,
            Outcome::Fault(Fault::Reset) => 0,
            Outcome::Fault(Fault::Html | Fault::Xml) => 400,
            Outcome::Fault(Fault::Empty) => 502,
        }
    }
}

fn tracking_id(seq: u64) -> HeaderValue {
    // Shaped like Zoom's (`v=2.0;clid=us05;rid=WEB_<hex>`), unique per request.
    let rid = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5A5A_1234_ABCD_0000;
    HeaderValue::from_str(&format!("v=2.0;clid=sim01;rid=WEB_{rid:016x}{seq:016x}"))
        .unwrap_or(HeaderValue::from_static("v=2.0;clid=sim01"))
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    resp
}

fn with_headers(mut resp: Response, headers: &[(String, String)]) -> Response {
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(name, value);
        }
    }
    resp
}

fn fault_response(fault: Fault) -> Response {
    let raw = |status: u16, ctype: Option<&'static str>, body: &'static str| {
        let mut resp = Response::new(Body::from(body));
        *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        if let Some(ct) = ctype {
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        resp
    };
    match fault {
        Fault::ServerError(status) => {
            let message = match status {
                502 => "Bad gateway.",
                503 => "Service unavailable.",
                504 => "Gateway timeout.",
                _ => "Internal server error.",
            };
            json_response(
                status,
                &serde_json::json!({"code": status, "message": message}),
            )
        }
        Fault::TooManyRequests => json_response(
            429,
            &serde_json::json!({"code": 429, "message": super::limits::QPS_MESSAGE}),
        ),
        Fault::DailyLimit => with_headers(
            json_response(
                429,
                &serde_json::json!({"code": 429, "message": super::limits::DAILY_MESSAGE}),
            ),
            &[
                ("X-RateLimit-Type".into(), "Daily-limit".into()),
                ("X-RateLimit-Limit".into(), "30000".into()),
                ("X-RateLimit-Remaining".into(), "0".into()),
                (
                    "Retry-After".into(),
                    super::limits::next_utc_midnight(Timestamp::now()),
                ),
            ],
        ),
        Fault::Html => raw(400, Some("text/html"), "<html>Bad Request</html>"),
        Fault::Xml => raw(
            400,
            Some("application/xml"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><error><code>300</code><message>Request Body should be a valid JSON object.</message></error>",
        ),
        Fault::Empty => raw(502, None, ""),
        Fault::Reset => {
            // A body that fails before its first byte makes hyper abort the connection, so the
            // client sees a transport error instead of a response.
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected connection reset",
                ))
            });
            let mut resp = Response::new(Body::from_stream(stream));
            resp.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from_static("64"));
            resp
        }
    }
}

fn outcome_response(outcome: Outcome) -> Response {
    match outcome {
        Outcome::Reply(reply) => {
            let resp = match &reply.body {
                Some(body) => json_response(reply.status, body),
                None => {
                    let mut r = Response::new(Body::empty());
                    *r.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
                    r
                }
            };
            with_headers(resp, &reply.headers)
        }
        Outcome::Error(err) => with_headers(json_response(err.status, &err.body()), &err.headers),
        Outcome::Fault(f) => fault_response(f),
    }
}

async fn sleep_latency(shared: &Shared) {
    if shared.args.latency > 0 {
        tokio::time::sleep(Duration::from_millis(shared.args.latency)).await;
    }
}

/// `POST /oauth/token`.
async fn token(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    sleep_latency(&shared).await;
    let mut core = shared.lock();
    core.stats.token_requests += 1;
    let seq = core.fault_seq;
    core.fault_seq += 1;
    let fault = shared
        .args
        .faults
        .decide(shared.args.seed, seq, None, Surface::Oauth);
    let (status, resp) = match fault {
        Some(f) => {
            core.stats.faults_injected += 1;
            let o = Outcome::Fault(f);
            (o.status(), outcome_response(o))
        }
        None => {
            let req = TokenRequest {
                authorization: headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()),
                content_type: headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok()),
                query: uri.query().unwrap_or(""),
                body: &body,
            };
            let answer = core.tokens.token_endpoint(&req, &shared.token_policy());
            if answer.minted {
                core.stats.tokens_minted += 1;
            }
            (answer.status, json_response(answer.status, &answer.body))
        }
    };
    let entry = inspect::entry(&core.tokens, "POST", &uri, &headers, &body, status);
    core.log.push(entry);
    drop(core);
    let mut resp = resp;
    resp.headers_mut()
        .insert("x-zm-trackingid", tracking_id(seq));
    resp
}

/// Anything outside `/v2`, `/oauth/token` and `/_sim`.
async fn not_found() -> Response {
    let mut resp = json_response(
        404,
        &serde_json::json!({"code": 404, "message": "This API endpoint is not recognized."}),
    );
    resp.headers_mut()
        .insert("x-zm-trackingid", tracking_id(u64::MAX));
    resp
}

/// Decode a path parameter the way Zoom does (BEHAVIOR §5): the front end decodes the path once
/// and collapses slashes, the application decodes the value again. A UUID that begins with `/`
/// or contains `//` therefore survives only if the client double-encoded it.
pub fn decode_param(raw: &str) -> String {
    let once = percent_decode_str(raw).decode_utf8_lossy();
    let mut collapsed = String::with_capacity(once.len());
    for c in once.chars() {
        if c == '/' && (collapsed.is_empty() || collapsed.ends_with('/')) {
            continue;
        }
        collapsed.push(c);
    }
    if collapsed.contains('%') {
        percent_decode_str(&collapsed)
            .decode_utf8_lossy()
            .into_owned()
    } else {
        collapsed
    }
}

/// Is this a JSON content type (`application/json`, optionally with parameters)?
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().eq_ignore_ascii_case("application/json"))
        .unwrap_or(false)
}

/// Every `/v2/...` request.
async fn api(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    sleep_latency(&shared).await;
    let now = Timestamp::now();
    let mut core = shared.lock();
    core.stats.requests += 1;
    let seq = core.fault_seq;
    core.fault_seq += 1;
    let api_seq = core.api_seq;
    core.api_seq += 1;
    let outcome =
        match shared
            .args
            .faults
            .decide(shared.args.seed, seq, Some(api_seq), Surface::Api)
        {
            Some(f) => {
                core.stats.faults_injected += 1;
                Outcome::Fault(f)
            }
            None => match pipeline(&shared, &mut core, &method, &uri, &headers, &body, now) {
                Ok(r) => Outcome::Reply(r),
                Err(e) => Outcome::Error(e),
            },
        };
    let status = outcome.status();
    if status == 429 {
        core.stats.too_many_requests += 1;
    }
    *core.stats.by_status.entry(status).or_insert(0) += 1;
    let entry = inspect::entry(&core.tokens, method.as_str(), &uri, &headers, &body, status);
    core.log.push(entry);
    drop(core);
    let mut resp = outcome_response(outcome);
    resp.headers_mut()
        .insert("x-zm-trackingid", tracking_id(seq));
    resp
}

fn pipeline(
    shared: &Shared,
    core: &mut Core,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    now: Timestamp,
) -> Result<Reply, ApiError> {
    let path = uri.path().strip_prefix("/v2").unwrap_or(uri.path());
    // Contact Center speaks another error envelope. It is not in the catalog, so past the token
    // check it is answered as not modelled, in its own envelope.
    let contact_center = path == "/contact_center" || path.starts_with("/contact_center/");
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if let Err(problem) = core.tokens.check_bearer(authorization) {
        if contact_center {
            return Err(ApiError::contact_center(401, None));
        }
        return Err(ApiError::new(401, 124, problem.message()));
    }
    if contact_center {
        return Err(ApiError::contact_center(
            501,
            Some(&format!(
                "The simulator does not model the Contact Center API ({method} {path})."
            )),
        ));
    }
    let catalog = Catalog::get();
    let Some(ep) = catalog.find(method.as_str(), path) else {
        if catalog.any_method(path) {
            return Err(ApiError::new(
                405,
                405,
                format!("Method {method} is not allowed on {path}."),
            ));
        }
        return Err(ApiError::new(
            404,
            404,
            "This API endpoint is not recognized.",
        ));
    };
    *core
        .stats
        .by_operation
        .entry(ep.operation_id.clone())
        .or_insert(0) += 1;
    shared.grants.check(ep)?;
    let rate_headers = core.limiter.admit(ep.category(), now)?;
    *core
        .stats
        .by_category
        .entry(ep.category().name().to_string())
        .or_insert(0) += 1;

    let result = (|| {
        // CASES B18: a body must be JSON, and a JSON object.
        let json_body = if body.is_empty() {
            None
        } else if !is_json(headers.get(header::CONTENT_TYPE)) {
            return Err(ApiError::bad_request("Unsupported Content Type"));
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(v @ Value::Object(_)) => Some(v),
                _ => return Err(ApiError::invalid_json()),
            }
        };
        let params: HashMap<String, String> = ep
            .path_params(path)
            .into_iter()
            .map(|(name, raw)| (name, decode_param(raw)))
            .collect();
        let query: Vec<(String, String)> =
            form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let req = Req {
            ep,
            path,
            params,
            query,
            body: json_body,
            now,
        };
        let dispatched = routes::dispatch(&mut routes::Ctx::new(core, &shared.args), &req);
        match dispatched {
            Some(result) => result,
            None => {
                core.stats.unmodelled += 1;
                Err(ApiError::new(
                    501,
                    501,
                    format!(
                        "The simulator does not model operation {} ({} {}: {}). Nothing was changed.",
                        ep.operation_id, ep.method, ep.path, ep.summary
                    ),
                ))
            }
        }
    })();
    match result {
        Ok(mut reply) => {
            reply.headers.extend(rate_headers);
            Ok(reply)
        }
        Err(mut err) => {
            err.headers.extend(rate_headers);
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode_param;

    #[test]
    fn uuid_with_leading_slash_needs_double_encoding() {
        assert_eq!(decode_param("%252FabcABC123%253D%253D"), "/abcABC123==");
        assert_eq!(decode_param("%2FabcABC123%3D%3D"), "abcABC123==");
        assert_eq!(decode_param("ab%2F%2Fcd%3D%3D"), "ab/cd==");
        assert_eq!(decode_param("ab%252F%252Fcd%253D%253D"), "ab//cd==");
    }

    #[test]
    fn ordinary_values_decode_once() {
        assert_eq!(decode_param("u1%40example.test"), "u1@example.test");
        assert_eq!(decode_param("ab%2Fcd%2B%3D%3D"), "ab/cd+==");
        assert_eq!(decode_param("85746065432"), "85746065432");
    }
}
