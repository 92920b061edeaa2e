//! The `:commands`: help, loading a file, what is defined, the endpoint catalog, the token's
//! facts, and `:all`. Each one returns its text as an [`Outcome`]; none prints.

use super::api::{DESCRIBED, describe};
use super::input::{COMMANDS, Command};
use super::render::{self, BOLD, DIM, paint};
use super::shell::{Outcome, Shell};
use crate::catalog::Catalog;
use crate::zoom::Token;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

impl Shell {
    pub(super) fn run_command(&mut self, command: Command) -> Outcome {
        match command {
            Command::Help(None) => Outcome::Print(help(self.color)),
            Command::Help(Some(topic)) if topic == "zoom" => Outcome::Print(self.zoom_help()),
            Command::Help(Some(topic)) => {
                Outcome::Error(format!("no help on {topic:?}; try :help or :help zoom"))
            }
            Command::Load(file) => {
                let path = expand_home(&file);
                self.cancel.reset();
                let result = self.host.run_file(&path);
                self.outcome_of(result)
            }
            Command::Vars => Outcome::Print(self.vars()),
            Command::Fns => Outcome::Print(self.fns()),
            Command::Endpoints(words) => endpoints(&words),
            Command::Auth { all_scopes } => self.auth(all_scopes),
            Command::DryRun(switch) => Outcome::Print(self.dry_run(switch)),
            Command::All => match &self.last {
                Some(value) => {
                    Outcome::Print(render::render(value, self.style().full()).unwrap_or_default())
                }
                None => Outcome::Error("no value to show yet; :all shows the last one".into()),
            },
            Command::Quit => Outcome::Quit,
        }
    }

    /// `:dry-run on|off`: the client's switch. Turning it off reports what was held back.
    fn dry_run(&self, switch: Option<bool>) -> String {
        let was = self.client.is_dry_run();
        let on = switch.unwrap_or(was);
        self.client.set_dry_run(on);
        match (was, on) {
            (_, true) => "dry-run on: GET calls go to Zoom; POST, PATCH, PUT and DELETE are shown \
                          on stderr, answered with a made-up success, and not sent"
                .into(),
            (true, false) => format!(
                "dry-run off: calls are sent again (while on: {})",
                self.client.dry_run_summary()
            ),
            (false, false) => "dry-run off: calls are sent".into(),
        }
    }

    fn zoom_help(&self) -> String {
        let c = self.color;
        let mut out = String::new();
        let _ = writeln!(out, "{}", paint(c, BOLD, "zoom methods"));
        let width = DESCRIBED
            .iter()
            .map(|i| i.name.len() + i.args.len() + if i.on_zoom { 5 } else { 0 })
            .max()
            .unwrap_or(0);
        let line = |out: &mut String, call: String, about: &str| {
            let _ = writeln!(out, "  {call:<width$}  {}", paint(c, DIM, about));
        };
        for item in DESCRIBED.iter().filter(|i| i.on_zoom) {
            line(
                &mut out,
                format!("zoom.{}{}", item.name, item.args),
                item.about,
            );
        }
        let undocumented = |name: &&String| describe(name, true).is_none();
        for name in self.registered.zoom_methods.iter().filter(undocumented) {
            line(&mut out, format!("zoom.{name}(...)"), "");
        }
        let _ = writeln!(out, "\n{}", paint(c, BOLD, "beside zoom"));
        for item in DESCRIBED.iter().filter(|i| !i.on_zoom) {
            line(&mut out, format!("{}{}", item.name, item.args), item.about);
        }
        for name in self
            .registered
            .helpers
            .iter()
            .filter(|n| describe(n, false).is_none())
        {
            line(&mut out, format!("{name}(...)"), "");
        }
        let _ = write!(
            out,
            "\nPaths: /users/me, /v2/users/me and https://api.zoom.us/v2/users/me are the same call.\n\
             Integers stay 64-bit, null is (), and a failed call throws a map try/catch can read."
        );
        out
    }

