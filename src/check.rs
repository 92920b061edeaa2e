//! `zoomsh check FILE`: the scope pre-flight. Lists the Zoom operations a script calls, with the
//! scopes and rate-limit category each needs, and (given a token) names the scopes the app lacks
//! before anything runs.
//!
//! The script is read, not run: a small scanner finds `zoom.get/post/patch/put/delete/request/
//! get_all/pages/items/get_many/path(...)` calls and reads their path argument when it is built
//! from string literals, template literals (`${...}` parts stand for one path segment each),
//! `+` joins of those, or a nested `zoom.path("...", ...)`. Anything else (a variable, a
//! function's result, calls inside imported modules) cannot be known without running the script
//! and is listed as not resolved. Paths are matched against the built-in catalog.

use crate::catalog::{Catalog, Endpoint};
use crate::error::Error;
use crate::script::report::{self, Source};
use crate::session::Session;
use std::collections::BTreeSet;
use std::path::Path;

/// Stands for a part of a path that is only known when the script runs.
const HOLE: char = '\u{0}';

/// A call whose operation was found in the catalog.
#[derive(Debug, Clone)]
pub struct Found {
    pub line: usize,
    pub method: String,
    /// The path as the scanner read it, with `{}` for the parts known only at run time.
    pub written: String,
    pub endpoint: &'static Endpoint,
}

/// A call that could not be tied to one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub line: usize,
    /// The call as written (its first line, shortened).
    pub call: String,
    pub reason: String,
}

/// What the scanner found in a script.
#[derive(Debug, Default)]
pub struct Scan {
    pub found: Vec<Found>,
    pub unresolved: Vec<Unresolved>,
}

/// One operation with every line that calls it.
#[derive(Debug)]
pub struct Operation {
    pub lines: Vec<usize>,
    pub endpoint: &'static Endpoint,
}

impl Scan {
    /// The distinct operations, in the order first called.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out: Vec<Operation> = Vec::new();
        for f in &self.found {
            match out
                .iter_mut()
                .find(|o| std::ptr::eq(o.endpoint, f.endpoint))
            {
                Some(o) => {
                    if !o.lines.contains(&f.line) {
                        o.lines.push(f.line);
                    }
                }
                None => out.push(Operation {
                    lines: vec![f.line],
                    endpoint: f.endpoint,
                }),
            }
        }
        out
    }
}

/// Operations whose scopes the token lacks (none of their alternatives is granted).
pub fn missing<'a>(operations: &'a [Operation], granted: &BTreeSet<String>) -> Vec<&'a Operation> {
    operations
        .iter()
        .filter(|o| {
            let alternatives = o.endpoint.scope_alternatives();
            !alternatives.is_empty() && !alternatives.iter().any(|s| granted.contains(s))
        })
        .collect()
}

/// Run `zoomsh check FILE`. `session` is `None` when no credentials are configured; then the
/// operations are listed but not compared with a token.
pub fn run(file: &Path, session: Option<&Session>) -> Result<(), Error> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::Io(format!("cannot read script {}: {e}", file.display())))?;
    let name = file.display().to_string();
    if let Err(e) = rhai::Engine::new().compile(&text) {
        let r = report::parse_error(
            &e,
            &Source {
                name: &name,
                text: &text,
            },
        );
        return Err(Error::Script {
            message: r.message,
            code: r.exit_code,
        });
    }
    let scan = scan(&text);
    let granted: Option<BTreeSet<String>> = match session {
        None => None,
        Some(s) => match s.runtime().block_on(s.client().token()) {
            Ok(token) => Some(token.scope.split_whitespace().map(String::from).collect()),
            Err(e) => {
                print!("{}", render(&name, &scan, Granted::Unknown));
                return Err(e.into());
            }
        },
    };
    let Some(granted) = granted else {
        print!("{}", render(&name, &scan, Granted::NoCredentials));
        return Ok(());
    };
    print!("{}", render(&name, &scan, Granted::Scopes(&granted)));
    let ops = scan.operations();
    let lacking = missing(&ops, &granted);
    if lacking.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = lacking
        .iter()
        .map(|o| format!("{} {}", o.endpoint.method, o.endpoint.path))
        .collect();
    Err(Error::MissingScopes(format!(
        "the token has no scope for {} ({}); add the scopes named above to the app in the Zoom \
         App Marketplace, then check again",
        if lacking.len() == 1 {
            "1 operation the script calls".to_string()
        } else {
            format!("{} operations the script calls", lacking.len())
        },
        names.join(", ")
    )))
}

