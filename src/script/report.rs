//! Script errors as people read them: a one-line message, `file:line:col`, the line, a caret.
//!
//! ```text
//! error: GET /v2/users/nobody: HTTP 404, code 1001: User does not exist: nobody.
//!   --> report.rhai:3:14
//!    |
//!  3 | let u = zoom.get("/users/nobody");
//!    |              ^
//! ```
//!
//! Errors raised inside an imported module or one of its functions, a syntax error in the module
//! included, point into that module's file (its source name is its path, or
//! `<built-in>/NAME.rhai`), not at the `import` line.

use super::bindings::exit_code_of_thrown;
use rhai::{EvalAltResult, ParseError, Position};

/// Where a script came from, so its lines can be shown.
pub struct Source<'a> {
    /// The name shown in `--> name:line:col`.
    pub name: &'a str,
    pub text: &'a str,
}

/// A formatted error and the exit code it maps to.
pub struct Report {
    pub message: String,
    pub exit_code: i32,
}

/// Format a syntax error in the main source.
pub fn parse_error(err: &ParseError, source: &Source) -> Report {
    let message = format!("syntax error: {}", err.err_type());
    Report {
        message: with_location(&message, err.position(), source.name, Some(source.text)),
        exit_code: 1,
    }
}

/// Format a runtime error. `main` is the source that was run; a module's text comes from its
/// file or the built-in library.
pub fn eval_error(err: &EvalAltResult, main: &Source) -> Report {
    eval_error_with(err, main, |_| None)
}

/// [`eval_error`], with `explain` given the innermost error first: a message it returns
/// replaces the default one (the sandbox names the limit that was hit this way).
pub fn eval_error_with(
    err: &EvalAltResult,
    main: &Source,
    explain: impl Fn(&EvalAltResult) -> Option<String>,
) -> Report {
    // Walk into modules and function calls to the error that happened, remembering whose
    // source its position belongs to.
    let mut current: &EvalAltResult = err;
    let mut source_name: Option<String> = None;
    loop {
        match current {
            EvalAltResult::ErrorInModule(path, inner, _) => {
                if !path.is_empty() {
                    source_name = Some(path.clone());
                }
                current = inner;
            }
            EvalAltResult::ErrorInFunctionCall(_, src, inner, _) => {
                if !src.is_empty() {
                    source_name = Some(src.clone());
                }
                current = inner;
            }
            _ => break,
        }
    }
    let (message, exit_code) = match current {
        other if explain(other).is_some() => (explain(other).unwrap_or_default(), 1),
        EvalAltResult::ErrorRuntime(value, _) => match exit_code_of_thrown(value) {
            Some((code, summary)) => (summary, code),
            None => (format!("{value}"), 1),
        },
        EvalAltResult::ErrorParsing(p, _) => (format!("syntax error: {p}"), 1),
        EvalAltResult::ErrorTerminated(..) => ("interrupted".to_string(), 130),
        other => (lowercase_first(&without_position(other)), 1),
    };
    let pos = current.position();
    let report = match source_name {
        Some(name) if name != main.name => {
            let text = module_text(&name);
            with_location(&message, pos, &name, text.as_deref())
        }
        _ => with_location(&message, pos, main.name, Some(main.text)),
    };
    Report {
        message: report,
        exit_code,
    }
}

fn module_text(name: &str) -> Option<String> {
    super::modules::source_text(name)
}

/// Rhai's message without the ` (line 2, position 5)` it appends; the location is shown apart.
fn without_position(err: &EvalAltResult) -> String {
    let text = err.to_string();
    let suffix = format!(" ({})", err.position());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `message` followed by the location block, when the position is known.
fn with_location(message: &str, pos: Position, name: &str, text: Option<&str>) -> String {
    let (Some(line), col) = (pos.line(), pos.position().unwrap_or(1)) else {
        return format!("{message}\n  --> {name}");
    };
    let mut out = format!("{message}\n  --> {name}:{line}:{col}");
    if let Some(source_line) = text.and_then(|t| t.lines().nth(line - 1)) {
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        // Tabs keep their width so the caret lines up under them.
        let lead: String = source_line
            .chars()
            .take(col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!(
            "\n {pad} |\n {line} | {source_line}\n {pad} | {lead}^"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_column() {
        let text = "let a = 1;\nlet b = a +* 2;\n";
        let engine = rhai::Engine::new();
        let err = engine.compile(text).unwrap_err();
        let r = parse_error(
            &err,
            &Source {
                name: "t.rhai",
                text,
            },
        );
        let lines: Vec<&str> = r.message.lines().collect();
        assert!(lines[0].starts_with("syntax error: "), "{}", r.message);
        assert!(lines[1].starts_with("  --> t.rhai:2:"), "{}", r.message);
        assert_eq!(lines[3], " 2 | let b = a +* 2;");
        let caret_col = lines[4].find('^').unwrap() - " 2 | ".len() + 1;
        let reported: usize = lines[1].rsplit(':').next().unwrap().parse().unwrap();
        assert_eq!(caret_col, reported);
        assert_eq!(r.exit_code, 1);
    }

    #[test]
    fn runtime_errors_have_a_location() {
        let text = "let x = 1;\nx.nope();";
        let engine = rhai::Engine::new();
        let err = engine.run(text).unwrap_err();
        let r = eval_error(
            &err,
            &Source {
                name: "s.rhai",
                text,
            },
        );
        assert!(r.message.contains("  --> s.rhai:2:"), "{}", r.message);
        assert!(r.message.contains(" 2 | x.nope();"), "{}", r.message);
    }
}
