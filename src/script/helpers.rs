//! Host helpers beside `zoom`: small functions scripts need that Rhai does not have.
//!
//! `sleep(seconds)` waits on the I/O runtime so Ctrl-C interrupts it.

use super::bindings::ZoomApi;
use rhai::{Engine, EvalAltResult, NativeCallContext};
use std::time::Duration;

/// Register the helpers; `api` gives them the runtime and the Ctrl-C switch.
pub fn register(engine: &mut Engine, api: &ZoomApi) {
    let for_float = api.clone();
    engine.register_fn("sleep", move |ctx: NativeCallContext, seconds: f64| {
        sleep(&for_float, &ctx, seconds)
    });
    let for_int = api.clone();
    engine.register_fn("sleep", move |ctx: NativeCallContext, seconds: i64| {
        sleep(&for_int, &ctx, seconds as f64)
    });
}

fn sleep(api: &ZoomApi, ctx: &NativeCallContext, seconds: f64) -> Result<(), Box<EvalAltResult>> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(EvalAltResult::ErrorRuntime(
            format!("sleep: {seconds} is not a number of seconds; give 0 or more").into(),
            ctx.call_position(),
        )
        .into());
    }
    let duration = Duration::from_secs_f64(seconds);
    api.block_on(
        async move {
            tokio::time::sleep(duration).await;
            Ok(())
        },
        ctx.call_position(),
    )
}