/// What is known about the token's scopes when the report is printed.
#[derive(Clone, Copy, Debug)]
pub enum Granted<'a> {
    /// No credentials are configured.
    NoCredentials,
    /// A token could not be had (the error follows the report).
    Unknown,
    Scopes(&'a BTreeSet<String>),
}

/// The report printed on stdout.
pub fn render(name: &str, scan: &Scan, granted: Granted<'_>) -> String {
    let granted_set = match granted {
        Granted::Scopes(g) => Some(g),
        _ => None,
    };
    let ops = scan.operations();
    let mut out = String::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    out.push_str(&format!(
        "{name}: {}, {} not resolved\n",
        plural(ops.len(), "Zoom operation", "Zoom operations"),
        plural(scan.unresolved.len(), "call", "calls")
    ));
    let missing_ops: Vec<&Operation> = granted_set.map(|g| missing(&ops, g)).unwrap_or_default();
    for op in &ops {
        let e = op.endpoint;
        let lines: Vec<String> = op.lines.iter().map(|l| l.to_string()).collect();
        let status = match granted_set {
            None => "",
            Some(_) if missing_ops.iter().any(|m| std::ptr::eq(*m, op)) => "  MISSING",
            Some(_) => "  ok",
        };
        out.push_str(&format!(
            "\n  {} {}  ({}, {}; {} {}){status}\n",
            e.method,
            e.path,
            e.operation_id,
            e.category().name(),
            if lines.len() == 1 { "line" } else { "lines" },
            lines.join(", "),
        ));
        let alternatives = e.scope_alternatives();
        if alternatives.is_empty() {
            out.push_str("    scopes: none needed\n");
        } else {
            out.push_str(&format!(
                "    scopes (any one): {}\n",
                alternatives.join(", ")
            ));
        }
    }
    if !scan.unresolved.is_empty() {
        out.push_str("\nnot resolved (known only when the script runs; check these by hand):\n");
        for u in &scan.unresolved {
            out.push_str(&format!("  line {}: {} — {}\n", u.line, u.call, u.reason));
        }
    }
    match granted {
        Granted::NoCredentials => out.push_str(
            "\nno credentials: scopes not compared (set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, or use --sim)\n",
        ),
        Granted::Unknown => {}
        Granted::Scopes(_) if missing_ops.is_empty() => {
            out.push_str("\nthe token has a scope for every operation found\n")
        }
        Granted::Scopes(_) => {
            out.push_str(&format!(
                "\nthe token lacks scopes for {}:\n",
                plural(missing_ops.len(), "operation", "operations")
            ));
            for op in &missing_ops {
                out.push_str(&format!(
                    "  {} {} needs one of: {}\n",
                    op.endpoint.method,
                    op.endpoint.path,
                    preferred_scopes(op.endpoint).join(", ")
                ));
            }
        }
    }
    out
}

/// The scopes to suggest adding: an S2S app is account level, so the `:admin` granular scopes
/// when there are any (what Zoom's 4711 names), else every alternative.
pub fn preferred_scopes(e: &Endpoint) -> Vec<String> {
    let admin: Vec<String> = e
        .known_granular_scopes()
        .into_iter()
        .filter(|s| s.ends_with(":admin"))
        .collect();
    if admin.is_empty() {
        e.scope_alternatives()
    } else {
        admin
    }
}

// ---------------------------------------------------------------------------------------------
// The scanner.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's value.
    Str(String),
    /// A template literal: its text with [`HOLE`] for each `${...}`.
    Template(String),
    Punct(char),
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    /// Byte offsets in the source.
    start: usize,
    end: usize,
}

