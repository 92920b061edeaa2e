//! The line editor's helper: Tab completion, grey hints, bracket highlighting and the
//! "is this input finished?" check that makes Enter continue an unfinished input.
//!
//! What completes where:
//! - `:` at the start of the input: the REPL commands (`:load ` then file names);
//! - after `zoom.`: the `zoom` methods the engine has registered;
//! - after `NAME.` where `NAME` holds a map: its keys;
//! - at the start of a word: variables, functions, host helpers, `zoom`, `args`, keywords;
//! - inside the string after `zoom.get("` (and post, patch, put, delete, request and the other
//!   `zoom` methods): Zoom API paths from the catalog, so `/users/` offers the user operations
//!   and `/users/me/` the operations on one user.
//!
//! The completion and hint logic is pure ([`complete`], [`hint`]) over a [`Names`] snapshot
//! that the REPL refreshes after every input; the rustyline traits are thin wrappers.

use super::api::{self, KEYWORDS, Registered};
use super::input::{self, COMMANDS};
use super::render::{DIM, RESET};
use crate::catalog::{Catalog, Endpoint};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter, MatchingBracketHighlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What is defined right now, as completion needs it.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub registered: Registered,
    /// Variables in scope.
    pub vars: Vec<String>,
    /// The keys of variables that hold maps.
    pub map_keys: BTreeMap<String, Vec<String>>,
    /// Functions defined in the session.
    pub fns: Vec<String>,
}

/// Completion candidates and where in the input they replace text.
pub fn complete(text: &str, pos: usize, names: &Names) -> (usize, Vec<Pair>) {
    let before = &text[..pos];
    if input::is_command(text) {
        return complete_command(before);
    }
    if let Some(open) = input::scan(before).open_string {
        let typed = &before[open.content_start..];
        let quote_at = open.content_start - 1;
        return match call_method(&before[..quote_at]) {
            Some(method) => {
                let pairs = path_candidates(typed, method.as_deref())
                    .into_iter()
                    .map(|p| Pair {
                        display: p.clone(),
                        replacement: p,
                    })
                    .collect();
                (open.content_start, pairs)
            }
            None => (pos, Vec::new()),
        };
    }
    let word = trailing_identifier(before);
    let start = pos - word.len();
    let pairs = match receiver(&before[..start]) {
        Some(Receiver::Dot("zoom")) => names
            .registered
            .zoom_methods
            .iter()
            .filter(|m| m.starts_with(word))
            .map(|m| call_pair(m, m, true))
            .collect(),
        Some(Receiver::Dot(object)) if names.registered.object_methods.contains_key(object) => {
            names.registered.object_methods[object]
                .iter()
                .filter(|m| m.starts_with(word))
                .map(|m| call_pair(&format!("{object}.{m}"), m, false))
                .collect()
        }
        Some(Receiver::Dot(var)) => names
            .map_keys
            .get(var)
            .into_iter()
            .flatten()
            .filter(|k| k.starts_with(word))
            .map(|k| plain(k))
            .collect(),
        Some(Receiver::Module(module)) => names
            .registered
            .module_fns
            .iter()
            .filter_map(|f| {
                let (m, name) = f.split_once("::")?;
                (m == module && name.starts_with(word)).then(|| call_pair(f, name, false))
            })
            .collect(),
        None if word.is_empty() => Vec::new(),
        None => {
            let modules: Vec<String> = names
                .registered
                .module_fns
                .iter()
                .filter_map(|f| f.split_once("::").map(|(m, _)| format!("{m}::")))
                .collect();
            let mut all: Vec<&str> = Vec::new();
            all.extend(names.vars.iter().map(String::as_str));
            all.extend(names.fns.iter().map(String::as_str));
            all.extend(names.registered.helpers.iter().map(String::as_str));
            all.extend(modules.iter().map(String::as_str));
            all.extend(names.registered.object_methods.keys().map(String::as_str));
            all.extend(["zoom", "args", "simulator"]);
            all.extend(KEYWORDS);
            all.retain(|n| n.starts_with(word));
            all.sort_unstable();
            all.dedup();
            all.into_iter().map(plain).collect()
        }
    };
    (start, pairs)
}

