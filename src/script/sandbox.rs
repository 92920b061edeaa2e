//! `--sandbox`: limits for running a script someone else wrote.
//!
//! A sandboxed script keeps `zoom` (running it against your account is the point) but loses the
//! file and network helpers (`read_csv`, `write_csv`, `read_json`, `write_json`, `http.post`,
//! `env`), may import only modules beside it, on the module path or built in (see
//! `script::modules`), and runs under the engine limits below. Hitting a limit ends the script
//! with a message that names the limit; [`explain`] writes it.

use rhai::{Engine, EvalAltResult};

/// Operations (roughly, expressions evaluated) one run may take: stops a runaway loop.
pub const MAX_OPERATIONS: u64 = 10_000_000;
/// How deep function calls may nest: stops runaway recursion.
pub const MAX_CALL_LEVELS: usize = 32;
/// The longest string, in bytes.
pub const MAX_STRING_SIZE: usize = 1_000_000;
/// The most items in an array.
pub const MAX_ARRAY_SIZE: usize = 100_000;
/// The most keys in a map.
pub const MAX_MAP_SIZE: usize = 100_000;
/// The most modules one run may load.
pub const MAX_MODULES: usize = 32;

/// Put the sandbox's limits on `engine`.
pub fn apply(engine: &mut Engine) {
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_string_size(MAX_STRING_SIZE)
        .set_max_array_size(MAX_ARRAY_SIZE)
        .set_max_map_size(MAX_MAP_SIZE)
        .set_max_modules(MAX_MODULES);
}

const ADVICE: &str = "run it without --sandbox only if you trust it";

/// The message for an error that is a sandbox limit being hit.
pub fn explain(err: &EvalAltResult) -> Option<String> {
    let what = match err {
        EvalAltResult::ErrorTooManyOperations(..) => format!(
            "the script ran more than {MAX_OPERATIONS} operations, the --sandbox limit (a loop \
             that never ends?)"
        ),
        EvalAltResult::ErrorStackOverflow(..) => format!(
            "function calls nested more than {MAX_CALL_LEVELS} deep, the --sandbox limit \
             (recursion that never ends?)"
        ),
        EvalAltResult::ErrorTooManyModules(..) => {
            format!("the script loaded more than {MAX_MODULES} modules, the --sandbox limit")
        }
        EvalAltResult::ErrorDataTooLarge(kind, ..) => {
            let limit = if kind.starts_with("Length of string") {
                format!("a string grew past {MAX_STRING_SIZE} bytes")
            } else if kind.starts_with("Size of array") {
                format!("an array grew past {MAX_ARRAY_SIZE} items")
            } else if kind.starts_with("Size of object map") {
                format!("a map grew past {MAX_MAP_SIZE} keys")
            } else {
                format!("{} is too large", kind.to_lowercase())
            };
            format!("{limit}, the --sandbox limit")
        }
        _ => return None,
    };
    Some(format!("sandbox limit: {what}; {ADVICE}"))
}

/// The error a helper that touches files, the network or the environment gives under
/// `--sandbox`.
pub fn turned_off(helper: &str) -> String {
    format!(
        "{helper} is turned off by --sandbox (no file, network or environment access); {ADVICE}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str) -> Box<EvalAltResult> {
        let mut engine = Engine::new();
        apply(&mut engine);
        engine.run(script).unwrap_err()
    }

    #[test]
    fn each_limit_has_its_own_message() {
        let e = run("loop { }");
        assert!(
            explain(&e).unwrap().starts_with(
                "sandbox limit: the script ran more than 10000000 operations, the --sandbox limit"
            ),
            "{e:?}"
        );
        let e = run("fn f(n) { f(n + 1) } f(0)");
        assert!(
            explain(&e)
                .unwrap()
                .starts_with("sandbox limit: function calls nested more than 32 deep"),
            "{e:?}"
        );
        let e = run(r#"let s = "x"; loop { s += s; }"#);
        assert!(
            explain(&e)
                .unwrap()
                .starts_with("sandbox limit: a string grew past 1000000 bytes"),
            "{e:?}"
        );
        let e = run("let a = []; loop { a.push(1); }");
        assert!(
            explain(&e)
                .unwrap()
                .starts_with("sandbox limit: an array grew past 100000 items"),
            "{e:?}"
        );
    }
}
