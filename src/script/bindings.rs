//! The `zoom` object scripts see: the one file that knows both Rhai and the Zoom client.
//!
//! Each method turns its Rhai arguments into a [`Request`], runs it on the tokio runtime with
//! `Handle::block_on` (the engine has its own thread, never a runtime worker), races it against
//! Ctrl-C, and turns the answer back into Rhai values. A failed call throws a map that
//! `try/catch` reads: `#{kind, status, code, message, method, path, tracking_id, errors, summary}`.

use super::convert::{to_dynamic, to_json};
use crate::cancel::Cancel;
use crate::zoom::{Request, Response, ZoomClient, ZoomError};
use rhai::{Dynamic, Engine, EvalAltResult, Map, NativeCallContext, Position};
use std::sync::Arc;
use tokio::runtime::Handle;

type RhaiResult = Result<Dynamic, Box<EvalAltResult>>;

/// The value behind `zoom` in scripts. Cloning is cheap: it is a handle.
#[derive(Clone)]
pub struct ZoomApi {
    client: Arc<ZoomClient>,
    runtime: Handle,
    cancel: Cancel,
}

impl ZoomApi {
    pub fn new(client: Arc<ZoomClient>, runtime: Handle, cancel: Cancel) -> ZoomApi {
        ZoomApi {
            client,
            runtime,
            cancel,
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
        let client = self.client.clone();
        let body = self.block_on(
            async move { client.call(&request).await },
            ctx.call_position(),
        )?;
        Ok(to_dynamic(&body))
    }

    fn raw(&self, ctx: &NativeCallContext, request: Request) -> RhaiResult {
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

fn throw(error: &ZoomError, pos: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from_map(error_map(error)), pos).into()
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
    super::paging::register(engine);
    super::paths::register(engine);
    engine.register_fn("to_string", |_: &mut ZoomApi| {
        "zoom (the Zoom API client)".to_string()
    });
    engine.register_fn("to_debug", |_: &mut ZoomApi| {
        "zoom (the Zoom API client)".to_string()
    });
}