    fn vars(&self) -> String {
        // A name defined twice (`let x` again) shows once, with its latest value.
        let mut seen = std::collections::BTreeMap::new();
        for (name, constant, value) in self.host.scope().iter() {
            seen.insert(name.to_string(), (constant, render::summary(&value)));
        }
        if seen.is_empty() {
            return "no variables yet; `let x = ...` makes one".into();
        }
        let width = seen.keys().map(String::len).max().unwrap_or(0);
        let lines: Vec<String> = seen
            .iter()
            .map(|(name, (constant, summary))| {
                let kind = if *constant { " (const)" } else { "" };
                format!("{name:<width$}  {summary}{kind}")
            })
            .collect();
        lines.join("\n")
    }

    fn fns(&self) -> String {
        let mut lines: Vec<String> = self
            .host
            .functions()
            .iter_functions()
            .map(|f| format!("fn {}({})", f.name, f.params.join(", ")))
            .collect();
        if lines.is_empty() {
            return "no functions yet; `fn name(x) { ... }` defines one".into();
        }
        lines.sort();
        lines.join("\n")
    }

    fn auth(&self, all_scopes: bool) -> Outcome {
        self.cancel.reset();
        let client = self.client.clone();
        let cancel = self.cancel.clone();
        let token = self.runtime.block_on(async move {
            tokio::select! {
                token = client.token() => Some(token),
                _ = cancel.cancelled() => None,
            }
        });
        let token = match token {
            None => return Outcome::Interrupted,
            Some(Err(e)) => return Outcome::Error(e.to_string()),
            Some(Ok(t)) => t,
        };
        Outcome::Print(auth_text(
            self.client.account_id().unwrap_or("(not set)"),
            &origin(self.client.token_url()),
            &origin(&self.client.api_base(&token)),
            &token,
            self.client.tokens_minted(),
            all_scopes,
        ))
    }
}

const HELP_INTRO: &str = "\
Type Rhai and press Enter; variables and functions stay for later inputs. An open bracket or a
trailing \\ continues the input on the next line. Try: zoom.get(\"/users/me\")";

const HELP_KEYS: &str = "\
Tab completes zoom methods, variables and API paths inside zoom.get(\"...\") and its siblings;
Right arrow takes a grey hint. Ctrl-C stops a running call or script, or clears the line at the
prompt; Ctrl-D leaves. Up and Ctrl-R search the history, which is kept between sessions.";

fn help(color: bool) -> String {
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.args.len())
        .max()
        .unwrap_or(0);
    let mut out = format!("{HELP_INTRO}\n\n");
    for c in COMMANDS {
        let call = if c.args.is_empty() {
            c.name.to_string()
        } else {
            format!("{} {}", c.name, c.args)
        };
        let _ = writeln!(
            out,
            "  {}  {}",
            paint(color, BOLD, &format!("{call:<width$}")),
            c.about
        );
    }
    out.push('\n');
    out.push_str(HELP_KEYS);
    out
}

/// `:endpoints WORDS`: catalog operations whose method, path, summary, tags or scopes contain
/// every word, in the same table as `zoomsh endpoints`.
fn endpoints(words: &[String]) -> Outcome {
    let found = Catalog::get().search(words);
    if found.is_empty() {
        return Outcome::Error(format!(
            "no endpoint matches {:?}; try fewer or shorter words, e.g. :endpoints meetings",
            words.join(" ")
        ));
    }
    let n = found.len();
    let table = crate::commands::endpoints::table(&found);
    let noun = if n == 1 { "endpoint" } else { "endpoints" };
    Outcome::Print(format!("{}\n{n} {noun}", table.trim_end()))
}

/// More scopes than this are summarised by resource unless `:auth scopes` asks for all.
const SCOPES_SHOWN: usize = 30;

