//! The script host: one Rhai engine with zoomsh's API, a scope that persists between inputs,
//! and the ways to run code in it (a file, an expression, a REPL line).
//!
//! `zoom`, `http`, `args` and `simulator` are variables of a global module, which makes them
//! visible at top level, inside `fn`s and inside imported modules alike (a value pushed into the
//! `Scope` would not be visible inside `fn`s). `print` goes to standard output, `debug` and `log`
//! to standard error; a closed standard output (`zoomsh run x.rhai | head`) stops the script
//! quietly. Ctrl-C stops a running script through [`Cancel`], checked between operations.
//! Imports go through [`LibraryResolver`] (the module search path and the built-in library).
//!
//! The host must be created and used on one thread (Rhai values are not `Send`); it must not be
//! a tokio worker thread, because `zoom` calls block on the runtime.

use super::bindings::{self, Confirm, ZoomApi};
use super::helpers::{self, Helpers, HttpApi};
use super::modules::{LibraryResolver, ModulePath};
use super::report::{self, Source};
use super::{dates, sandbox};
use crate::cancel::Cancel;
use crate::error::Error;
use rhai::{AST, Dynamic, Engine, Map, Module, Scope};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Where `print` output goes.
#[derive(Clone)]
pub enum Output {
    Stdout,
    /// Collected in memory (embedding, tests).
    Buffer(Arc<Mutex<String>>),
}

/// Writes lines of script output (`print`, `print_table`) to the host's [`Output`], noting a
/// closed standard output so the script can stop quietly.
#[derive(Clone)]
pub struct Printer {
    output: Output,
    broken_pipe: Arc<AtomicBool>,
}

impl Printer {
    fn new(output: Output) -> Printer {
        Printer {
            output,
            broken_pipe: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Write `text` and a line break.
    pub fn line(&self, text: &str) {
        match &self.output {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
                    self.broken_pipe.store(true, Ordering::SeqCst);
                }
            }
            Output::Buffer(buffer) => {
                let mut b = buffer.lock().unwrap_or_else(|e| e.into_inner());
                b.push_str(text);
                b.push('\n');
            }
        }
    }
}

/// What a host is set up with, beyond the Zoom client.
#[derive(Clone)]
pub struct HostOptions {
    /// The `args` map scripts see (`--arg key=value`, `--args-json FILE`).
    pub args: Map,
    pub output: Output,
    /// `--lib` directories, searched for modules after the script's own directory.
    pub lib_dirs: Vec<PathBuf>,
    /// `--sandbox`: no file, network or environment helpers; engine limits on.
    pub sandbox: bool,
    /// The base URL of the in-process simulator (`--sim`); [`crate::Session::host`] sets it.
    /// Scripts see it as `simulator.url`, and `simulator.webhooks` for the webhook sink.
    pub simulator_url: Option<String>,
    /// Asked before each DELETE (the REPL's prompt); `None` sends without asking.
    pub confirm: Option<Confirm>,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            args: Map::new(),
            output: Output::Stdout,
            lib_dirs: Vec::new(),
            sandbox: false,
            simulator_url: None,
            confirm: None,
        }
    }
}

pub struct ScriptHost {
    engine: Engine,
    scope: Scope<'static>,
    /// Functions defined so far (the REPL keeps them across inputs).
    functions: AST,
    cancel: Cancel,
    broken_pipe: Arc<AtomicBool>,
    sandbox: bool,
}

