//! The interactive shell: `zoomsh repl`, or `zoomsh` alone on a terminal.
//!
//! This module owns the terminal: the line editor, the history file, the prompt, the DELETE
//! confirmation and where each outcome is printed. What an input *does* is decided in
//! [`shell`] (pure of terminal code and tested directly); [`input`] tells commands from code
//! and finished input from unfinished; [`complete`] is the editor's helper; [`render`] shows
//! values; [`commands`] implements the `:commands`.
//!
//! Ctrl-C: at the prompt the editor has the terminal in raw mode, so Ctrl-C arrives as a key
//! and rustyline returns `Interrupted`: the line is dropped and a fresh prompt shown. While an
//! input runs the terminal is back in cooked mode, so Ctrl-C raises SIGINT, which the session's
//! handler ([`Session::cancel_on_ctrl_c`]) turns into [`crate::cancel::Cancel::cancel`]: the
//! running call or loop stops with "interrupted" and the prompt comes back with every variable
//! intact. The cancel switch is re-armed before each input. The process never dies on Ctrl-C.

pub mod api;
mod commands;
pub mod complete;
pub mod history;
pub mod input;
pub mod render;
pub mod shell;

use crate::error::Error;
use crate::script::bindings::Confirm;
use crate::session::Session;
use crate::zoom::Request;
use complete::{Names, ReplHelper};
use render::{RED, paint};
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{DefaultEditor, Editor};
use shell::{Outcome, Shell, ShellOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const PROMPT: &str = "zoomsh> ";
/// The prompt while `:dry-run` is on, so nobody forgets.
const PROMPT_DRY_RUN: &str = "zoomsh (dry-run)> ";
/// The prompt for continuation lines when input is piped (on a terminal the editor continues
/// the same buffer instead).
const MORE: &str = "   ...> ";

/// How the REPL was started.
#[derive(Debug, Clone, Default)]
pub struct ReplOptions {
    /// Send DELETEs without asking (`--yes`).
    pub yes: bool,
    /// Folders of modules for `import` (`--lib`), as for `zoomsh run`.
    pub lib_dirs: Vec<std::path::PathBuf>,
}

/// Run the REPL until `:quit` or Ctrl-D. The caller has made Ctrl-C cancel rather than kill
/// ([`Session::cancel_on_ctrl_c`]).
pub fn run(session: &Session, options: ReplOptions) -> Result<(), Error> {
    let out_color = render::color_wanted(&std::io::stdout());
    let err_color = render::color_wanted(&std::io::stderr());
    let confirm = (!options.yes).then(confirm_on_terminal);
    let mut shell = Shell::new(
        session,
        ShellOptions {
            color: out_color,
            confirm,
            lib_dirs: options.lib_dirs.clone(),
        },
    );

    let names = Arc::new(Mutex::new(Names::default()));
    let config = Config::builder()
        .max_history_size(history::MAX_ENTRIES)
        .and_then(|b| b.history_ignore_dups(true))
        .map_err(|e| Error::Usage(format!("cannot set up the line editor: {e}")))?
        // A line typed with a leading space stays out of the history (as in bash).
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<ReplHelper, FileHistory> = Editor::with_config(config)
        .map_err(|e| Error::Usage(format!("cannot start the line editor: {e}")))?;
    editor.set_helper(Some(ReplHelper::new(names.clone(), out_color)));
    let history = open_history(&mut editor);

    let target = match session.simulator() {
        Some(sim) => format!("the simulator at {}", sim.base_url()),
        None => "Zoom".to_string(),
    };
    crate::stderr_line!(
        "zoomsh {} on {target}. Type Rhai, e.g. zoom.get(\"/users/me\"); :help for help, Ctrl-D to leave.",
        env!("CARGO_PKG_VERSION")
    );

    loop {
        *names.lock().unwrap_or_else(|e| e.into_inner()) = shell.names();
        let prompt = if session.client().is_dry_run() {
            PROMPT_DRY_RUN
        } else {
            PROMPT
        };
        let mut text = match editor.readline(prompt) {
            Ok(text) => text,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(Error::Usage(format!("cannot read input: {e}"))),
        };
        // Piped input reaches us line by line (the editor's check runs only on a terminal).
        while input::is_incomplete(&text) && !input::is_command(&text) {
            match editor.readline(MORE) {
                Ok(more) => {
                    text.push('\n');
                    text.push_str(&more);
                }
                Err(ReadlineError::Interrupted) => {
                    text.clear();
                    break;
                }
                Err(_) => break,
            }
        }
        if text.trim().is_empty() {
            continue;
        }
        remember(&mut editor, history.as_ref(), &text);
        match shell.handle(&text) {
            Outcome::Nothing => {}
            Outcome::Print(out) => println!("{out}"),
            Outcome::Error(message) => {
                crate::stderr_line!("{} {message}", paint(err_color, RED, "error:"))
            }
            Outcome::Interrupted => {
                // The terminal has echoed ^C; start a line of our own.
                let lead = if std::io::stdin().is_terminal() {
                    "\n"
                } else {
                    ""
                };
                crate::stderr_line!("{lead}{}", paint(err_color, RED, "interrupted"));
            }
            Outcome::Quit => break,
        }
    }
    Ok(())
}

/// Load the history file, creating its directory; `None` (and a note) if that fails.
fn open_history(editor: &mut Editor<ReplHelper, FileHistory>) -> Option<PathBuf> {
    let path = history::path()?;
    if let Some(dir) = path.parent()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        crate::stderr_line!(
            "note: history is not kept: cannot create {}: {e}",
            dir.display()
        );
        return None;
    }
    match editor.load_history(&path) {
        Ok(()) => {}
        Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => crate::stderr_line!(
            "note: cannot read the history in {}: {e}; starting a new one",
            path.display()
        ),
    }
    Some(path)
}

/// Add an input to the history and append it to the file at once, so a session that is killed
/// keeps what was typed (the file stays within [`history::MAX_ENTRIES`]).
fn remember(editor: &mut Editor<ReplHelper, FileHistory>, path: Option<&PathBuf>, text: &str) {
    if !matches!(editor.add_history_entry(text), Ok(true)) {
        return;
    }
    if let Some(path) = path
        && let Err(e) = editor.append_history(path)
    {
        crate::stderr_line!("note: cannot save the history to {}: {e}", path.display());
    }
}

/// Ask "send DELETE ...? [y/N]" on the terminal before each DELETE.
fn confirm_on_terminal() -> Confirm {
    Arc::new(|request: &Request| {
        if !std::io::stdin().is_terminal() {
            return Err("there is no terminal to confirm it on; start zoomsh with --yes".into());
        }
        let mut target = request.path.clone();
        for (i, (k, v)) in request.query.iter().enumerate() {
            target.push(if i == 0 && !target.contains('?') {
                '?'
            } else {
                '&'
            });
            target.push_str(&format!("{k}={v}"));
        }
        let mut editor = DefaultEditor::new()
            .map_err(|e| format!("cannot ask for confirmation ({e}); start zoomsh with --yes"))?;
        loop {
            // In the editor Ctrl-C is a key, not a signal: it answers no.
            match editor.readline(&format!("send DELETE {target}? [y/N] ")) {
                Ok(answer) => match answer.trim().to_ascii_lowercase().as_str() {
                    "y" | "yes" => return Ok(()),
                    "" | "n" | "no" => return Err("you answered no".into()),
                    _ => crate::stderr_line!("answer y or n"),
                },
                Err(_) => return Err("you answered no".into()),
            }
        }
    })
}
