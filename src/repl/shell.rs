//! The REPL's core: one finished input in, one [`Outcome`] out.
//!
//! A [`Shell`] owns the script host (whose scope and functions persist between inputs), the
//! last value shown, and the handles `:auth` needs. It never touches the terminal: the loop in
//! `repl/mod.rs` reads input and prints outcomes, so everything here can be tested directly.

use super::api::Registered;
use super::complete::Names;
use super::input;
use super::render::{self, Style};
use crate::cancel::Cancel;
use crate::error::Error;
use crate::script::bindings::Confirm;
use crate::script::{HostOptions, ScriptHost};
use crate::session::Session;
use crate::zoom::ZoomClient;
use rhai::Dynamic;
use std::sync::Arc;

/// What the REPL should do after an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to show (a `let`, a `print` that already printed).
    Nothing,
    /// Show this on standard output.
    Print(String),
    /// Show this as an error on standard error; the session goes on.
    Error(String),
    /// The input was stopped with Ctrl-C.
    Interrupted,
    /// Leave the REPL.
    Quit,
}

/// How a shell is set up.
#[derive(Clone, Default)]
pub struct ShellOptions {
    /// Colour values (the REPL turns it on for a terminal without `NO_COLOR`).
    pub color: bool,
    /// Asked before each DELETE; `None` sends without asking (`--yes`).
    pub confirm: Option<Confirm>,
    /// Folders of modules for `import` (`--lib`).
    pub lib_dirs: Vec<std::path::PathBuf>,
}

pub struct Shell {
    pub(super) host: ScriptHost,
    pub(super) client: Arc<ZoomClient>,
    pub(super) runtime: tokio::runtime::Handle,
    pub(super) cancel: Cancel,
    pub(super) registered: Registered,
    pub(super) last: Option<Dynamic>,
    pub(super) color: bool,
}

impl Shell {
    /// A shell whose `zoom` calls go through `session`. Like the script host, it must live on a
    /// thread that is not one of the session runtime's workers.
    pub fn new(session: &Session, options: ShellOptions) -> Shell {
        let host = session.host(HostOptions {
            confirm: options.confirm,
            lib_dirs: options.lib_dirs,
            ..HostOptions::default()
        });
        let registered = Registered::from_engine(host.engine());
        Shell {
            host,
            client: session.client().clone(),
            runtime: session.runtime().handle().clone(),
            cancel: session.cancel().clone(),
            registered,
            last: None,
            color: options.color,
        }
    }

    pub(super) fn style(&self) -> Style {
        Style {
            color: self.color,
            ..Style::PLAIN
        }
    }

    /// Run one finished input: a `:command` or code.
    pub fn handle(&mut self, text: &str) -> Outcome {
        if text.trim().is_empty() {
            return Outcome::Nothing;
        }
        if input::is_command(text) {
            return match input::parse_command(text) {
                Ok(command) => self.run_command(command),
                Err(message) => Outcome::Error(message),
            };
        }
        let code = input::code_to_run(text);
        self.cancel.reset();
        let result = self.host.run_source(&code, "<repl>");
        self.outcome_of(result)
    }

    /// Turn a script's result into what to show, remembering a value for `:all`.
    pub(super) fn outcome_of(&mut self, result: Result<Dynamic, Error>) -> Outcome {
        match result {
            Ok(value) => match render::render(&value, self.style()) {
                Some(text) => {
                    self.last = Some(value);
                    Outcome::Print(text)
                }
                None => Outcome::Nothing,
            },
            // report.rs gives an interrupted script exit code 130, as shells do for SIGINT.
            Err(Error::Script { code: 130, .. }) => Outcome::Interrupted,
            Err(e) => Outcome::Error(e.to_string()),
        }
    }

    /// What completion needs to know about the session right now.
    pub fn names(&self) -> Names {
        let mut vars = Vec::new();
        let mut map_keys = std::collections::BTreeMap::new();
        for (name, _, value) in self.host.scope().iter() {
            if let Some(map) = value.read_lock::<rhai::Map>() {
                map_keys.insert(
                    name.to_string(),
                    map.keys().map(|k| k.to_string()).collect(),
                );
            }
            vars.push(name.to_string());
        }
        vars.sort();
        vars.dedup();
        let mut fns: Vec<String> = self
            .host
            .functions()
            .iter_functions()
            .map(|f| f.name.to_string())
            .collect();
        fns.sort();
        fns.dedup();
        Names {
            registered: self.registered.clone(),
            vars,
            map_keys,
            fns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimArgs;

    pub(crate) fn session() -> Session {
        Session::with_simulator(&SimArgs::default(), &Default::default()).unwrap()
    }

    fn print(s: &str) -> Outcome {
        Outcome::Print(s.to_string())
    }

    #[test]
    fn variables_and_functions_persist_between_inputs() {
        let session = session();
        let mut shell = Shell::new(&session, ShellOptions::default());
        assert_eq!(shell.handle("let n = 20;"), Outcome::Nothing);
        assert_eq!(shell.handle("fn double(x) {\n  x * 2\n}"), Outcome::Nothing);
        assert_eq!(shell.handle("double(n + 1)"), print("42"));
        let names = shell.names();
        assert_eq!(names.vars, vec!["n".to_string()]);
        assert_eq!(names.fns, vec!["double".to_string()]);
    }

    #[test]
    fn zoom_calls_answer_with_indented_json() {
        let session = session();
        let mut shell = Shell::new(&session, ShellOptions::default());
        assert_eq!(
            shell.handle("let me = zoom.get(\"/users/me\"); #{ account: me.account_id }"),
            print("{\n  \"account\": \"ACC1demo\"\n}")
        );
        assert!(
            shell.names().map_keys["me"].contains(&"email".to_string()),
            "completion learns the keys of a map variable"
        );
    }

    #[test]
    fn errors_show_the_input_with_a_caret_and_the_session_goes_on() {
        let session = session();
        let mut shell = Shell::new(&session, ShellOptions::default());
        shell.handle("let kept = 1;");
        let Outcome::Error(message) = shell.handle("zoom.get(\"/users/nobody\")") else {
            panic!("a 404 is an error");
        };
        assert!(
            message.starts_with(
                "GET /v2/users/nobody: HTTP 404, code 1001: User does not exist: nobody."
            ),
            "{message}"
        );
        assert!(
            message.ends_with(
                "\n  --> <repl>:1:6\n   |\n 1 | zoom.get(\"/users/nobody\")\n   |      ^"
            ),
            "{message}"
        );
        assert_eq!(shell.handle("kept"), print("1"));
    }

    #[test]
    fn a_trailing_backslash_joins_lines() {
        let session = session();
        let mut shell = Shell::new(&session, ShellOptions::default());
        assert_eq!(shell.handle("1 + \\\n 2"), print("3"));
    }

    #[test]
    fn cancel_before_an_input_does_not_stop_it() {
        // A Ctrl-C that arrived at the prompt must not stop the next input.
        let session = session();
        let mut shell = Shell::new(&session, ShellOptions::default());
        session.cancel().cancel();
        assert_eq!(shell.handle("40 + 2"), print("42"));
    }

    #[test]
    fn cancel_during_an_input_interrupts_it() {
        let session = session();
        let mut shell = Shell::new(&session, ShellOptions::default());
        let cancel = session.cancel().clone();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            cancel.cancel();
        });
        assert_eq!(shell.handle("sleep(30); 1"), Outcome::Interrupted);
        stopper.join().unwrap();
        assert_eq!(shell.handle("2"), print("2"));
    }
}
