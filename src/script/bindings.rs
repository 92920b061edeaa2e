//! The `zoom` object scripts see: the one file that knows both Rhai and the Zoom client.
//!
//! Each method turns its Rhai arguments into a [`Request`], runs it on the tokio runtime with
//! `Handle::block_on` (the engine has its own thread, never a runtime worker), races it against
//! Ctrl-C, and turns the answer back into Rhai values. A failed call throws a map that
//! `try/catch` reads: `#{kind, status, code, message, method, path, tracking_id, errors, summary,
//! resets_at}`. Error maps carry a Rhai tag ([`ERROR_TAG`]) so `is_error(x)` can tell them from a
//! body, which is how a script reads the results of `zoom.get_many`: each element is the body of
//! that call or its error map, in the order the paths were given.

use super::convert::{to_dynamic, to_json};
use crate::cancel::Cancel;
use crate::zoom::{Request, Response, ZoomClient, ZoomError};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map, NativeCallContext, Position};
use std::sync::Arc;
use tokio::runtime::Handle;

type RhaiResult = Result<Dynamic, Box<EvalAltResult>>;

/// The Rhai tag on every error map zoomsh makes (thrown or returned by `get_many`).
/// (Rhai's tag type is `i32` or `i16` by platform; the value fits both.)
pub const ERROR_TAG: i16 = 0x2E44;

/// Asked before a DELETE is sent: `Ok(())` sends it, `Err(reason)` stops it and the call throws
/// a `refused` error naming the reason. The REPL sets one that asks on the terminal; this crate
/// knows nothing of how it asks.
pub type Confirm = Arc<dyn Fn(&Request) -> Result<(), String> + Send + Sync>;

/// The value behind `zoom` in scripts. Cloning is cheap: it is a handle.
#[derive(Clone)]
pub struct ZoomApi {
    client: Arc<ZoomClient>,
    runtime: Handle,
    cancel: Cancel,
    confirm: Option<Confirm>,
}

impl ZoomApi {
    pub fn new(client: Arc<ZoomClient>, runtime: Handle, cancel: Cancel) -> ZoomApi {
        ZoomApi {
            client,
            runtime,
            cancel,
            confirm: None,
        }
    }

    /// Ask `confirm` before each DELETE.
    pub fn with_confirm(mut self, confirm: Confirm) -> ZoomApi {
        self.confirm = Some(confirm);
        self
    }

    /// Does the confirmation hook let this request go? Only DELETEs are asked about, and not
    /// in a dry run, which sends no writes.
    fn confirmed(&self, request: &Request, pos: Position) -> Result<(), Box<EvalAltResult>> {
        match &self.confirm {
            Some(confirm) if request.method == "DELETE" && !self.client.is_dry_run() => {
                confirm(request).map_err(|reason| {
                    throw(
                        &ZoomError::Refused(format!(
                            "DELETE {} was not sent: {reason}",
                            request.path
                        )),
                        pos,
                    )
                })
            }
            _ => Ok(()),
        }
    }

    pub fn client(&self) -> &Arc<ZoomClient> {
        &self.client
    }

    /// Run a future to completion from the script thread, or stop on Ctrl-C.
    pub fn block_on<T>(
        &self,
        future: impl Future<Output = Result<T, ZoomError>>,
        pos: Position,
    ) -> Result<T, Box<EvalAltResult>> {
        self.run_cancellable(future, pos)?
            .map_err(|e| throw(&e, pos))
    }

    /// Run any future on the I/O runtime from the script thread; Ctrl-C ends it with
    /// `ErrorTerminated`. Host helpers that are not Zoom calls (`sleep`, `http.post`) use this.
    pub fn run_cancellable<T>(
        &self,
        future: impl Future<Output = T>,
        pos: Position,
    ) -> Result<T, Box<EvalAltResult>> {
        let cancel = self.cancel.clone();
        let outcome = self.runtime.block_on(async move {
            tokio::select! {
                result = future => Some(result),
                _ = cancel.cancelled() => None,
            }
        });
        outcome.ok_or_else(|| EvalAltResult::ErrorTerminated("interrupted".into(), pos).into())
    }

