//! `zoom.path(template, values...)`: a path with its `{}` placeholders filled and each value
//! encoded the way Zoom reads it (the rules live in [`crate::zoom::paths`]).
//!
//! Values may be strings or integers (meeting ids); up to five are taken as separate arguments,
//! or any number as one array.

use super::bindings::{ZoomApi, bad_argument};
use crate::zoom::paths;
use rhai::{Array, Dynamic, Engine, EvalAltResult, NativeCallContext};

fn text_of(
    ctx: &NativeCallContext,
    index: usize,
    v: &Dynamic,
) -> Result<String, Box<EvalAltResult>> {
    if v.is_string() || v.is_int() || v.is_char() {
        return Ok(v.to_string());
    }
    Err(bad_argument(
        ctx,
        format!(
            "value {} is {} ({}); give a string or an integer",
            index + 1,
            if v.is_unit() {
                "()".to_string()
            } else {
                v.to_string()
            },
            v.type_name()
        ),
    ))
}

fn fill(
    ctx: &NativeCallContext,
    template: &str,
    values: &[Dynamic],
) -> Result<String, Box<EvalAltResult>> {
    let texts = values
        .iter()
        .enumerate()
        .map(|(i, v)| text_of(ctx, i, v))
        .collect::<Result<Vec<_>, _>>()?;
    paths::fill(template, &texts).map_err(|m| bad_argument(ctx, m))
}

/// Register `zoom.path`.
pub fn register(engine: &mut Engine) {
    engine.register_fn(
        "path",
        |ctx: NativeCallContext, _: &mut ZoomApi, t: &str| fill(&ctx, t, &[]),
    );
    engine.register_fn(
        "path",
        |ctx: NativeCallContext, _: &mut ZoomApi, t: &str, a: Dynamic| {
            // One array holds all the values.
            if a.is_array() {
                let values = a.cast::<Array>();
                return fill(&ctx, t, &values);
            }
            fill(&ctx, t, &[a])
        },
    );
    engine.register_fn(
        "path",
        |ctx: NativeCallContext, _: &mut ZoomApi, t: &str, a: Dynamic, b: Dynamic| {
            fill(&ctx, t, &[a, b])
        },
    );
    engine.register_fn(
        "path",
        |ctx: NativeCallContext, _: &mut ZoomApi, t: &str, a: Dynamic, b: Dynamic, c: Dynamic| {
            fill(&ctx, t, &[a, b, c])
        },
    );
    engine.register_fn(
        "path",
        |ctx: NativeCallContext,
         _: &mut ZoomApi,
         t: &str,
         a: Dynamic,
         b: Dynamic,
         c: Dynamic,
         d: Dynamic| { fill(&ctx, t, &[a, b, c, d]) },
    );
    engine.register_fn(
        "path",
        |ctx: NativeCallContext,
         _: &mut ZoomApi,
         t: &str,
         a: Dynamic,
         b: Dynamic,
         c: Dynamic,
         d: Dynamic,
         e: Dynamic| { fill(&ctx, t, &[a, b, c, d, e]) },
    );
}
