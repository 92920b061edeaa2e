//! `zoomsh auth status` and `zoomsh auth logout`.
//!
//! `status` mints (or reuses) a token and says what it is good for: the account, the hosts, the
//! scopes, when it expires and where tokens are cached. It never prints the token itself, so its
//! output is safe to paste into a support ticket. `logout` drops cached tokens from the shared
//! disk cache (the one app's in effect, or `--all`); the next call mints a new one.

use crate::error::Error;
use crate::output::write_stdout;
use crate::session::Session;
use crate::zoom::DiskCache;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Instant, SystemTime};

/// Where the settings came from, for the status report.
pub struct Origin<'a> {
    /// `name (path)` of the config-file profile in use, if any.
    pub profile: Option<String>,
    /// The file this app's token is cached in, if tokens are cached on disk.
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
    line(
        "plan",
        &format!(
            "{} (sizes the client-side rate limits)",
            client.plan().name()
        ),
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

/// `zoomsh auth logout`: drop the cached token of the app in effect.
pub fn logout(session: &Session) -> Result<(), Error> {
    let account = session
        .settings()
        .credentials
        .as_ref()
        .map(|c| c.account_id.clone())
        .map_err(|m| Error::Usage(m.clone()))?;
    let Some(path) = session.client().token_cache_file() else {
        return write_stdout(
            "the token cache is off (--no-token-cache, ZOOMSH_NO_TOKEN_CACHE or --sim): no token was stored\n",
        );
    };
    match std::fs::remove_file(path) {
        Ok(()) => write_stdout(&format!(
            "dropped the cached token of account {account} ({})\n",
            path.display()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_stdout(&format!(
            "no cached token for account {account} ({})\n",
            path.display()
        )),
        Err(e) => Err(Error::Io(format!(
            "cannot remove the cached token {}: {e}",
            path.display()
        ))),
    }
}

/// `zoomsh auth logout --all`: drop every cached token under `root` (no credentials needed).
pub fn logout_all(root: &Path) -> Result<(), Error> {
    let cache = DiskCache::new(root);
    let dir = cache.dir();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return write_stdout(&format!(
                "no cached tokens ({} does not exist)\n",
                dir.display()
            ));
        }
        Err(e) => {
            return Err(Error::Io(format!("cannot read {}: {e}", dir.display())));
        }
    };
    let mut dropped = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        // Token files only; the lock files may be held by a running zoomsh.
        if path.extension().is_some_and(|x| x == "json") {
            std::fs::remove_file(&path).map_err(|e| {
                Error::Io(format!(
                    "cannot remove the cached token {}: {e}",
                    path.display()
                ))
            })?;
            dropped += 1;
        }
    }
    let noun = if dropped == 1 { "token" } else { "tokens" };
    write_stdout(&format!(
        "dropped {dropped} cached {noun} from {}\n",
        dir.display()
    ))
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
