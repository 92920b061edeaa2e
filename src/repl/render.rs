//! How the REPL shows a value: maps and arrays as indented JSON, coloured when the output is a
//! terminal (and `NO_COLOR` is not set), long arrays cut short with a count and a pointer to
//! `:all`.
//!
//! Pure: the caller decides whether colour is on ([`color_wanted`]) and passes a [`Style`].

use crate::script::convert::to_json;
use rhai::Dynamic;
use serde_json::Value;
use std::fmt::Write;
use std::io::IsTerminal;

/// How many items of an array are shown before it is summarised.
pub const ARRAY_LIMIT: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Show at most this many items of each array; `None` shows everything.
    pub max_items: Option<usize>,
}

impl Style {
    pub const PLAIN: Style = Style {
        color: false,
        max_items: Some(ARRAY_LIMIT),
    };

    pub fn full(self) -> Style {
        Style {
            max_items: None,
            ..self
        }
    }
}

/// Colour on this stream? Only on a terminal, and never when `NO_COLOR` is set to anything.
pub fn color_wanted(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

// ANSI SGR codes, in jq's spirit: keys blue, strings green, numbers cyan, literals yellow.
const KEY: &str = "\x1b[34;1m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const LITERAL: &str = "\x1b[33m";
const NULL: &str = "\x1b[90m";
pub const DIM: &str = "\x1b[90m";
pub const BOLD: &str = "\x1b[1m";
pub const RED: &str = "\x1b[31;1m";
pub const RESET: &str = "\x1b[0m";

/// `text` wrapped in `code` when colour is on.
pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// The text for a value, or `None` for `()` (nothing to show).
pub fn render(value: &Dynamic, style: Style) -> Option<String> {
    if value.is_unit() {
        return None;
    }
    if value.is_string() {
        // Strings print as they are, like `print` would.
        return Some(value.clone().into_string().unwrap_or_default());
    }
    if (value.is_map() || value.is_array())
        && let Ok(json) = to_json(value)
    {
        return Some(render_json(&json, style));
    }
    Some(value.to_string())
}

/// JSON, indented by two spaces, coloured and cut short as `style` says.
pub fn render_json(value: &Value, style: Style) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, style);
    out
}

fn write_value(out: &mut String, value: &Value, indent: usize, style: Style) {
    let c = style.color;
    match value {
        Value::Null => out.push_str(&paint(c, NULL, "null")),
        Value::Bool(b) => out.push_str(&paint(c, LITERAL, &b.to_string())),
        Value::Number(n) => out.push_str(&paint(c, NUMBER, &n.to_string())),
        Value::String(_) => out.push_str(&paint(c, STRING, &value.to_string())),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            let shown = style.max_items.map_or(items.len(), |m| m.min(items.len()));
            out.push_str("[\n");
            for (i, item) in items[..shown].iter().enumerate() {
                pad(out, indent + 1);
                write_value(out, item, indent + 1, style);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            if shown < items.len() {
                pad(out, indent + 1);
                let note = format!(
                    "… {} more ({} items; :all shows them all)",
                    items.len() - shown,
                    items.len()
                );
                out.push_str(&paint(c, DIM, &note));
                out.push('\n');
            }
            pad(out, indent);
            out.push(']');
        }
        Value::Object(fields) => {
            out.push_str("{\n");
            for (i, (key, item)) in fields.iter().enumerate() {
                pad(out, indent + 1);
                let quoted = Value::String(key.clone()).to_string();
                let _ = write!(out, "{}: ", paint(c, KEY, &quoted));
                write_value(out, item, indent + 1, style);
                if i + 1 < fields.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(out, indent);
            out.push('}');
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// A one-line description of a value for `:vars`: its type and, when short, the value itself.
pub fn summary(value: &Dynamic) -> String {
    if value.is_map() {
        let n = value.read_lock::<rhai::Map>().map_or(0, |m| m.len());
        return format!("map ({n} {})", plural(n, "key", "keys"));
    }
    if value.is_array() {
        let n = value.read_lock::<rhai::Array>().map_or(0, |a| a.len());
        return format!("array ({n} {})", plural(n, "item", "items"));
    }
    let shown = if value.is_string() {
        Value::String(value.clone().into_string().unwrap_or_default()).to_string()
    } else {
        value.to_string()
    };
    let shown = if shown.chars().count() > 60 {
        let cut: String = shown.chars().take(57).collect();
        format!("{cut}...")
    } else {
        shown
    };
    format!("{} = {shown}", value.type_name())
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::convert::to_dynamic;
    use serde_json::json;

    fn dynamic(v: Value) -> Dynamic {
        to_dynamic(&v)
    }

    #[test]
    fn maps_print_as_indented_json_without_colour() {
        let v = dynamic(
            json!({"id": 85746065432_i64, "name": "Ada", "tags": [], "on": true, "x": null}),
        );
        assert_eq!(
            render(&v, Style::PLAIN).unwrap(),
            "{\n  \"id\": 85746065432,\n  \"name\": \"Ada\",\n  \"on\": true,\n  \"tags\": [],\n  \"x\": null\n}"
        );
    }

    #[test]
    fn colour_marks_keys_strings_numbers_and_literals() {
        let style = Style {
            color: true,
            max_items: None,
        };
        assert_eq!(
            render_json(&json!({"a": ["s", 1, false, null]}), style),
            "{\n  \x1b[34;1m\"a\"\x1b[0m: [\n    \x1b[32m\"s\"\x1b[0m,\n    \x1b[36m1\x1b[0m,\n    \
             \x1b[33mfalse\x1b[0m,\n    \x1b[90mnull\x1b[0m\n  ]\n}"
        );
    }

    #[test]
    fn long_arrays_are_cut_short_with_a_count() {
        let style = Style {
            color: false,
            max_items: Some(2),
        };
        assert_eq!(
            render_json(&json!({"users": [1, 2, 3, 4, 5]}), style),
            "{\n  \"users\": [\n    1,\n    2,\n    … 3 more (5 items; :all shows them all)\n  ]\n}"
        );
        assert_eq!(
            render_json(&json!([1, 2]), style),
            "[\n  1,\n  2\n]",
            "an array at the limit is shown whole"
        );
        assert_eq!(
            render_json(&json!([1, 2, 3]), style.full()),
            "[\n  1,\n  2,\n  3\n]"
        );
    }

    #[test]
    fn scalars_and_strings_print_plainly() {
        assert_eq!(render(&Dynamic::from_int(42), Style::PLAIN).unwrap(), "42");
        assert_eq!(render(&Dynamic::from("Ada"), Style::PLAIN).unwrap(), "Ada");
        assert_eq!(render(&Dynamic::UNIT, Style::PLAIN), None);
    }

    #[test]
    fn summaries_name_the_type() {
        assert_eq!(summary(&dynamic(json!({"a": 1, "b": 2}))), "map (2 keys)");
        assert_eq!(summary(&dynamic(json!([1]))), "array (1 item)");
        assert_eq!(summary(&Dynamic::from_int(7)), "i64 = 7");
        assert_eq!(summary(&Dynamic::from("Ada")), "string = \"Ada\"");
        let long = "x".repeat(100);
        assert_eq!(
            summary(&Dynamic::from(long)),
            format!("string = \"{}...", "x".repeat(56))
        );
    }
}
