//! The one error type of the command line, and the exit code each kind maps to.
//!
//! Exit codes (also in `zoomsh --help` and the README):
//! 0 ok · 1 script error · 2 usage or configuration error · 3 authentication (token) failure ·
//! 4 uncaught HTTP 4xx · 5 HTTP 5xx, network or timeout.
//!
//! Messages are one line, lowercase, name the input and say what to do next. Nothing here ever
//! formats a secret: the types that carry secrets redact themselves.

use crate::zoom::ZoomError;
use std::fmt;

/// Everything that can end a zoomsh command.
#[derive(Debug)]
pub enum Error {
    /// Bad flags, arguments or configuration (exit 2).
    Usage(String),
    /// A failure from the Zoom client: token, HTTP or network.
    Zoom(ZoomError),
    /// A script failed; the message is already formatted with its location (exit 1, or the
    /// exit code of the Zoom error the script did not catch).
    Script { message: String, code: i32 },
    /// Reading or writing a local file failed (exit 2: the input named is wrong).
    Io(String),
    /// `zoomsh check` found operations the token has no scope for (exit 4: the calls would
    /// fail with Zoom's 400/4711).
    MissingScopes(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Io(_) => 2,
            Error::Zoom(e) => e.exit_code(),
            Error::Script { code, .. } => *code,
            Error::MissingScopes(_) => 4,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Io(m) | Error::MissingScopes(m) => f.write_str(m),
            Error::Zoom(e) => write!(f, "{e}"),
            Error::Script { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl From<ZoomError> for Error {
    fn from(e: ZoomError) -> Self {
        Error::Zoom(e)
    }
}