/// A function candidate: shown with its arguments, inserted with its opening bracket.
/// `full` is the name the description is filed under (`get`, `date::now`), `name` the part typed.
fn call_pair(full: &str, name: &str, on_zoom: bool) -> Pair {
    Pair {
        display: match api::describe(full, on_zoom) {
            Some(item) => format!("{name}{}", item.args),
            None => name.to_string(),
        },
        replacement: format!("{name}("),
    }
}

fn plain(s: &str) -> Pair {
    Pair {
        display: s.to_string(),
        replacement: s.to_string(),
    }
}

fn complete_command(before: &str) -> (usize, Vec<Pair>) {
    let lead = before.len() - before.trim_start().len();
    let typed = &before[lead..];
    match typed.split_once(' ') {
        None => {
            let pairs = COMMANDS
                .iter()
                .filter(|c| c.name.starts_with(typed))
                .map(|c| Pair {
                    display: c.name.to_string(),
                    replacement: if c.args.is_empty() {
                        c.name.to_string()
                    } else {
                        format!("{} ", c.name)
                    },
                })
                .collect();
            (lead, pairs)
        }
        Some((name, arg)) => {
            let choices: &[&str] = match name {
                ":help" => &["zoom"],
                ":auth" => &["scopes"],
                ":dry-run" => &["on", "off"],
                _ => &[],
            };
            let arg = arg.trim_start();
            let start = before.len() - arg.len();
            let pairs = choices
                .iter()
                .filter(|c| c.starts_with(arg))
                .map(|c| plain(c))
                .collect();
            (start, pairs)
        }
    }
}

