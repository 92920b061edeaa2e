//! zoomsh: script the Zoom REST API in Rhai, with Server-to-Server OAuth handled underneath.
//!
//! The crate is the `zoomsh` command line and a library for embedding its script host:
//!
//! - [`zoom`]: the Zoom client (tokens, HTTP, errors); knows nothing about Rhai.
//! - [`script`]: the Rhai engine and the `zoom` object scripts use.
//! - [`sim`]: a Zoom-compatible simulator on loopback, for trying zoomsh and for tests.
//! - [`webhook`]: posting to webhooks (Slack incoming webhooks), for `http.post`.
//! - [`session::Session`]: the runtime, client and optional simulator wired together.

/// `eprintln!` that cannot panic: when the reader of stderr has gone away (`2>&1 | head`),
/// zoomsh drops the line instead of crashing.
#[macro_export]
macro_rules! stderr_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod cancel;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod output;
pub mod profile;
pub mod repl;
pub mod script;
pub mod secret;
pub mod secret_file;
pub mod session;
pub mod sim;
pub mod webhook;
pub mod zoom;

pub use error::Error;
pub use session::Session;
