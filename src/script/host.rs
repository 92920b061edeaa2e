//! The script host: one Rhai engine with zoomsh's API, a scope that persists between inputs,
//! and the ways to run code in it (a file, an expression, a REPL line).
//!
//! `zoom` and `args` are variables of a global module, which makes them visible at top level,
//! inside `fn`s and inside imported modules alike (a value pushed into the `Scope` would not be
//! visible inside `fn`s). `print` goes to standard output, `debug` to standard error; a closed
//! standard output (`zoomsh run x.rhai | head`) stops the script quietly. Ctrl-C stops a running
//! script through [`Cancel`], checked between operations.
//!
//! The host must be created and used on one thread (Rhai values are not `Send`); it must not be
//! a tokio worker thread, because `zoom` calls block on the runtime.

use super::bindings::{self, ZoomApi};
use super::report::{self, Source};
use super::{dates, helpers};
use crate::cancel::Cancel;
use crate::error::Error;
use rhai::module_resolvers::FileModuleResolver;
use rhai::{AST, Dynamic, Engine, Map, Module, Scope};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Where `print` output goes.
#[derive(Clone)]
pub enum Output {
    Stdout,
    /// Collected in memory (embedding, tests).
    Buffer(Arc<Mutex<String>>),
}

/// What a host is set up with, beyond the Zoom client.
#[derive(Clone)]
pub struct HostOptions {
    /// The `args` map scripts see (`--arg key=value`).
    pub args: Map,
    pub output: Output,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            args: Map::new(),
            output: Output::Stdout,
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
}

impl ScriptHost {
    pub fn new(zoom: ZoomApi, cancel: Cancel, options: HostOptions) -> ScriptHost {
        let mut engine = Engine::new();
        bindings::register(&mut engine);
        helpers::register(&mut engine, &zoom);
        dates::register(&mut engine);

        let mut globals = Module::new();
        globals.set_var("zoom", Dynamic::from(zoom));
        globals.set_var("args", Dynamic::from_map(options.args.clone()));
        engine.register_global_module(globals.into());

        // Relative imports resolve against the importing file's directory.
        engine.set_module_resolver(FileModuleResolver::new());

        let broken_pipe = Arc::new(AtomicBool::new(false));
        match options.output.clone() {
            Output::Stdout => {
                let flag = broken_pipe.clone();
                engine.on_print(move |text| {
                    let mut out = std::io::stdout().lock();
                    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
                        flag.store(true, Ordering::SeqCst);
                    }
                });
            }
            Output::Buffer(buffer) => {
                engine.on_print(move |text| {
                    let mut b = buffer.lock().unwrap_or_else(|e| e.into_inner());
                    b.push_str(text);
                    b.push('\n');
                });
            }
        }
        engine.on_debug(|text, source, pos| {
            let at = match (source, pos.line()) {
                (Some(s), Some(l)) => format!("{s}:{l}: "),
                (None, Some(l)) => format!("line {l}: "),
                _ => String::new(),
            };
            eprintln!("{at}{text}");
        });
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
        result.map_err(|e| {
            let r = report::eval_error(&e, &source);
            Error::Script {
                message: r.message,
                code: if self.broken_pipe() { 0 } else { r.exit_code },
            }
        })
    }
}