fn auth_text(
    account: &str,
    oauth: &str,
    api: &str,
    token: &Token,
    minted: u64,
    all_scopes: bool,
) -> String {
    let left = token.expires_at.saturating_duration_since(Instant::now());
    let at = jiff::Timestamp::try_from(token.expires_at_wall)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_else(|_| "an unknown time".into());
    let mut scopes: Vec<&str> = token.scope.split_whitespace().collect();
    scopes.sort_unstable();
    let mut out = String::new();
    let _ = writeln!(out, "account     {account}");
    let _ = writeln!(out, "oauth host  {oauth}");
    let _ = writeln!(out, "api host    {api}");
    let _ = writeln!(
        out,
        "token       expires in {} (at {at}); {minted} minted this session",
        duration(left)
    );
    let _ = write!(out, "scopes      {}", scopes.len());
    if scopes.len() <= SCOPES_SHOWN || all_scopes {
        out.push_str(&wrap(&scopes, 12, 100));
    } else {
        // Hundreds of granular scopes say little one by one: count them by resource.
        let mut by_resource: std::collections::BTreeMap<&str, usize> = Default::default();
        for s in &scopes {
            *by_resource
                .entry(s.split(':').next().unwrap_or(s))
                .or_default() += 1;
        }
        let last = by_resource.len().saturating_sub(1);
        let groups: Vec<String> = by_resource
            .iter()
            .enumerate()
            .map(|(i, (resource, n))| {
                let sep = if i < last { "," } else { "" };
                format!("{resource} ({n}){sep}")
            })
            .collect();
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        out.push_str(&wrap(&groups, 12, 100));
        out.push_str("\n            :auth scopes lists them all");
    }
    out
}

/// `items` after a colon, wrapped at `width` columns with continuation lines indented.
fn wrap(items: &[&str], indent: usize, width: usize) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut out = String::from(":");
    let mut col = indent + 4;
    for (i, item) in items.iter().enumerate() {
        if col + item.len() + 1 > width && i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else {
            out.push(' ');
            col += 1;
        }
        out.push_str(item);
        col += item.len();
    }
    out
}

fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

