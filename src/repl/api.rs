//! The script API as the REPL explains it: one line per `zoom` method and host helper, for
//! `:help zoom`, completion and hints.
//!
//! The names themselves come from the engine ([`Registered::from_engine`]), so completion
//! offers whatever the script host registers; [`DESCRIBED`] adds the one-line descriptions. A
//! unit test fails when something is registered without a description here.

use rhai::Engine;
use std::collections::BTreeMap;

/// One documented part of the script API.
pub struct ApiItem {
    pub name: &'static str,
    /// A method of `zoom` (`zoom.get`) rather than a free function or variable.
    pub on_zoom: bool,
    /// Its arguments as written after the name, e.g. `(path, query?)`; empty for a variable.
    pub args: &'static str,
    pub about: &'static str,
}

const fn zoom(name: &'static str, args: &'static str, about: &'static str) -> ApiItem {
    ApiItem {
        name,
        on_zoom: true,
        args,
        about,
    }
}

const fn global(name: &'static str, args: &'static str, about: &'static str) -> ApiItem {
    ApiItem {
        name,
        on_zoom: false,
        args,
        about,
    }
}

pub const DESCRIBED: &[ApiItem] = &[
    zoom(
        "get",
        "(path, query?)",
        "GET; returns the JSON body as maps and arrays",
    ),
    zoom(
        "post",
        "(path, body?)",
        "POST a JSON body; returns the answer",
    ),
    zoom(
        "patch",
        "(path, body?)",
        "PATCH a JSON body; 204 No Content returns ()",
    ),
    zoom("put", "(path, body?)", "PUT a JSON body"),
    zoom(
        "delete",
        "(path, query?)",
        "DELETE; the REPL asks first unless started with --yes",
    ),
    zoom(
        "request",
        "(method, path, #{query, body}?)",
        "any call; returns #{status, headers, body} and never throws on an HTTP status",
    ),
    zoom(
        "get_all",
        "(path, query?, opts?)",
        "every item of a paginated list, as one array",
    ),
    zoom(
        "pages",
        "(path, query?, opts?)",
        "a lazy walk over a list, one page per loop turn",
    ),
    zoom(
        "items",
        "(path, query?, opts?)",
        "a lazy walk over a list, one item per loop turn",
    ),
    zoom(
        "get_many",
        "(paths, query?)",
        "GETs run concurrently within the rate limits; a failed one is an error map in place",
    ),
    zoom(
        "rate_limits",
        "()",
        "the plan and, per category, Zoom's limit and zoomsh's pace, waits and 429s",
    ),
    zoom(
        "path",
        "(template, values...)",
        "a path with each {} filled and encoded as Zoom requires",
    ),
    global(
        "zoom",
        "",
        "the Zoom API client; a failed call throws #{kind, status, code, message, ...}",
    ),
    global("args", "", "the map of --arg KEY=VALUE values (strings)"),
    global(
        "simulator",
        "",
        "with --sim, #{url, webhooks} of the in-process simulator; otherwise ()",
    ),
    global("sleep", "(seconds)", "wait; Ctrl-C interrupts it"),
    global(
        "is_error",
        "(value)",
        "true for an error map (from get_many, or caught)",
    ),
    global(
        "env",
        "(name)",
        "an environment variable, or () when it is not set (never ZOOM_CLIENT_SECRET)",
    ),
    global(
        "log",
        "(x)",
        "a line on stderr, apart from the script's output",
    ),
    global(
        "print_table",
        "(rows, columns?)",
        "an array of maps as aligned columns on stdout",
    ),
    global(
        "read_csv",
        "(path)",
        "a CSV file whose first row names the columns, as an array of maps",
    ),
    global(
        "write_csv",
        "(path, rows, columns?)",
        "an array of maps as CSV with a header row; returns the number of rows",
    ),
    global("read_json", "(path)", "a JSON file as Rhai values"),
    global(
        "write_json",
        "(path, value)",
        "a value as an indented JSON file",
    ),
    global("http", "", "posts to webhooks: http.post(url, body)"),
    global(
        "http.post",
        "(url, body)",
        "post JSON to a webhook (honours --dry-run)",
    ),
    global(
        "date::now",
        "(tz?)",
        "the current UTC time, or the wall-clock time in tz",
    ),
    global("date::today", "(tz?)", "today's date in UTC, or in tz"),
    global(
        "date::add",
        "(value, span)",
        "value moved by a span: \"3 days\", \"-1 month\", \"2h 30m\"",
    ),
    global("date::add_days", "(value, n)", "value moved by n days"),
    global(
        "date::days_between",
        "(a, b)",
        "whole days from a to b (negative if b is earlier)",
    ),
    global(
        "date::to_zoom_utc",
        "(value, tz?)",
        "the ...Z form Zoom wants; a wall-clock time is read in tz",
    ),
    global(
        "date::to_zoom_local",
        "(value, tz)",
        "#{start_time, timezone} in tz, to merge into a body",
    ),
    global(
        "date::to_zone",
        "(value, tz)",
        "a UTC time as wall-clock time in tz",
    ),
    global(
        "date::parse",
        "(value, tz?)",
        "#{form, year, month, day, hour, minute, second, weekday, date, epoch}",
    ),
    global("date::epoch", "(value)", "seconds since 1970-01-01 UTC"),
    global(
        "date::format",
        "(value, pattern, tz?)",
        "strftime formatting, e.g. \"%d.%m.%Y %H:%M\"",
    ),
    global(
        "date::month_windows",
        "(from, to)",
        "[#{from, to}, ...]: the range cut into windows of at most a month",
    ),
];

