//! Host helpers beside `zoom`: the small functions admin scripts need that Rhai does not have.
//!
//! - `sleep(seconds)` waits on the I/O runtime so Ctrl-C interrupts it.
//! - `env(name)` reads an environment variable (`()` when unset); never `ZOOM_CLIENT_SECRET`.
//! - `log(value)` writes a line to standard error, apart from the script's output.
//! - `read_csv`, `write_csv`, `read_json`, `write_json`: local files (see `script::files`).
//! - `print_table(rows[, columns])`: maps as aligned columns, through `print`'s output.
//! - `http.post(url, body)`: a webhook post (see [`crate::webhook`]); a map or array body is
//!   sent as JSON, a string as text; returns `#{status, body}` and throws on a non-2xx answer.
//!   Under `--dry-run` nothing is posted: the post is shown on stderr and answered `ok`.
//!
//! Under `--sandbox` the file, network and environment helpers throw instead of running.

use super::bindings::ZoomApi;
use super::files;
use super::host::Printer;
use super::sandbox;
use super::table;
use crate::webhook::{self, Body, WebhookClient, WebhookError, WebhookTarget};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map, NativeCallContext};
use std::sync::Arc;
use std::time::Duration;

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// What the helpers work with.
#[derive(Clone)]
pub struct Helpers {
    pub api: ZoomApi,
    pub printer: Printer,
    pub sandbox: bool,
}

/// The value behind `http` in scripts.
#[derive(Clone)]
pub struct HttpApi {
    api: ZoomApi,
    client: Arc<WebhookClient>,
    sandbox: bool,
}

impl HttpApi {
    pub fn new(helpers: &Helpers) -> HttpApi {
        HttpApi {
            api: helpers.api.clone(),
            client: Arc::new(WebhookClient::new()),
            sandbox: helpers.sandbox,
        }
    }

    fn post(&self, ctx: &NativeCallContext, url: &str, body: &Dynamic) -> RhaiResult<Dynamic> {
        if self.sandbox {
            return Err(fail(ctx, sandbox::turned_off("http.post")));
        }
        let body = if body.is_string() {
            Body::Text(body.to_string())
        } else {
            let json = super::convert::to_json(body)
                .map_err(|m| fail(ctx, format!("http.post: the body: {m}")))?;
            Body::Json(json)
        };
        if self.api.client().is_dry_run() {
            // A webhook post changes the world as much as a Zoom write does: hold it back too.
            return dry_run_post(ctx, url, &body);
        }
        let client = self.client.clone();
        let url = url.to_string();
        let outcome = self.api.run_cancellable(
            async move { client.post(&url, &body).await },
            ctx.call_position(),
        )?;
        match outcome {
            Ok(reply) => {
                let mut map = Map::new();
                map.insert("status".into(), (reply.status as i64).into());
                map.insert("body".into(), reply.body.into());
                Ok(Dynamic::from_map(map))
            }
            Err(e) => Err(EvalAltResult::ErrorRuntime(
                Dynamic::from_map(webhook_error_map(&e)),
                ctx.call_position(),
            )
            .into()),
        }
    }
}

/// Under `--dry-run`: show the post on stderr (the URL's path elided) and answer like Slack.
fn dry_run_post(ctx: &NativeCallContext, url: &str, body: &Body) -> RhaiResult<Dynamic> {
    let target = webhook::parse_url(url).map_err(|e| {
        EvalAltResult::ErrorRuntime(
            Dynamic::from_map(webhook_error_map(&e)),
            ctx.call_position(),
        )
    })?;
    let shown = WebhookTarget::of(&target);
    match body {
        Body::Json(v) => crate::stderr_line!("dry-run: POST {shown} {v}"),
        Body::Text(t) => crate::stderr_line!("dry-run: POST {shown} {t:?}"),
    }
    let mut map = Map::new();
    map.insert("status".into(), Dynamic::from_int(200));
    map.insert("body".into(), "ok".into());
    map.insert("dry_run".into(), true.into());
    Ok(Dynamic::from_map(map))
}

/// The map a failed `http.post` throws: the same keys as a failed `zoom` call, so the same
/// `catch` code and exit codes apply.
fn webhook_error_map(e: &WebhookError) -> Map {
    let mut map = Map::new();
    let (kind, status, message) = match e {
        WebhookError::Refused(m) => ("refused", Dynamic::UNIT, m.clone()),
        WebhookError::Network { message, .. } => ("network", Dynamic::UNIT, message.clone()),
        WebhookError::Status { status, body, .. } => {
            ("http", Dynamic::from_int(*status as i64), body.clone())
        }
    };
    map.insert("kind".into(), kind.into());
    map.insert("status".into(), status);
    map.insert("code".into(), Dynamic::UNIT);
    map.insert("message".into(), message.into());
    map.insert("method".into(), "POST".into());
    map.insert("path".into(), Dynamic::UNIT);
    map.insert("tracking_id".into(), Dynamic::UNIT);
    map.insert("errors".into(), Dynamic::from_array(Vec::new()));
    map.insert("summary".into(), format!("http.post: {e}").into());
    map
}

