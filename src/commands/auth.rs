//! `zoomsh auth status` and `zoomsh auth logout`.
//!
//! `status` mints (or reuses) a token and says what it is good for: the account, the hosts, the
//! scopes, when it expires and where tokens are cached. It never prints the token itself, so its
//! output is safe to paste into a support ticket. `logout` drops cached tokens.

use crate::error::Error;
use crate::output::write_stdout;
use crate::session::Session;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Instant, SystemTime};

/// Where the settings came from, for the status report.
pub struct Origin<'a> {
    /// `name (path)` of the config-file profile in use, if any.
    pub profile: Option<String>,
    /// The token cache directory, if tokens are cached on disk.
    pub cache: Option<&'a Path>,
}

pub fn status(session: &Session, origin: &Origin) -> Result<(), Error> {
    let client = session.client();
    let token = session.runtime().block_on(client.token())?;
    let settings = session.settings();
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{:<13}{value}", format!("{label}:"));
    };
    if let Ok(creds) = &settings.credentials {
        line("account", &creds.account_id);
        line("client id", &creds.client_id);
    }
    if let Some(profile) = &origin.profile {
        line("profile", profile);
    }
    line(
        "oauth host",
        settings.oauth_url.as_str().trim_end_matches('/'),
    );
    line(
        "api host",
        client.api_base(&token).as_str().trim_end_matches('/'),
    );
    line("expires", &expiry(token.expires_at_wall, token.expires_at));
    let cache = match origin.cache {
        Some(dir) => dir.display().to_string(),
        None => "off (the token lives in memory for this run only)".to_string(),
    };
    line("token cache", &cache);
    let scopes: Vec<&str> = token.scope.split_whitespace().collect();
    line("scopes", &scopes.len().to_string());
    for chunk in wrap(&scopes, 96) {
        let _ = writeln!(out, "  {chunk}");
    }
    write_stdout(&out)
}

/// `2026-12-03T10:47:12Z (in 59m 59s)`.
fn expiry(wall: SystemTime, at: Instant) -> String {
    let when = jiff::Timestamp::try_from(wall)
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
        .unwrap_or_else(|_| "unknown".to_string());
    let left = at.saturating_duration_since(Instant::now()).as_secs();
    let (h, m, s) = (left / 3600, left / 60 % 60, left % 60);
    let left = match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m"),
    };
    format!("{when} (in {left})")
}

/// Words joined by spaces into lines of at most `width` characters.
fn wrap(words: &[&str], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in words {
        match lines.last_mut() {
            Some(last) if last.len() + 1 + word.len() <= width => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_wrap_at_word_boundaries() {
        assert_eq!(wrap(&["aaa", "bb", "cc", "d"], 6), ["aaa bb", "cc d"]);
    }
}