/// Read a script's source into tokens. Unknown characters become [`Tok::Other`]; the scanner
/// never fails (a syntax error is Rhai's to report).
fn tokenize(src: &str) -> Vec<Token> {
    let bytes: Vec<char> = src.chars().collect();
    // Byte offset of each char index, for slicing the source.
    let mut offsets: Vec<usize> = src.char_indices().map(|(i, _)| i).collect();
    offsets.push(src.len());
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let n = bytes.len();
    while i < n {
        let c = bytes[i];
        let start = i;
        let start_line = line;
        let push = |tok: Tok, end: usize, out: &mut Vec<Token>| {
            out.push(Token {
                tok,
                line: start_line,
                start: offsets[start],
                end: offsets[end.min(n)],
            })
        };
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && bytes.get(i + 1) == Some(&'/') {
            while i < n && bytes[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && bytes.get(i + 1) == Some(&'*') {
            // Rhai's block comments nest.
            let mut depth = 0;
            while i < n {
                if bytes[i] == '/' && bytes.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == '*' && bytes.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if bytes[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            let (value, next, lines) = read_string(&bytes, i + 1);
            line += lines;
            i = next;
            push(Tok::Str(value), i, &mut out);
        } else if c == '#' && matches!(bytes.get(i + 1), Some('"' | '#')) {
            // A raw string: #"..."#, ##"..."##.
            let hashes = bytes[i..].iter().take_while(|&&b| b == '#').count();
            if bytes.get(i + hashes) == Some(&'"') {
                let mut j = i + hashes + 1;
                let mut value = String::new();
                loop {
                    if j >= n {
                        break;
                    }
                    if bytes[j] == '"'
                        && bytes[j + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&b| b == '#')
                            .count()
                            == hashes
                    {
                        j += 1 + hashes;
                        break;
                    }
                    if bytes[j] == '\n' {
                        line += 1;
                    }
                    value.push(bytes[j]);
                    j += 1;
                }
                i = j;
                push(Tok::Str(value), i, &mut out);
            } else {
                i += 1;
                push(Tok::Other, i, &mut out);
            }
        } else if c == '`' {
            let (value, next, lines) = read_template(&bytes, i + 1);
            line += lines;
            i = next;
            push(Tok::Template(value), i, &mut out);
        } else if c == '\'' {
            // A character literal.
            i += 1;
            if bytes.get(i) == Some(&'\\') {
                i += 1;
            }
            while i < n && bytes[i] != '\'' && bytes[i] != '\n' {
                i += 1;
            }
            i += 1;
            push(Tok::Other, i, &mut out);
        } else if c.is_alphabetic() || c == '_' {
            while i < n && (bytes[i].is_alphanumeric() || bytes[i] == '_') {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            push(Tok::Ident(word), i, &mut out);
        } else if c.is_ascii_digit() {
            while i < n && (bytes[i].is_alphanumeric() || bytes[i] == '_') {
                i += 1;
            }
            push(Tok::Other, i, &mut out);
        } else if "().,+[]{}".contains(c) {
            i += 1;
            push(Tok::Punct(c), i, &mut out);
        } else if c == ':' && bytes.get(i + 1) == Some(&':') {
            i += 2;
            push(Tok::Other, i, &mut out);
        } else {
            i += 1;
            push(Tok::Other, i, &mut out);
        }
    }
    out
}

/// A `"..."` body from `i` (after the quote): its value, the index after the closing quote,
/// and how many newlines it spans.
fn read_string(b: &[char], mut i: usize) -> (String, usize, usize) {
    let mut value = String::new();
    let mut lines = 0;
    while i < b.len() {
        match b[i] {
            '"' => return (value, i + 1, lines),
            '\\' if i + 1 < b.len() => {
                let e = b[i + 1];
                i += 2;
                match e {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    '\n' => {
                        // A line continuation: the newline and the next line's indent go.
                        lines += 1;
                        while i < b.len() && b[i].is_whitespace() && b[i] != '\n' {
                            i += 1;
                        }
                    }
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = b[i..(i + len).min(b.len())].iter().collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            value.push(ch);
                        }
                        i += len;
                    }
                    other => value.push(other),
                }
            }
            '\n' => {
                lines += 1;
                value.push('\n');
                i += 1;
            }
            c => {
                value.push(c);
                i += 1;
            }
        }
    }
    (value, i, lines)
}

/// A template body from `i` (after the backtick), with [`HOLE`] for each `${...}`.
fn read_template(b: &[char], mut i: usize) -> (String, usize, usize) {
    let mut value = String::new();
    let mut lines = 0;
    while i < b.len() {
        match b[i] {
            '`' => return (value, i + 1, lines),
            '$' if b.get(i + 1) == Some(&'{') => {
                value.push(HOLE);
                i += 2;
                let mut depth = 1;
                while i < b.len() && depth > 0 {
                    match b[i] {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        '"' => {
                            let (_, next, l) = read_string(b, i + 1);
                            lines += l;
                            i = next;
                            continue;
                        }
                        '`' => {
                            let (_, next, l) = read_template(b, i + 1);
                            lines += l;
                            i = next;
                            continue;
                        }
                        '\n' => lines += 1,
                        _ => {}
                    }
                    i += 1;
                }
            }
            '\\' if i + 1 < b.len() => {
                value.push(b[i + 1]);
                i += 2;
            }
            c => {
                if c == '\n' {
                    lines += 1;
                }
                value.push(c);
                i += 1;
            }
        }
    }
    (value, i, lines)
}

/// The zoom methods the scanner reads, and the HTTP method each sends (`None`: from an argument
/// or not a call at all).
fn http_method(function: &str) -> Option<Option<&'static str>> {
    Some(match function {
        "get" | "get_all" | "pages" | "items" | "get_many" => Some("GET"),
        "post" => Some("POST"),
        "patch" => Some("PATCH"),
        "put" => Some("PUT"),
        "delete" => Some("DELETE"),
        "request" | "path" => None,
        _ => return None,
    })
}

/// Split a call's argument tokens at top-level commas. `open` indexes the `(`; returns the
/// arguments and the index of the closing `)`.
fn arguments(tokens: &[Token], open: usize) -> (Vec<std::ops::Range<usize>>, usize) {
    let mut args = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    let mut i = open + 1;
    while i < tokens.len() {
        match tokens[i].tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') if depth > 0 => depth -= 1,
            Tok::Punct(')') => {
                if i > start {
                    args.push(start..i);
                }
                return (args, i);
            }
            Tok::Punct(',') if depth == 0 => {
                args.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if i > start {
        args.push(start..i);
    }
    (args, tokens.len().saturating_sub(1))
}

/// Is `tokens[i..]` the start of `zoom.NAME(`? Returns NAME.
fn zoom_call(tokens: &[Token], i: usize) -> Option<&str> {
    match (
        tokens.get(i).map(|t| &t.tok),
        tokens.get(i + 1).map(|t| &t.tok),
        tokens.get(i + 2).map(|t| &t.tok),
        tokens.get(i + 3).map(|t| &t.tok),
    ) {
        (
            Some(Tok::Ident(z)),
            Some(Tok::Punct('.')),
            Some(Tok::Ident(f)),
            Some(Tok::Punct('(')),
        ) if z == "zoom" && http_method(f).is_some() => {
            // `x.zoom.get(` is someone else's `zoom`.
            if i > 0 && tokens[i - 1].tok == Tok::Punct('.') {
                return None;
            }
            Some(f.as_str())
        }
        _ => None,
    }
}

/// The text of an expression: literals as they are, [`HOLE`] for anything else. `None` when
/// it is not a `+` join of literals and expressions (then it is not a path we can read).
fn path_text(
    tokens: &[Token],
    range: std::ops::Range<usize>,
    nested: &mut Vec<usize>,
) -> Option<String> {
    let toks = &tokens[range.clone()];
    // zoom.path("template", ...): the template, its placeholders as holes.
    if zoom_call(toks, 0) == Some("path") {
        let open = range.start + 3;
        nested.push(range.start);
        let (args, _) = arguments(tokens, open);
        let first = args.first()?;
        let template = match &tokens[first.start].tok {
            Tok::Str(s) | Tok::Template(s) if first.len() == 1 => s.clone(),
            _ => return None,
        };
        return Some(placeholders_to_holes(&template));
    }
    // Split at top-level `+`.
    let mut text = String::new();
    let mut depth = 0;
    let mut piece_has_literal = false;
    let mut piece_len = 0;
    for t in toks {
        match &t.tok {
            Tok::Punct('(' | '[' | '{') => {
                depth += 1;
                piece_len += 1;
            }
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                piece_len += 1;
            }
            Tok::Punct('+') if depth == 0 => {
                if piece_len == 0 {
                    return None;
                }
                if !piece_has_literal {
                    text.push(HOLE);
                }
                piece_has_literal = false;
                piece_len = 0;
            }
            Tok::Str(s) | Tok::Template(s) if depth == 0 && piece_len == 0 => {
                text.push_str(s);
                piece_has_literal = true;
                piece_len += 1;
            }
            _ => {
                if piece_has_literal && depth == 0 {
                    // `"a".to_upper()` and the like: not a plain literal.
                    return None;
                }
                piece_len += 1;
            }
        }
    }
    if piece_len == 0 {
        return None;
    }
    if !piece_has_literal {
        text.push(HOLE);
    }
    Some(text)
}

fn placeholders_to_holes(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(&rest[..open]);
                out.push(HOLE);
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// The path segments, after dropping scheme and host, `/v2`, the query and the fragment.
/// `None` when the path starts with a run-time value.
fn segments(text: &str) -> Option<Vec<Option<String>>> {
    let mut path = text;
    for scheme in ["https://", "http://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
        }
    }
    if path.starts_with(HOLE) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim().trim_start_matches('/');
    let path = if path == "v2" {
        ""
    } else {
        path.strip_prefix("v2/").unwrap_or(path)
    };
    Some(
        path.trim_end_matches('/')
            .split('/')
            .map(|s| (!s.contains(HOLE)).then(|| s.to_string()))
            .collect(),
    )
}

/// The catalog operation for a method and segments (`None` = known only at run time). A run-time
/// segment matches only a `{placeholder}`; the most literal matches win.
fn resolve(method: &str, segs: &[Option<String>]) -> Option<&'static Endpoint> {
    Catalog::get()
        .endpoints()
        .iter()
        .filter(|e| e.method.eq_ignore_ascii_case(method))
        .filter_map(|e| {
            let template: Vec<&str> = e.path.trim_matches('/').split('/').collect();
            if template.len() != segs.len() {
                return None;
            }
            let mut score = 0;
            for (t, s) in template.iter().zip(segs) {
                let placeholder = t.starts_with('{') && t.ends_with('}');
                match s {
                    Some(lit) if placeholder && !lit.is_empty() => {}
                    Some(lit) if lit == t => score += 1,
                    None if placeholder => {}
                    _ => return None,
                }
            }
            Some((score, e))
        })
        .max_by_key(|(score, _)| *score)
        .map(|(_, e)| e)
}

fn shown(segs: &[Option<String>]) -> String {
    let parts: Vec<&str> = segs.iter().map(|s| s.as_deref().unwrap_or("{}")).collect();
    format!("/{}", parts.join("/"))
}

/// Find the Zoom calls in a script's source.
pub fn scan(src: &str) -> Scan {
    let tokens = tokenize(src);
    let mut scan = Scan::default();
    // Calls inside imported modules are not read: say so, rather than report a module-based
    // script as needing nothing.
    for pair in tokens.windows(2) {
        if let (Tok::Ident(kw), Tok::Str(module)) = (&pair[0].tok, &pair[1].tok)
            && kw == "import"
        {
            scan.unresolved.push(Unresolved {
                line: pair[0].line,
                call: format!("import \"{module}\""),
                reason: "calls inside the module are not checked; `zoomsh lib` shows its file, \
                         `zoomsh check FILE` checks it"
                    .to_string(),
            });
        }
    }
    let mut nested: Vec<usize> = Vec::new();
    for i in 0..tokens.len() {
        let Some(function) = zoom_call(&tokens, i) else {
            continue;
        };
        if nested.contains(&i) {
            continue;
        }
        let line = tokens[i].line;
        let (args, close) = arguments(&tokens, i + 3);
        let call = call_text(src, &tokens, i, close);
        let unresolved = |reason: &str| Unresolved {
            line,
            call: call.clone(),
            reason: reason.to_string(),
        };
        let (method, path_arg) = match http_method(function).flatten() {
            Some(m) => (m.to_string(), args.first().cloned()),
            None if function == "request" => {
                let method = args.first().and_then(|a| match &tokens[a.start].tok {
                    Tok::Str(m) if a.len() == 1 => Some(m.trim().to_ascii_uppercase()),
                    _ => None,
                });
                match method {
                    Some(m) => (m, args.get(1).cloned()),
                    None => {
                        scan.unresolved
                            .push(unresolved("the method is not a string literal"));
                        continue;
                    }
                }
            }
            // A path built on its own: the call that uses it decides the method.
            _ => continue,
        };
        let Some(arg) = path_arg else {
            scan.unresolved.push(unresolved("no path given"));
            continue;
        };
        if function == "get_many" {
            // An array of literal paths can be read; anything else cannot.
            let literal_paths = array_of_literals(&tokens, arg.clone());
            match literal_paths {
                Some(paths) => {
                    for p in paths {
                        add_path(&mut scan, line, &method, &p, &call);
                    }
                }
                None => scan.unresolved.push(unresolved(
                    "the paths are computed; they are known only when the script runs",
                )),
            }
            continue;
        }
        match path_text(&tokens, arg, &mut nested) {
            Some(text) => add_path(&mut scan, line, &method, &text, &call),
            None => scan
                .unresolved
                .push(unresolved("the path is not a literal")),
        }
    }
    scan
}

fn add_path(scan: &mut Scan, line: usize, method: &str, text: &str, call: &str) {
    if text == HOLE.to_string() {
        scan.unresolved.push(Unresolved {
            line,
            call: call.to_string(),
            reason: "the path is not a literal".into(),
        });
        return;
    }
    let Some(segs) = segments(text) else {
        scan.unresolved.push(Unresolved {
            line,
            call: call.to_string(),
            reason: "the path starts with a value known only at run time".into(),
        });
        return;
    };
    match resolve(method, &segs) {
        Some(endpoint) => scan.found.push(Found {
            line,
            method: method.to_string(),
            written: shown(&segs),
            endpoint,
        }),
        None => scan.unresolved.push(Unresolved {
            line,
            call: call.to_string(),
            reason: format!(
                "{method} {} is not an operation in zoomsh's catalog; check the path (`zoomsh endpoints` lists them)",
                shown(&segs)
            ),
        }),
    }
}

fn array_of_literals(tokens: &[Token], range: std::ops::Range<usize>) -> Option<Vec<String>> {
    let toks = &tokens[range];
    if toks.first()?.tok != Tok::Punct('[') || toks.last()?.tok != Tok::Punct(']') {
        return None;
    }
    let mut out = Vec::new();
    for (k, t) in toks[1..toks.len() - 1].iter().enumerate() {
        match (&t.tok, k % 2) {
            (Tok::Str(s) | Tok::Template(s), 0) => out.push(s.clone()),
            (Tok::Punct(','), 1) => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The call as written: from `zoom` to its `)`, on one line, at most 70 characters.
fn call_text(src: &str, tokens: &[Token], first: usize, close: usize) -> String {
    let start = tokens[first].start;
    let end = tokens.get(close).map(|t| t.end).unwrap_or(src.len());
    let text: String = src[start..end.max(start)]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > 70 {
        let cut: String = text.chars().take(69).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_listed_as_not_checked() {
        // Found trying zoomsh as a new user: a script whose calls live in a module passed.
        let s = scan("import \"users\" as users;\nprint(users::all().len());\n");
        assert_eq!(s.unresolved.len(), 1);
        assert_eq!(s.unresolved[0].line, 1);
        assert_eq!(s.unresolved[0].call, "import \"users\"");
    }

    fn ops(src: &str) -> Vec<(usize, String, String)> {
        scan(src)
            .found
            .iter()
            .map(|f| (f.line, f.endpoint.method.clone(), f.endpoint.path.clone()))
            .collect()
    }

    #[test]
    fn literals_templates_and_joins_resolve() {
        let src = r#"
let me = zoom.get("/users/me");
let all = zoom.get_all("/v2/users", #{ status: "active" });
zoom.patch(`/meetings/${m.id}`, #{ topic: "x" });
zoom.delete("/meetings/" + id);
zoom.request("post", "https://api.zoom.us/v2/users/me/meetings?x=1", #{});
for p in zoom.pages(zoom.path("/past_meetings/{}/participants", uuid)) {}
"#;
        assert_eq!(
            ops(src),
            vec![
                (2, "GET".into(), "/users/{userId}".into()),
                (3, "GET".into(), "/users".into()),
                (4, "PATCH".into(), "/meetings/{meetingId}".into()),
                (5, "DELETE".into(), "/meetings/{meetingId}".into()),
                (6, "POST".into(), "/users/{userId}/meetings".into()),
                (
                    7,
                    "GET".into(),
                    "/past_meetings/{meetingId}/participants".into()
                ),
            ]
        );
        assert!(
            scan(src).unresolved.is_empty(),
            "{:?}",
            scan(src).unresolved
        );
    }

    #[test]
    fn a_run_time_segment_matches_a_placeholder_not_a_literal() {
        // `/users/summary` is a literal route; `${id}` must mean `/users/{userId}`.
        assert_eq!(ops("zoom.get(`/users/${id}`)")[0].2, "/users/{userId}");
        assert_eq!(ops(r#"zoom.get("/users/summary")"#)[0].2, "/users/summary");
    }

    #[test]
    fn comments_strings_and_other_objects_are_not_calls() {
        let src = r#"
// zoom.get("/users")
/* zoom.post("/users", #{}) /* nested */ zoom.delete("/users/1") */
let s = "zoom.get(\"/users\")";
let t = other.zoom.get("/users");
"#;
        assert!(ops(src).is_empty(), "{:?}", ops(src));
    }

    #[test]
    fn what_cannot_be_read_is_listed_with_its_line() {
        let src = "let p = \"/users\";\nzoom.get(p);\nzoom.request(m, \"/users\");\nzoom.get(`${base}/users`);\nzoom.get(\"/nope/x\");\nzoom.get_many(ids.map(|i| `/meetings/${i}`));\n";
        let s = scan(src);
        let got: Vec<(usize, &str, &str)> = s
            .unresolved
            .iter()
            .map(|u| (u.line, u.call.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "zoom.get(p)", "the path is not a literal"),
                (
                    3,
                    "zoom.request(m, \"/users\")",
                    "the method is not a string literal"
                ),
                (
                    4,
                    "zoom.get(`${base}/users`)",
                    "the path starts with a value known only at run time"
                ),
                (
                    5,
                    "zoom.get(\"/nope/x\")",
                    "GET /nope/x is not an operation in zoomsh's catalog; check the path (`zoomsh endpoints` lists them)"
                ),
                (
                    6,
                    "zoom.get_many(ids.map(|i| `/meetings/${i}`))",
                    "the paths are computed; they are known only when the script runs"
                ),
            ]
        );
    }

    #[test]
    fn missing_scopes_are_those_without_any_alternative() {
        let s =
            scan("zoom.get(\"/users\");\nzoom.get(\"/users/me/meetings\");\nzoom.get(\"/users\");");
        let ops = s.operations();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].lines, vec![1, 3]);
        let granted: BTreeSet<String> = ["meeting:read:list_meetings:admin".to_string()].into();
        let m = missing(&ops, &granted);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].endpoint.path, "/users");
        assert_eq!(
            preferred_scopes(m[0].endpoint),
            vec!["user:read:list_users:admin".to_string()]
        );
    }
}