    fn call(&self, ctx: &NativeCallContext, request: Request) -> RhaiResult {
        self.confirmed(&request, ctx.call_position())?;
        let client = self.client.clone();
        let body = self.block_on(
            async move { client.call(&request).await },
            ctx.call_position(),
        )?;
        Ok(to_dynamic(&body))
    }

    fn many(&self, ctx: &NativeCallContext, requests: Vec<Request>) -> RhaiResult {
        let client = self.client.clone();
        let outcomes = self.block_on(
            async move { Ok(client.call_many(requests).await) },
            ctx.call_position(),
        )?;
        let results: Array = outcomes
            .iter()
            .map(|outcome| match outcome {
                Ok(body) => to_dynamic(body),
                Err(e) => error_value(e),
            })
            .collect();
        Ok(Dynamic::from_array(results))
    }

    fn raw(&self, ctx: &NativeCallContext, request: Request) -> RhaiResult {
        self.confirmed(&request, ctx.call_position())?;
        let client = self.client.clone();
        let response = self.block_on(
            async move { client.send(&request).await },
            ctx.call_position(),
        )?;
        Ok(response_map(&response))
    }
}

/// The map a failed call throws.
pub fn error_map(error: &ZoomError) -> Map {
    let mut map = Map::new();
    map.insert("kind".into(), error.kind().into());
    map.insert("summary".into(), error.to_string().into());
    map.insert("resets_at".into(), Dynamic::UNIT);
    match error {
        ZoomError::Api(api) => {
            map.insert("status".into(), (api.status as i64).into());
            map.insert(
                "code".into(),
                api.code.map(Dynamic::from_int).unwrap_or(Dynamic::UNIT),
            );
            map.insert("message".into(), api.message.clone().into());
            map.insert("method".into(), api.method.clone().into());
            map.insert("path".into(), api.path.clone().into());
            map.insert(
                "tracking_id".into(),
                api.tracking_id
                    .clone()
                    .map(Dynamic::from)
                    .unwrap_or(Dynamic::UNIT),
            );
            map.insert(
                "errors".into(),
                to_dynamic(&serde_json::Value::Array(api.errors.clone())),
            );
            if let Some(at) = api.resets_at {
                map.insert("resets_at".into(), crate::zoom::retry::utc(at).into());
            }
        }
        other => {
            for key in ["status", "code", "method", "path", "tracking_id"] {
                map.insert(key.into(), Dynamic::UNIT);
            }
            map.insert("message".into(), other.to_string().into());
            map.insert("errors".into(), Dynamic::from_array(Vec::new()));
        }
    }
    map
}

/// An error map as a tagged value.
pub fn error_value(error: &ZoomError) -> Dynamic {
    let mut value = Dynamic::from_map(error_map(error));
    value.set_tag(ERROR_TAG as _);
    value
}

/// Is this one of zoomsh's error maps?
// Rhai's tag is `i32` on 64-bit targets (then the conversion is a no-op) and `i16` on 32-bit ones.
#[allow(clippy::useless_conversion)]
pub fn is_error(value: &Dynamic) -> bool {
    i32::from(value.tag()) == i32::from(ERROR_TAG) && value.is_map()
}

fn throw(error: &ZoomError, pos: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(error_value(error), pos).into()
}

/// `zoom.rate_limits()`: the plan and, per category, Zoom's limit and zoomsh's state.
fn rate_limits_map(client: &ZoomClient) -> Dynamic {
    let mut categories = Map::new();
    for lane in client.rate_limits() {
        let mut m = Map::new();
        m.insert("limit".into(), (lane.limit as i64).into());
        m.insert("per".into(), lane.per.into());
        m.insert(
            "pace_per_second".into(),
            ((lane.pace_per_second * 1000.0).round() / 1000.0).into(),
        );
        m.insert("slowed".into(), lane.slowed_for.is_some().into());
        m.insert(
            "slowed_for_ms".into(),
            (lane.slowed_for.map(|d| d.as_millis() as i64).unwrap_or(0)).into(),
        );
        m.insert("requests".into(), (lane.requests as i64).into());
        m.insert("waits".into(), (lane.waits as i64).into());
        m.insert("waited_ms".into(), (lane.waited.as_millis() as i64).into());
        m.insert("throttled".into(), (lane.throttled as i64).into());
        let opt = |v: Option<i64>| v.map(Dynamic::from_int).unwrap_or(Dynamic::UNIT);
        m.insert("zoom_limit".into(), opt(lane.zoom_limit));
        m.insert("zoom_remaining".into(), opt(lane.zoom_remaining));
        categories.insert(lane.category.name().into(), Dynamic::from_map(m));
    }
    let mut map = Map::new();
    map.insert("plan".into(), client.plan().name().into());
    map.insert("categories".into(), Dynamic::from_map(categories));
    Dynamic::from_map(map)
}

