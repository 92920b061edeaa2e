//! The interactive shell: read a line, run it in a persistent script host, print the value.
//!
//! Variables and `fn` definitions persist across inputs (the host keeps one scope and the
//! functions defined so far). Ctrl-C at the prompt clears the line; Ctrl-C while an input runs
//! stops it and returns to the prompt; Ctrl-D exits. Errors are printed with a caret and the
//! loop goes on.

use crate::cli::render_value;
use crate::error::Error;
use crate::script::HostOptions;
use crate::session::Session;
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

pub fn run(session: &Session) -> Result<(), Error> {
    let mut host = session.host(HostOptions::default());
    let mut editor = DefaultEditor::new()
        .map_err(|e| Error::Usage(format!("cannot start the line editor: {e}")))?;
    eprintln!(
        "zoomsh {} — type Rhai, e.g. zoom.get(\"/users/me\"); Ctrl-D exits",
        env!("CARGO_PKG_VERSION")
    );
    loop {
        match editor.readline("zoomsh> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                if matches!(line.trim(), ":quit" | ":q" | ":exit") {
                    return Ok(());
                }
                session.cancel().reset();
                match host.run_source(&line, "<repl>") {
                    Ok(value) => {
                        if let Some(text) = render_value(&value) {
                            println!("{text}");
                        }
                    }
                    Err(e) => eprintln!("error: {e}"),
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(()),
            Err(e) => return Err(Error::Usage(format!("cannot read input: {e}"))),
        }
    }
}