impl ScriptHost {
    pub fn new(zoom: ZoomApi, cancel: Cancel, options: HostOptions) -> ScriptHost {
        let zoom = match &options.confirm {
            Some(confirm) => zoom.with_confirm(confirm.clone()),
            None => zoom,
        };
        let mut engine = Engine::new();
        // Rhai's defaults are smaller in debug builds (8 nested calls); scripts must behave the
        // same whichever way zoomsh was built, so the release values are set explicitly.
        engine.set_max_call_levels(64).set_max_expr_depths(64, 32);
        if options.sandbox {
            sandbox::apply(&mut engine);
        }
        let printer = Printer::new(options.output.clone());
        let helpers = Helpers {
            api: zoom.clone(),
            printer: printer.clone(),
            sandbox: options.sandbox,
        };
        bindings::register(&mut engine);
        helpers::register(&mut engine, &helpers);
        dates::register(&mut engine);

        let mut globals = Module::new();
        globals.set_var("zoom", Dynamic::from(zoom));
        globals.set_var("http", Dynamic::from(HttpApi::new(&helpers)));
        globals.set_var("args", Dynamic::from_map(options.args.clone()));
        globals.set_var(
            "simulator",
            simulator_value(options.simulator_url.as_deref()),
        );
        engine.register_global_module(globals.into());

        engine.set_module_resolver(LibraryResolver::new(
            ModulePath::from_env(&options.lib_dirs),
            options.sandbox,
        ));

        let on_print = printer.clone();
        engine.on_print(move |text| on_print.line(text));
        engine.on_debug(|text, source, pos| {
            let at = match (source, pos.line()) {
                (Some(s), Some(l)) => format!("{s}:{l}: "),
                (None, Some(l)) => format!("line {l}: "),
                _ => String::new(),
            };
            crate::stderr_line!("{at}{text}");
        });
        let broken_pipe = printer.broken_pipe.clone();
        let (flag, stop) = (broken_pipe.clone(), cancel.clone());
        engine.on_progress(move |_| {
            if flag.load(Ordering::Relaxed) || stop.is_cancelled() {
                Some("interrupted".into())
            } else {
                None
            }
        });

        ScriptHost {
            engine,
            scope: Scope::new(),
            functions: AST::empty(),
            cancel,
            broken_pipe,
            sandbox: options.sandbox,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn scope(&self) -> &Scope<'static> {
        &self.scope
    }

    pub fn functions(&self) -> &AST {
        &self.functions
    }

    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Did a write to standard output fail because the reader went away?
    pub fn broken_pipe(&self) -> bool {
        self.broken_pipe.load(Ordering::SeqCst)
    }

    /// Run a script file; its value is returned.
    pub fn run_file(&mut self, path: &Path) -> Result<Dynamic, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Io(format!("cannot read script {}: {e}", path.display())))?;
        let name = path.display().to_string();
        self.run_source(&text, &name)
    }

    /// Run source text under a name used in error messages. Variables and functions it defines
    /// stay for the next call (this is what the REPL is built on).
    pub fn run_source(&mut self, text: &str, name: &str) -> Result<Dynamic, Error> {
        let source = Source { name, text };
        let mut ast = self
            .engine
            .compile_with_scope(&self.scope, text)
            .map_err(|e| {
                let r = report::parse_error(&e, &source);
                Error::Script {
                    message: r.message,
                    code: r.exit_code,
                }
            })?;
        ast.set_source(name);
        // Earlier inputs' functions stay callable; this input's definitions replace same-named ones.
        let combined = self.functions.merge(&ast);
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &combined);
        let mut functions_only = combined;
        functions_only.clear_statements();
        self.functions = functions_only;
        if result.is_ok() {
            self.keep_imports(text, name);
        }
        result.map_err(|e| {
            let explain = |err: &rhai::EvalAltResult| {
                if self.sandbox {
                    sandbox::explain(err)
                } else {
                    None
                }
            };
            let r = report::eval_error_with(&e, &source, explain);
            Error::Script {
                message: r.message,
                code: if self.broken_pipe() { 0 } else { r.exit_code },
            }
        })
    }
}

impl ScriptHost {
    /// Keep the modules an input imported for the inputs after it: Rhai drops a run's imports
    /// when the run ends, which in the REPL would make `import "users" as users;` useless on its
    /// own line. Each `import "path" as alias` is resolved again and registered under its alias.
    fn keep_imports(&mut self, text: &str, name: &str) {
        for (path, alias) in import_statements(text) {
            let resolved = self.engine.module_resolver().resolve(
                &self.engine,
                Some(name),
                &path,
                rhai::Position::NONE,
            );
            if let Ok(module) = resolved {
                self.engine.register_static_module(alias.as_str(), module);
            }
        }
    }
}

/// `(path, alias)` of every `import "path" as alias` in a source text.
fn import_statements(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("import") {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        rest = &rest[at + "import".len()..];
        if !before_ok {
            continue;
        }
        let Some(quoted) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = quoted.find('"') else {
            continue;
        };
        let path = &quoted[..end];
        let Some(after_as) = quoted[end + 1..].trim_start().strip_prefix("as") else {
            continue;
        };
        let alias: String = after_as
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !alias.is_empty() && after_as.starts_with(char::is_whitespace) {
            out.push((path.to_string(), alias));
        }
    }
    out
}

/// The `simulator` variable: `()` without one, else `#{url, webhooks}`.
fn simulator_value(url: Option<&str>) -> Dynamic {
    match url {
        None => Dynamic::UNIT,
        Some(url) => {
            let url = url.trim_end_matches('/');
            let mut map = Map::new();
            map.insert("url".into(), url.into());
            map.insert("webhooks".into(), format!("{url}/_sim/webhooks").into());
            Dynamic::from_map(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_statements_are_found() {
        assert_eq!(
            import_statements("import \"users\" as users; let x = 1;\nimport \"lib/a\" as a_2;"),
            vec![
                ("users".to_string(), "users".to_string()),
                ("lib/a".to_string(), "a_2".to_string())
            ]
        );
        assert!(import_statements("let reimport = 1; import \"x\";").is_empty());
    }
}