/// The requests of `zoom.get_many`: each element a path, or `#{path, query}`; `shared` is added
/// to every request's query.
fn many_requests(
    ctx: &NativeCallContext,
    items: &Array,
    shared: &[(String, String)],
) -> Result<Vec<Request>, Box<EvalAltResult>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let (path, mut query) = if item.is_string() {
                (item.clone().into_string().expect("checked is_string"), Vec::new())
            } else if item.is_map() {
                let map = item.read_lock::<Map>().expect("checked is_map");
                let path = map
                    .get("path")
                    .filter(|p| p.is_string())
                    .map(|p| p.clone().into_string().expect("checked is_string"))
                    .ok_or_else(|| {
                        bad_argument(
                            ctx,
                            format!("element {i} is a map without a string `path`; give #{{path: \"/users/me\", query: #{{...}}}}"),
                        )
                    })?;
                let query = match map.get("query") {
                    Some(q) if q.is_map() => {
                        query_pairs(ctx, &q.read_lock::<Map>().expect("checked is_map"))?
                    }
                    Some(q) if !q.is_unit() => {
                        return Err(bad_argument(ctx, format!("element {i}: `query` must be a map")));
                    }
                    _ => Vec::new(),
                };
                (path, query)
            } else {
                return Err(bad_argument(
                    ctx,
                    format!(
                        "element {i} is a {}; give a path string or #{{path, query}}",
                        item.type_name()
                    ),
                ));
            };
            query.extend(shared.iter().cloned());
            Ok(request("GET", &path, query, None))
        })
        .collect()
}

/// The exit code for an error map a script let through, if it is one of ours.
pub fn exit_code_of_thrown(value: &Dynamic) -> Option<(i32, String)> {
    let map = value.read_lock::<Map>()?;
    let kind = map.get("kind")?.clone().into_string().ok()?;
    let summary = map.get("summary")?.clone().into_string().ok()?;
    let code = match kind.as_str() {
        "config" | "refused" => 2,
        "auth" => 3,
        "http" => match map.get("status").and_then(|s| s.as_int().ok()) {
            Some(s) if s < 500 => 4,
            _ => 5,
        },
        "network" | "paging" => 5,
        _ => return None,
    };
    Some((code, summary))
}

fn response_map(response: &Response) -> Dynamic {
    let mut headers = Map::new();
    for (k, v) in &response.headers {
        headers.insert(k.as_str().into(), v.clone().into());
    }
    let mut map = Map::new();
    map.insert("status".into(), (response.status as i64).into());
    map.insert("headers".into(), Dynamic::from_map(headers));
    map.insert("body".into(), to_dynamic(&response.body));
    Dynamic::from_map(map)
}

/// Query parameters from a Rhai map: strings as they are, numbers and booleans as text,
/// `()` left out, arrays joined with commas (Zoom's list parameters).
pub(super) fn query_pairs(
    ctx: &NativeCallContext,
    query: &Map,
) -> Result<Vec<(String, String)>, Box<EvalAltResult>> {
    let mut pairs = Vec::with_capacity(query.len());
    for (k, v) in query {
        if v.is_unit() {
            continue;
        }
        let text = if v.is_array() {
            let items = v.read_lock::<rhai::Array>().expect("checked is_array");
            items
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        } else if v.is_map() {
            return Err(bad_argument(
                ctx,
                format!("query parameter {k:?} is a map; give a string, number or boolean"),
            ));
        } else {
            v.to_string()
        };
        pairs.push((k.to_string(), text));
    }
    Ok(pairs)
}