/// The identifier that ends `text` (empty if none).
fn trailing_identifier(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// What a word being typed is attached to.
#[derive(Debug, PartialEq, Eq)]
enum Receiver<'a> {
    /// `NAME.word`: a method or a map key.
    Dot(&'a str),
    /// `NAME::word`: a function of a module.
    Module(&'a str),
}

/// For `text` ending in `NAME.` or `NAME::`, what the next word belongs to.
fn receiver(text: &str) -> Option<Receiver<'_>> {
    if let Some(before) = text.strip_suffix("::") {
        let name = trailing_identifier(before);
        return (!name.is_empty()).then_some(Receiver::Module(name));
    }
    let before_dot = text.strip_suffix('.')?;
    let name = trailing_identifier(before_dot);
    (!name.is_empty()).then_some(Receiver::Dot(name))
}

/// Is the text before a string's opening quote a `zoom` call taking a path there? Returns the
/// HTTP method the path is for (`None`: any method).
fn call_method(before_quote: &str) -> Option<Option<String>> {
    let s = before_quote.trim_end();
    if let Some(s) = s.strip_suffix('(') {
        let (name, ok) = zoom_method_before(s);
        if !ok {
            return None;
        }
        return match name {
            "get" | "post" | "patch" | "put" | "delete" => Some(Some(name.to_ascii_uppercase())),
            // The first argument of `request` is the method, not a path.
            "request" => None,
            _ => Some(None),
        };
    }
    // zoom.request("GET", "<path>
    let s = s.strip_suffix(',')?.trim_end().strip_suffix('"')?;
    let open = s.rfind('"')?;
    let method = &s[open + 1..];
    let s = s[..open].trim_end().strip_suffix('(')?;
    match zoom_method_before(s) {
        ("request", true) => Some(Some(method.to_ascii_uppercase())).filter(|m| {
            m.as_ref()
                .is_some_and(|m| m.chars().all(|c| c.is_ascii_alphabetic()))
        }),
        _ => None,
    }
}

/// For text ending in `zoom.NAME`, (`NAME`, true).
fn zoom_method_before(s: &str) -> (&str, bool) {
    let s = s.trim_end();
    let name = trailing_identifier(s);
    let rest = s[..s.len() - name.len()].trim_end();
    let ok = !name.is_empty()
        && rest
            .strip_suffix('.')
            .is_some_and(|r| trailing_identifier(r.trim_end()) == "zoom");
    (name, ok)
}

/// Catalog paths that continue what was typed. Segments already typed keep the user's values
/// (`/users/me/` offers `/users/me/meetings`); the segment being typed matches literal segments
/// by prefix, and placeholders like `{userId}` only when nothing of it is typed yet.
pub fn path_candidates(typed: &str, method: Option<&str>) -> Vec<String> {
    if typed.contains(['?', '#']) {
        return Vec::new();
    }
    let (lead, rest) = match typed.strip_prefix("/v2") {
        Some(r) if r.starts_with('/') => ("/v2", r),
        _ => ("", typed),
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let segments: Vec<&str> = rest.split('/').collect();
    let (last, done) = segments
        .split_last()
        .expect("split yields at least one item");
    let mut out: Vec<String> = Catalog::get()
        .endpoints()
        .iter()
        .filter(|e| method.is_none_or(|m| e.method.eq_ignore_ascii_case(m)))
        .filter_map(|e| {
            let template: Vec<&str> = e.path.trim_start_matches('/').split('/').collect();
            if template.len() < segments.len() {
                return None;
            }
            for (t, s) in template.iter().zip(done) {
                if !(is_placeholder(t) || t == s) {
                    return None;
                }
            }
            let t = template[done.len()];
            let fits = if last.is_empty() {
                true
            } else {
                !is_placeholder(t) && t.starts_with(last)
            };
            if !fits {
                return None;
            }
            let mut path = String::from(lead);
            for s in done.iter().chain(template[done.len()..].iter()) {
                path.push('/');
                path.push_str(s);
            }
            Some(path)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The endpoint a concrete path (as typed) goes to, for the hint's summary.
fn endpoint_for(path: &str, method: Option<&str>) -> Option<&'static Endpoint> {
    let catalog = Catalog::get();
    match method {
        Some(m) => catalog.find(m, path),
        None => ["GET", "POST", "PATCH", "PUT", "DELETE"]
            .iter()
            .find_map(|m| catalog.find(m, path)),
    }
}

/// A hint shown in grey after the cursor; Right arrow accepts `completion` when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplHint {
    pub display: String,
    pub completion: Option<String>,
}

impl Hint for ReplHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

/// The hint for the input so far (the cursor at its end).
pub fn hint(text: &str, names: &Names) -> Option<ReplHint> {
    if input::is_command(text) {
        return command_hint(text);
    }
    if let Some(open) = input::scan(text).open_string {
        let typed = &text[open.content_start..];
        let method = call_method(&text[..open.content_start - 1])?;
        return path_hint(typed, method.as_deref());
    }
    let word = trailing_identifier(text);
    if word.is_empty() {
        return None;
    }
    // `zoom.NAME` and `module::NAME` get their arguments and description once one fits.
    let (full_names, on_zoom): (Vec<(&str, &str)>, bool) =
        match receiver(&text[..text.len() - word.len()])? {
            Receiver::Dot("zoom") => (
                names
                    .registered
                    .zoom_methods
                    .iter()
                    .map(|m| (m.as_str(), m.as_str()))
                    .collect(),
                true,
            ),
            Receiver::Module(module) => (
                names
                    .registered
                    .module_fns
                    .iter()
                    .filter_map(|f| {
                        let (m, name) = f.split_once("::")?;
                        (m == module).then_some((f.as_str(), name))
                    })
                    .collect(),
                false,
            ),
            Receiver::Dot(_) => return None,
        };
    let mut matches = full_names.iter().filter(|(_, n)| n.starts_with(word));
    let (full, only) = matches.next()?;
    if matches.next().is_some() {
        return None;
    }
    let item = api::describe(full, on_zoom);
    let suffix = &only[word.len()..];
    let args = item.map_or("(...)", |i| i.args);
    let about = item.map_or(String::new(), |i| format!("  {}", i.about));
    Some(ReplHint {
        display: format!("{suffix}{args}{about}"),
        completion: Some(format!("{suffix}(")),
    })
}

fn command_hint(text: &str) -> Option<ReplHint> {
    let typed = text.trim_start();
    if typed.contains(' ') || typed.len() < 2 {
        return None;
    }
    let mut matches = COMMANDS.iter().filter(|c| c.name.starts_with(typed));
    let only = matches.next()?;
    if matches.next().is_some() && only.name != typed {
        return None;
    }
    let suffix = &only.name[typed.len()..];
    let args = if only.args.is_empty() {
        String::new()
    } else {
        format!(" {}", only.args)
    };
    Some(ReplHint {
        display: format!("{suffix}{args}  {}", only.about),
        completion: (!suffix.is_empty()).then(|| suffix.to_string()),
    })
}

fn path_hint(typed: &str, method: Option<&str>) -> Option<ReplHint> {
    let candidates = path_candidates(typed, method);
    let about = |path: &str| {
        endpoint_for(path, method)
            .map(|e| format!("  {} · {}", e.summary, e.category().name()))
            .unwrap_or_default()
    };
    match candidates.as_slice() {
        [only] => {
            let suffix = only.strip_prefix(typed)?;
            Some(ReplHint {
                display: format!("{suffix}{}", about(only)),
                completion: (!suffix.is_empty()).then(|| suffix.to_string()),
            })
        }
        [first, rest @ ..] if !rest.is_empty() => {
            let common = rest.iter().fold(first.as_str(), |acc, c| {
                let n = acc
                    .char_indices()
                    .zip(c.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map_or(0, |((i, a), _)| i + a.len_utf8());
                &acc[..n]
            });
            let suffix = common.strip_prefix(typed).filter(|s| !s.is_empty());
            match suffix {
                Some(s) => Some(ReplHint {
                    display: s.to_string(),
                    completion: Some(s.to_string()),
                }),
                None => {
                    // Typed a whole path that is also the start of longer ones.
                    let here = about(typed);
                    (!here.is_empty() && candidates.iter().any(|c| c == typed)).then_some(
                        ReplHint {
                            display: here,
                            completion: None,
                        },
                    )
                }
            }
        }
        _ => None,
    }
}

/// The rustyline helper: completion, hints, highlighting and validation over shared [`Names`].
pub struct ReplHelper {
    names: Arc<Mutex<Names>>,
    color: bool,
    brackets: MatchingBracketHighlighter,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(names: Arc<Mutex<Names>>, color: bool) -> ReplHelper {
        ReplHelper {
            names,
            color,
            brackets: MatchingBracketHighlighter::new(),
            files: FilenameCompleter::new(),
        }
    }

    fn names(&self) -> std::sync::MutexGuard<'_, Names> {
        self.names.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if line[..pos].trim_start().starts_with(":load ") {
            return self.files.complete(line, pos, ctx);
        }
        Ok(complete(line, pos, &self.names()))
    }
}

impl Hinter for ReplHelper {
    type Hint = ReplHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ReplHint> {
        if pos < line.len() {
            return None;
        }
        hint(line, &self.names())
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if self.color {
            self.brackets.highlight(line, pos)
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("{DIM}{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        self.color && self.brackets.highlight_char(line, pos, kind)
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let text = ctx.input();
        if !input::is_command(text) && input::is_incomplete(text) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            registered: Registered {
                zoom_methods: ["delete", "get", "patch", "post", "put", "request"]
                    .map(String::from)
                    .to_vec(),
                helpers: vec!["sleep".into()],
                object_methods: BTreeMap::from([("http".to_string(), vec!["post".to_string()])]),
                module_fns: vec![
                    "date::add".into(),
                    "date::add_days".into(),
                    "date::now".into(),
                ],
            },
            vars: vec!["me".into(), "meetings".into()],
            map_keys: BTreeMap::from([(
                "me".to_string(),
                vec!["email".to_string(), "id".to_string()],
            )]),
            fns: vec!["double".into()],
        }
    }

    fn replacements(text: &str) -> (usize, Vec<String>) {
        let (start, pairs) = complete(text, text.len(), &names());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn zoom_dot_offers_the_methods() {
        assert_eq!(
            replacements("let x = zoom."),
            (
                13,
                ["delete(", "get(", "patch(", "post(", "put(", "request("]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(
            replacements("zoom.p"),
            (5, ["patch(", "post(", "put("].map(String::from).to_vec())
        );
        let (_, pairs) = complete("zoom.re", 7, &names());
        assert_eq!(pairs[0].display, "request(method, path, #{query, body}?)");
    }

    #[test]
    fn word_starts_offer_variables_functions_helpers_and_keywords() {
        assert_eq!(
            replacements("me"),
            (0, vec!["me".to_string(), "meetings".to_string()])
        );
        assert_eq!(replacements("print(dou").1, vec!["double".to_string()]);
        assert_eq!(replacements("sl").1, vec!["sleep".to_string()]);
        assert_eq!(replacements("zo").1, vec!["zoom".to_string()]);
        assert_eq!(replacements("da").1, vec!["date::".to_string()]);
        assert_eq!(replacements("whi").1, vec!["while".to_string()]);
        assert_eq!(replacements("x + ").1, Vec::<String>::new());
    }

    #[test]
    fn module_functions_complete_after_their_module() {
        assert_eq!(
            replacements("date::a"),
            (6, vec!["add(".to_string(), "add_days(".to_string()])
        );
        assert_eq!(
            hint("date::no", &names()),
            Some(ReplHint {
                display: "w(tz?)  the current UTC time, or the wall-clock time in tz".into(),
                completion: Some("w(".into())
            })
        );
    }

    #[test]
    fn other_objects_offer_their_methods() {
        let (_, pairs) = complete("http.p", 6, &names());
        assert_eq!(pairs[0].replacement, "post(");
        assert_eq!(pairs[0].display, "post(url, body)");
        assert_eq!(replacements("ht").1, vec!["http".to_string()]);
    }

    #[test]
    fn map_variables_offer_their_keys() {
        assert_eq!(replacements("me.e"), (3, vec!["email".to_string()]));
        assert_eq!(replacements("nothing.e").1, Vec::<String>::new());
    }

    #[test]
    fn users_slash_offers_the_user_operations() {
        let (start, paths) = replacements("zoom.get(\"/users/");
        assert_eq!(start, 10);
        for p in [
            "/users/email",
            "/users/summary",
            "/users/{userId}",
            "/users/{userId}/meetings",
            "/users/{userId}/settings",
        ] {
            assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
        }
        assert!(paths.iter().all(|p| p.starts_with("/users/")), "{paths:?}");
        // Only GET operations after zoom.get: POST /users/{userId}/meetings is there, but no
        // POST-only path is.
        assert!(!paths.iter().any(|p| p == "/users/{userId}/status"));
    }

    #[test]
    fn typed_ids_are_kept_and_the_rest_completes() {
        assert_eq!(
            replacements("zoom.get(\"/users/me/meet").1,
            vec![
                "/users/me/meeting_templates",
                "/users/me/meeting_templates/{meetingTemplateId}",
                "/users/me/meetings"
            ]
        );
        assert_eq!(
            replacements("zoom.put(\"/users/me/sta").1,
            vec!["/users/me/status"]
        );
        assert_eq!(
            replacements("zoom.request(\"put\", \"/users/me/sta").1,
            vec!["/users/me/status"]
        );
        assert_eq!(
            replacements("zoom.get(\"/v2/users/su").1,
            vec!["/v2/users/summary"]
        );
        assert_eq!(
            replacements("zoom.get(`/users/${id}/pa`").1,
            Vec::<String>::new(),
            "a closed string completes nothing"
        );
    }

    #[test]
    fn strings_outside_zoom_calls_complete_nothing() {
        assert_eq!(replacements("print(\"/users/").1, Vec::<String>::new());
        assert_eq!(replacements("zoom.request(\"G").1, Vec::<String>::new());
    }

    #[test]
    fn commands_complete_after_a_colon() {
        assert_eq!(replacements(":e"), (0, vec![":endpoints ".to_string()]));
        assert_eq!(replacements(":help z"), (6, vec!["zoom".to_string()]));
        assert_eq!(
            replacements(":dry-run o").1,
            vec!["on".to_string(), "off".to_string()]
        );
    }

    #[test]
    fn hints_finish_methods_paths_and_commands() {
        let n = names();
        assert_eq!(
            hint("zoom.req", &n),
            Some(ReplHint {
                display: "uest(method, path, #{query, body}?)  any call; returns #{status, headers, body} and never throws on an HTTP status".into(),
                completion: Some("uest(".into())
            })
        );
        assert_eq!(hint("zoom.p", &n), None, "ambiguous");
        assert_eq!(
            hint("zoom.get(\"/users/su", &n),
            Some(ReplHint {
                display: "mmary  Get user summary · Medium".into(),
                completion: Some("mmary".into())
            })
        );
        assert_eq!(
            hint("zoom.get(\"/users/me/meetings", &n),
            Some(ReplHint {
                display: "  List meetings · Medium".into(),
                completion: None
            })
        );
        assert_eq!(
            hint(":end", &n),
            Some(ReplHint {
                display: "points [WORDS]  search the Zoom API catalog: method, path, summary, scopes, rate limit".into(),
                completion: Some("points".into())
            })
        );
    }
}