/// Look up the description of a `zoom` method or a global name.
pub fn describe(name: &str, on_zoom: bool) -> Option<&'static ApiItem> {
    DESCRIBED
        .iter()
        .find(|i| i.name == name && i.on_zoom == on_zoom)
}

/// The names the engine has registered beyond Rhai's standard library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registered {
    /// Methods callable as `zoom.NAME(...)`.
    pub zoom_methods: Vec<String>,
    /// Free functions (host helpers).
    pub helpers: Vec<String>,
    /// Methods of the other global objects, by object (`http` -> `post`). An object's global
    /// variable is named after its type in lower case (`Http` -> `http`), as `zoom` is.
    pub object_methods: BTreeMap<String, Vec<String>>,
    /// Functions of static modules, as `module::name` (`date::now`).
    pub module_fns: Vec<String>,
}

impl Registered {
    pub fn from_engine(engine: &Engine) -> Registered {
        let mut zoom_methods = Vec::new();
        let mut helpers = Vec::new();
        let mut module_fns = Vec::new();
        let mut object_methods: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for signature in engine.gen_fn_signatures(false) {
            let Some((name, rest)) = signature.split_once('(') else {
                continue;
            };
            if let Some((module, function)) = name.split_once("::") {
                if is_identifier(module) && is_identifier(function) {
                    module_fns.push(name.to_string());
                }
                continue;
            }
            if !is_identifier(name) || matches!(name, "to_string" | "to_debug") {
                continue;
            }
            let first_param = rest.split([',', ')']).next().unwrap_or("");
            let first_type = first_param.split(':').nth(1).unwrap_or("").trim();
            match first_type.strip_prefix("&mut ") {
                Some("Zoom") => zoom_methods.push(name.to_string()),
                // A method of another object; iterators (`Pages`) have no global to call on.
                Some(object) if object != "Pages" => object_methods
                    .entry(object.to_ascii_lowercase())
                    .or_default()
                    .push(name.to_string()),
                Some(_) => {}
                None => helpers.push(name.to_string()),
            }
        }
        for list in [&mut zoom_methods, &mut helpers, &mut module_fns]
            .into_iter()
            .chain(object_methods.values_mut())
        {
            list.sort();
            list.dedup();
        }
        Registered {
            zoom_methods,
            helpers,
            object_methods,
            module_fns,
        }
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Rhai's keywords and the standard functions worth offering at the start of a word.
pub const KEYWORDS: &[&str] = &[
    "break",
    "catch",
    "const",
    "continue",
    "debug",
    "else",
    "export",
    "false",
    "fn",
    "for",
    "if",
    "import",
    "in",
    "is_def_fn",
    "is_def_var",
    "let",
    "loop",
    "print",
    "return",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "type_of",
    "while",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use crate::sim::SimArgs;

    fn registered() -> Registered {
        let session = Session::with_simulator(&SimArgs::default(), &Default::default()).unwrap();
        let host = session.host(Default::default());
        Registered::from_engine(host.engine())
    }

    #[test]
    fn zoom_methods_are_read_from_the_engine() {
        let r = registered();
        for m in ["delete", "get", "patch", "post", "put", "request"] {
            assert!(r.zoom_methods.iter().any(|n| n == m), "{m} in {r:?}");
        }
        assert!(r.helpers.iter().any(|n| n == "sleep"), "{r:?}");
        assert!(r.module_fns.iter().any(|n| n == "date::now"), "{r:?}");
        assert_eq!(r.object_methods["http"], vec!["post".to_string()]);
        assert!(!r.helpers.iter().any(|n| n == "post"), "{r:?}");
        assert!(!r.zoom_methods.iter().any(|n| n == "to_string"));
    }

    #[test]
    fn everything_registered_has_a_description() {
        // When this fails, add the new function to DESCRIBED so `:help zoom` explains it.
        let r = registered();
        for m in &r.zoom_methods {
            assert!(describe(m, true).is_some(), "zoom.{m} has no description");
        }
        for h in r.helpers.iter().chain(&r.module_fns) {
            assert!(describe(h, false).is_some(), "{h} has no description");
        }
        for (object, methods) in &r.object_methods {
            assert!(
                describe(object, false).is_some(),
                "{object} has no description"
            );
            for m in methods {
                let name = format!("{object}.{m}");
                assert!(
                    describe(&name, false).is_some(),
                    "{name} has no description"
                );
            }
        }
    }
}