fn body_json(
    ctx: &NativeCallContext,
    body: &Dynamic,
) -> Result<serde_json::Value, Box<EvalAltResult>> {
    to_json(body).map_err(|m| bad_argument(ctx, format!("the request body: {m}")))
}

pub(super) fn bad_argument(ctx: &NativeCallContext, message: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(
        format!("zoom.{}: {message}", ctx.fn_name()).into(),
        ctx.call_position(),
    )
    .into()
}

fn request(
    method: &str,
    path: &str,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
) -> Request {
    let mut r = Request::new(method, path);
    r.query = query;
    r.body = body;
    r
}

/// Register the `Zoom` type and its methods.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ZoomApi>("Zoom");

    engine.register_fn(
        "get",
        |ctx: NativeCallContext, z: &mut ZoomApi, path: &str| {
            z.call(&ctx, request("GET", path, Vec::new(), None))
        },
    );
    engine.register_fn(
        "get",
        |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, query: Map| {
            let q = query_pairs(&ctx, &query)?;
            z.call(&ctx, request("GET", path, q, None))
        },
    );
    for method in ["post", "patch", "put"] {
        let upper = method.to_ascii_uppercase();
        let m = upper.clone();
        engine.register_fn(
            method,
            move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str| {
                z.call(&ctx, request(&m, path, Vec::new(), None))
            },
        );
        let m = upper.clone();
        engine.register_fn(
            method,
            move |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, body: Dynamic| {
                let json = body_json(&ctx, &body)?;
                z.call(&ctx, request(&m, path, Vec::new(), Some(json)))
            },
        );
    }
    engine.register_fn(
        "delete",
        |ctx: NativeCallContext, z: &mut ZoomApi, path: &str| {
            z.call(&ctx, request("DELETE", path, Vec::new(), None))
        },
    );
    engine.register_fn(
        "delete",
        |ctx: NativeCallContext, z: &mut ZoomApi, path: &str, query: Map| {
            let q = query_pairs(&ctx, &query)?;
            z.call(&ctx, request("DELETE", path, q, None))
        },
    );
    engine.register_fn(
        "request",
        |ctx: NativeCallContext, z: &mut ZoomApi, method: &str, path: &str, opts: Map| {
            let query = match opts.get("query") {
                Some(q) if q.is_map() => {
                    query_pairs(&ctx, &q.read_lock::<Map>().expect("checked is_map"))?
                }
                Some(q) if !q.is_unit() => {
                    return Err(bad_argument(&ctx, "opts.query must be a map".into()));
                }
                _ => Vec::new(),
            };
            let body = match opts.get("body") {
                Some(b) if !b.is_unit() => Some(body_json(&ctx, b)?),
                _ => None,
            };
            z.raw(&ctx, request(method, path, query, body))
        },
    );
    engine.register_fn(
        "request",
        |ctx: NativeCallContext, z: &mut ZoomApi, method: &str, path: &str| {
            z.raw(&ctx, request(method, path, Vec::new(), None))
        },
    );
    engine.register_fn(
        "get_many",
        |ctx: NativeCallContext, z: &mut ZoomApi, paths: Array| {
            let requests = many_requests(&ctx, &paths, &[])?;
            z.many(&ctx, requests)
        },
    );
    engine.register_fn(
        "get_many",
        |ctx: NativeCallContext, z: &mut ZoomApi, paths: Array, query: Map| {
            let shared = query_pairs(&ctx, &query)?;
            let requests = many_requests(&ctx, &paths, &shared)?;
            z.many(&ctx, requests)
        },
    );
    engine.register_fn("rate_limits", |z: &mut ZoomApi| rate_limits_map(&z.client));
    engine.register_fn("is_error", |value: Dynamic| is_error(&value));
    super::paging::register(engine);
    super::paths::register(engine);
    engine.register_fn("to_string", |_: &mut ZoomApi| {
        "zoom (the Zoom API client)".to_string()
    });
    engine.register_fn("to_debug", |_: &mut ZoomApi| {
        "zoom (the Zoom API client)".to_string()
    });
}