fn fail(ctx: &NativeCallContext, message: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(message.into(), ctx.call_position()).into()
}

/// Register the helpers.
pub fn register(engine: &mut Engine, helpers: &Helpers) {
    register_sleep(engine, &helpers.api);

    let sandboxed = helpers.sandbox;
    engine.register_fn("env", move |ctx: NativeCallContext, name: &str| {
        if sandboxed {
            return Err(fail(&ctx, sandbox::turned_off("env")));
        }
        if name == "ZOOM_CLIENT_SECRET" {
            return Err(fail(
                &ctx,
                "env: ZOOM_CLIENT_SECRET is not readable from scripts; zoomsh uses it for you"
                    .into(),
            ));
        }
        Ok(std::env::var(name)
            .ok()
            .map(Dynamic::from)
            .unwrap_or(Dynamic::UNIT))
    });

    engine.register_fn("log", |value: Dynamic| {
        crate::stderr_line!("{value}");
    });

    let file_helper = move |ctx: &NativeCallContext| -> RhaiResult<()> {
        if sandboxed {
            Err(fail(ctx, sandbox::turned_off(ctx.fn_name())))
        } else {
            Ok(())
        }
    };
    engine.register_fn("read_csv", move |ctx: NativeCallContext, path: &str| {
        file_helper(&ctx)?;
        files::read_csv(path).map_err(|m| fail(&ctx, m))
    });
    engine.register_fn(
        "write_csv",
        move |ctx: NativeCallContext, path: &str, rows: Array| {
            file_helper(&ctx)?;
            files::write_csv(path, &rows, None).map_err(|m| fail(&ctx, m))
        },
    );
    engine.register_fn(
        "write_csv",
        move |ctx: NativeCallContext, path: &str, rows: Array, columns: Array| {
            file_helper(&ctx)?;
            files::write_csv(path, &rows, Some(&columns)).map_err(|m| fail(&ctx, m))
        },
    );
    engine.register_fn("read_json", move |ctx: NativeCallContext, path: &str| {
        file_helper(&ctx)?;
        files::read_json(path).map_err(|m| fail(&ctx, m))
    });
    engine.register_fn(
        "write_json",
        move |ctx: NativeCallContext, path: &str, value: Dynamic| {
            file_helper(&ctx)?;
            files::write_json(path, &value).map_err(|m| fail(&ctx, m))
        },
    );

    let printer = helpers.printer.clone();
    engine.register_fn(
        "print_table",
        move |ctx: NativeCallContext, rows: Array| -> RhaiResult<()> {
            let g =
                table::grid(&rows, None).map_err(|m| fail(&ctx, format!("print_table: {m}")))?;
            printer.line(&table::render(&g));
            Ok(())
        },
    );
    let printer = helpers.printer.clone();
    engine.register_fn(
        "print_table",
        move |ctx: NativeCallContext, rows: Array, columns: Array| -> RhaiResult<()> {
            let g = table::grid(&rows, Some(&columns))
                .map_err(|m| fail(&ctx, format!("print_table: {m}")))?;
            printer.line(&table::render(&g));
            Ok(())
        },
    );

    engine.register_type_with_name::<HttpApi>("Http");
    engine.register_fn(
        "post",
        |ctx: NativeCallContext, http: &mut HttpApi, url: &str, body: Dynamic| {
            http.post(&ctx, url, &body)
        },
    );
    engine.register_fn("to_string", |_: &mut HttpApi| {
        "http (webhook posts: http.post(url, body))".to_string()
    });
    engine.register_fn("to_debug", |_: &mut HttpApi| {
        "http (webhook posts: http.post(url, body))".to_string()
    });
}

fn register_sleep(engine: &mut Engine, api: &ZoomApi) {
    let for_float = api.clone();
    engine.register_fn("sleep", move |ctx: NativeCallContext, seconds: f64| {
        sleep(&for_float, &ctx, seconds)
    });
    let for_int = api.clone();
    engine.register_fn("sleep", move |ctx: NativeCallContext, seconds: i64| {
        sleep(&for_int, &ctx, seconds as f64)
    });
}

fn sleep(api: &ZoomApi, ctx: &NativeCallContext, seconds: f64) -> RhaiResult<()> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(fail(
            ctx,
            format!("sleep: {seconds} is not a number of seconds; give 0 or more"),
        ));
    }
    let duration = Duration::from_secs_f64(seconds);
    // The timer is made inside the async block: making one needs the runtime, which only
    // `block_on` enters.
    api.run_cancellable(
        async move { tokio::time::sleep(duration).await },
        ctx.call_position(),
    )
}