fn origin(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

/// `~/x` is the home directory's `x`, as in a shell.
fn expand_home(file: &str) -> PathBuf {
    match file.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|d| d.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(file)),
        None => PathBuf::from(file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::shell::ShellOptions;
    use crate::session::Session;
    use crate::sim::SimArgs;

    fn shell(session: &Session) -> Shell {
        Shell::new(session, ShellOptions::default())
    }

    fn session() -> Session {
        Session::with_simulator(&SimArgs::default(), &Default::default()).unwrap()
    }

    fn printed(outcome: Outcome) -> String {
        match outcome {
            Outcome::Print(text) => text,
            other => panic!("expected output, got {other:?}"),
        }
    }

    #[test]
    fn vars_and_fns_list_what_is_defined() {
        let session = session();
        let mut sh = shell(&session);
        assert_eq!(
            printed(sh.handle(":vars")),
            "no variables yet; `let x = ...` makes one"
        );
        sh.handle("let name = \"Ada\"; let n = 1; let n = 2; const M = #{a: 1};");
        sh.handle("fn add(a, b) { a + b }\nfn one() { 1 }");
        assert_eq!(
            printed(sh.handle(":vars")),
            "M     map (1 key) (const)\nn     i64 = 2\nname  string = \"Ada\""
        );
        assert_eq!(printed(sh.handle(":fns")), "fn add(a, b)\nfn one()");
    }

    #[test]
    fn endpoints_search_the_catalog() {
        let session = session();
        let mut sh = shell(&session);
        let text = printed(sh.handle(":endpoints user summary"));
        assert_eq!(
            text,
            "METHOD  PATH            SUMMARY           RATE LIMIT  SCOPES\n\
             GET     /users/summary  Get user summary  Medium      user:read:admin\n\
             1 endpoint"
        );
        assert_eq!(
            sh.handle(":endpoints nothing-like-this"),
            Outcome::Error(
                "no endpoint matches \"nothing-like-this\"; try fewer or shorter words, e.g. \
                 :endpoints meetings"
                    .into()
            )
        );
    }

    #[test]
    fn auth_shows_the_account_and_expiry_but_never_the_token() {
        let session = session();
        let mut sh = shell(&session);
        let text = printed(sh.handle(":auth"));
        let token = session
            .runtime()
            .block_on(session.client().token())
            .unwrap();
        assert!(!text.contains(token.access_token.expose()), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "account     ACC1demo");
        let url = session.simulator().unwrap().base_url();
        assert_eq!(lines[1], format!("oauth host  {url}"));
        assert_eq!(lines[2], format!("api host    {url}"));
        assert!(
            lines[3].starts_with("token       expires in 59m 5")
                && lines[3].ends_with("; 1 minted this session"),
            "{text}"
        );
        // The simulator grants every scope in the catalog: too many to list by default.
        assert!(lines[4].starts_with("scopes      "), "{text}");
        assert!(text.contains(" meeting ("), "{text}");
        assert_eq!(
            lines.last().unwrap(),
            &"            :auth scopes lists them all"
        );
        let all = printed(sh.handle(":auth scopes"));
        assert!(all.contains(" meeting:read:admin "), "{all}");
    }

    #[test]
    fn dry_run_holds_writes_back_until_turned_off() {
        let session = session();
        let mut sh = shell(&session);
        assert_eq!(
            printed(sh.handle(":dry-run")),
            "dry-run off: calls are sent"
        );
        assert!(printed(sh.handle(":dry-run on")).starts_with("dry-run on: GET calls go to Zoom"));
        let made =
            printed(sh.handle(
                "let m = zoom.post(\"/users/me/meetings\", #{ topic: \"Never\" }); m.dry_run",
            ));
        assert_eq!(made, "true");
        assert_eq!(
            printed(sh.handle(":dry-run off")),
            "dry-run off: calls are sent again (while on: would POST 1; nothing was changed)"
        );
        // Nothing reached the simulator.
        let topics =
            printed(sh.handle(
                "zoom.get_all(\"/users/me/meetings\").filter(|x| x.topic == \"Never\").len()",
            ));
        assert_eq!(topics, "0");
    }

    #[test]
    fn all_shows_the_last_value_in_full() {
        let session = session();
        let mut sh = shell(&session);
        assert_eq!(
            sh.handle(":all"),
            Outcome::Error("no value to show yet; :all shows the last one".into())
        );
        let short = printed(sh.handle("let a = []; for i in 1..=30 { a.push(i) } a"));
        assert!(
            short.ends_with("  … 20 more (30 items; :all shows them all)\n]"),
            "{short}"
        );
        let full = printed(sh.handle(":all"));
        assert_eq!(full.lines().count(), 32);
        assert!(full.ends_with("  30\n]"), "{full}");
    }

    #[test]
    fn load_runs_a_file_in_the_session() {
        let session = session();
        let mut sh = shell(&session);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lib.rhai");
        std::fs::write(&file, "fn triple(x) { x * 3 }\nlet loaded = true;\n").unwrap();
        assert_eq!(
            sh.handle(&format!(":load {}", file.display())),
            Outcome::Nothing
        );
        assert_eq!(printed(sh.handle("if loaded { triple(14) }")), "42");
        let missing = sh.handle(":load nowhere.rhai");
        assert!(
            matches!(&missing, Outcome::Error(m) if m.starts_with("cannot read script nowhere.rhai")),
            "{missing:?}"
        );
    }

    #[test]
    fn help_lists_every_command_and_the_zoom_api() {
        let session = session();
        let mut sh = shell(&session);
        let text = printed(sh.handle(":help"));
        for c in COMMANDS {
            assert!(text.contains(c.name), "{} in {text}", c.name);
        }
        let zoom = printed(sh.handle(":help zoom"));
        assert!(
            zoom.contains("  zoom.get(path, query?)  ")
                && zoom.contains("GET; returns the JSON body as maps and arrays"),
            "{zoom}"
        );
        assert!(zoom.contains("  sleep(seconds)  "), "{zoom}");
    }
}
