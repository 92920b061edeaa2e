//! Server-to-Server OAuth tokens: mint, keep, refresh ahead of expiry, one mint at a time.
//!
//! A token is minted with `POST {oauth}/oauth/token`, HTTP Basic `client_id:client_secret` and
//! the form body `grant_type=account_credentials&account_id=...` (the form Zoom documents; a
//! JSON body gets `unsupported_grant_type`). Its expiry is stored as an absolute instant computed
//! from when the request was *sent*, and it is replaced `min(60 s, expires_in / 2)` before that
//! instant, so a 2-second test token still gets used once.
//!
//! Minting is single-flight: the cache sits behind an async mutex that is held across the mint,
//! so N concurrent calls on a cold cache cause exactly one token request (Zoom used to revoke a
//! token when another was minted, and may still cap live tokens: BEHAVIOR.md §1.5).
//!
//! Across processes, an optional disk cache ([`super::cache`]) holds the token: a fresh one on
//! disk is used as is; otherwise the app's cache file is locked, read again (another process may
//! have just minted), and only then is a token minted and written. A token that drew a 401 is
//! never taken from disk again by this process.
//!
//! Token endpoint errors become one-line messages naming the setting that is most likely wrong
//! (CASES.md B01–B03). Neither the secret nor a token ever reaches a message or a log line.

use super::cache::{Slot, Stored};
use super::errors::{ErrorBody, snippet};
use super::{ZoomError, normalize_api_url};
use crate::config::Credentials;
use crate::secret::Secret;
use reqwest::Url;
use serde::Deserialize;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Mutex;

/// A live access token.
#[derive(Clone, Debug)]
pub struct Token {
    pub access_token: Secret,
    pub token_type: String,
    /// Space-separated scopes as the token endpoint returned them.
    pub scope: String,
    /// The cluster serving the account, normalised, if the response named one.
    pub api_url: Option<Url>,
    pub expires_in: u64,
    /// When the token stops working, by the local monotonic clock.
    pub expires_at: Instant,
    /// The same instant by the wall clock, for display.
    pub expires_at_wall: SystemTime,
}

impl Token {
    /// How long before expiry the token is replaced.
    fn refresh_margin(&self) -> Duration {
        Duration::from_secs(60).min(Duration::from_secs(self.expires_in) / 2)
    }

    /// Is the token still good to send now?
    pub fn is_fresh(&self) -> bool {
        Instant::now() + self.refresh_margin() < self.expires_at
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: String,
    expires_in: u64,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    api_url: Option<String>,
}

/// Mints and caches the token of one app (one OAuth host, account and client).
pub struct TokenProvider {
    http: reqwest::Client,
    token_url: Url,
    credentials: Result<Credentials, String>,
    cached: Mutex<Cached>,
    /// The app's slot in the disk cache, when that is on.
    disk: Option<Slot>,
    minted: std::sync::atomic::AtomicU64,
}

#[derive(Default)]
struct Cached {
    token: Option<Token>,
    /// The last token the API refused: not to be picked up from disk again.
    rejected: Option<Secret>,
}

impl TokenProvider {
    pub fn new(
        http: reqwest::Client,
        oauth_url: &Url,
        credentials: Result<Credentials, String>,
        disk: Option<&super::cache::DiskCache>,
    ) -> TokenProvider {
        let base = oauth_url.as_str().trim_end_matches('/');
        let token_url = Url::parse(&format!("{base}/oauth/token")).expect("base URL + path parses");
        let disk = match (disk, &credentials) {
            (Some(cache), Ok(creds)) => Some(cache.slot(base, creds)),
            _ => None,
        };
        TokenProvider {
            http,
            token_url,
            credentials,
            cached: Mutex::new(Cached::default()),
            disk,
            minted: Default::default(),
        }
    }

    /// The disk cache file of this app's token, when the disk cache is on.
    pub fn cache_file(&self) -> Option<&std::path::Path> {
        self.disk.as_ref().map(|slot| slot.path())
    }

    /// The account the tokens are for, when the credentials are set.
    pub fn account_id(&self) -> Option<&str> {
        self.credentials
            .as_ref()
            .ok()
            .map(|c| c.account_id.as_str())
    }

    /// Where tokens are minted (`{oauth}/oauth/token`).
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// How many tokens this provider has minted.
    pub fn minted(&self) -> u64 {
        self.minted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A fresh token: the cached one, or a new one minted while every other caller waits.
    pub async fn token(&self) -> Result<Token, ZoomError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.token.as_ref().filter(|t| t.is_fresh()) {
            return Ok(token.clone());
        }
        let token = match &self.disk {
            Some(slot) => self.token_via_disk(slot, &cached).await?,
            None => self.mint().await?,
        };
        cached.token = Some(token.clone());
        Ok(token)
    }

    /// The disk cache's token if it is fresh; else mint under the file lock, after reading the
    /// file again in case another process minted while this one waited.
    async fn token_via_disk(&self, slot: &Slot, cached: &Cached) -> Result<Token, ZoomError> {
        if let Some(token) = self.read_disk(slot, cached) {
            return Ok(token);
        }
        let lock = match slot.lock().await {
            Ok(Some(lock)) => Some(lock),
            Ok(None) => {
                tracing::warn!(
                    "token cache: another zoomsh has held the lock on {} for long; minting without it",
                    slot.path().display()
                );
                None
            }
            Err(e) => {
                tracing::warn!(
                    "token cache: cannot lock {} ({e}); minting without it",
                    slot.path().display()
                );
                None
            }
        };
        if let Some(token) = self.read_disk(slot, cached) {
            return Ok(token);
        }
        let token = self.mint().await?;
        if let Err(e) = slot.write(&stored(&token)) {
            tracing::warn!(
                "token cache: cannot write {} ({e}); the token is kept in memory only",
                slot.path().display()
            );
        }
        drop(lock);
        Ok(token)
    }

    fn read_disk(&self, slot: &Slot, cached: &Cached) -> Option<Token> {
        let stored = match slot.read() {
            Ok(s) => s?,
            Err(e) => {
                tracing::warn!(
                    "token cache: cannot read {} ({e}); minting instead",
                    slot.path().display()
                );
                return None;
            }
        };
        if cached.rejected.as_ref() == Some(&stored.access_token) {
            return None;
        }
        let token = from_stored(stored);
        if token.is_fresh() {
            tracing::debug!(file = %slot.path().display(), "token cache: using the cached token");
            Some(token)
        } else {
            None
        }
    }

    /// Drop the cached token if it is still `stale` (a 401 said so). A token another caller has
    /// already replaced is kept, so a burst of 401s causes one re-mint, not one each.
    pub async fn invalidate(&self, stale: &Token) {
        let mut cached = self.cached.lock().await;
        if cached
            .token
            .as_ref()
            .is_some_and(|t| t.access_token == stale.access_token)
        {
            cached.token = None;
        }
        cached.rejected = Some(stale.access_token.clone());
    }

    /// Mint, trying again after a server error or a lost connection: minting has no side
    /// effect worth guarding (a second token is as good as the first), so unlike a POST to the
    /// API it is safe to repeat. Credential errors are final at once.
    async fn mint(&self) -> Result<Token, ZoomError> {
        const ATTEMPTS: u32 = 3;
        let mut attempt = 1;
        loop {
            match self.mint_once().await {
                Err(ZoomError::Network { what, message }) if attempt < ATTEMPTS => {
                    let wait = Duration::from_millis(250 << attempt);
                    tracing::debug!(%what, %message, attempt, wait_ms = wait.as_millis() as u64, "token request failed; retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn mint_once(&self) -> Result<Token, ZoomError> {
        let creds = self
            .credentials
            .as_ref()
            .map_err(|m| ZoomError::Config(m.clone()))?;
        let sent_at = Instant::now();
        let sent_at_wall = SystemTime::now();
        tracing::debug!(url = %self.token_url, account_id = %creds.account_id, "minting a token");
        let response = self
            .http
            .post(self.token_url.clone())
            .basic_auth(&creds.client_id, Some(creds.client_secret.expose()))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", creds.account_id.as_str()),
            ])
            .send()
            .await
            .map_err(|e| ZoomError::network("POST", self.token_url.as_str(), &e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| ZoomError::network("POST", self.token_url.as_str(), &e))?;
        tracing::debug!(
            status,
            elapsed_ms = sent_at.elapsed().as_millis() as u64,
            "token response"
        );
        self.minted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if !(200..300).contains(&status) {
            return Err(token_error(
                status,
                &body,
                &self.token_url,
                creds.profile.as_deref(),
            ));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            ZoomError::Token(format!(
                "the token endpoint {} answered HTTP {status} with something that is not a token \
                 ({}); check ZOOMSH_OAUTH_URL",
                self.token_url,
                snippet_without_secrets(&body)
            ))
        })?;
        if parsed.access_token.is_empty() {
            return Err(ZoomError::Token(format!(
                "the token endpoint {} returned an empty access_token; check ZOOMSH_OAUTH_URL",
                self.token_url
            )));
        }
        let lifetime = Duration::from_secs(parsed.expires_in);
        Ok(Token {
            access_token: Secret::new(parsed.access_token),
            token_type: parsed.token_type,
            scope: parsed.scope,
            api_url: parsed.api_url.as_deref().and_then(normalize_api_url),
            expires_in: parsed.expires_in,
            expires_at: sent_at + lifetime,
            expires_at_wall: sent_at_wall + lifetime,
        })
    }
}

fn stored(token: &Token) -> Stored {
    Stored {
        access_token: token.access_token.clone(),
        token_type: token.token_type.clone(),
        scope: token.scope.clone(),
        api_url: token.api_url.as_ref().map(|u| u.to_string()),
        expires_in: token.expires_in,
        expires_at: token.expires_at_wall,
    }
}

/// A token read from disk; its monotonic expiry is derived from the wall-clock one.
fn from_stored(s: Stored) -> Token {
    let now_wall = SystemTime::now();
    let left = s
        .expires_at
        .duration_since(now_wall)
        .unwrap_or(Duration::ZERO);
    Token {
        access_token: s.access_token,
        token_type: s.token_type,
        scope: s.scope,
        api_url: s.api_url.as_deref().and_then(normalize_api_url),
        expires_in: s.expires_in,
        expires_at: Instant::now() + left,
        expires_at_wall: s.expires_at,
    }
}

/// A successful token body must never be echoed (it holds a token); only error bodies are.
fn snippet_without_secrets(body: &[u8]) -> String {
    if String::from_utf8_lossy(body).contains("access_token") {
        "a JSON body without the expected fields".to_string()
    } else {
        snippet(body)
    }
}

/// Turn a token endpoint rejection into a message that names the likely bad setting.
/// `profile` names the config-file profile the credentials came from, so the hint points
/// there instead of at environment variables that are not set.
fn token_error(status: u16, body: &[u8], url: &Url, profile: Option<&str>) -> ZoomError {
    if status >= 500 || status == 429 {
        return ZoomError::Network {
            what: format!("POST {url}"),
            message: format!(
                "the token endpoint answered HTTP {status} ({})",
                snippet(body)
            ),
        };
    }
    let parsed = ErrorBody::parse(body);
    let error = parsed.error.as_deref().unwrap_or("");
    let reason = parsed.message.clone().unwrap_or_else(|| snippet(body));
    let label = if error.is_empty() {
        match parsed.code {
            Some(c) => format!("HTTP {status}, errorCode {c}"),
            None => format!("HTTP {status}"),
        }
    } else {
        format!("HTTP {status}, {error}")
    };
    let hint = match (error, parsed.code) {
        ("invalid_client", _) | (_, Some(4702 | 4704 | 4706)) => {
            "check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (copy them again from the app's page; no spaces)"
        }
        ("invalid_request", _) => {
            "check ZOOM_ACCOUNT_ID (and that the Server-to-Server OAuth app is activated)"
        }
        ("unsupported_grant_type", _) | (_, Some(4705)) => {
            "the server rejected grant type account_credentials: is this a Server-to-Server OAuth app, \
             and is ZOOMSH_OAUTH_URL right?"
        }
        (_, Some(4717)) => "the app is disabled: activate it in the Zoom App Marketplace",
        _ if status == 401 || status == 403 => {
            "check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"
        }
        _ => "check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET and ZOOMSH_OAUTH_URL",
    };
    let hint = match profile {
        None => hint.to_string(),
        Some(name) => hint
            .replace(
                "ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
                &format!("account_id, client_id and client_secret of profile {name:?}"),
            )
            .replace(
                "ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET",
                &format!("account_id, client_id, client_secret of profile {name:?}"),
            )
            .replace(
                "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
                &format!("client_id and client_secret of profile {name:?}"),
            )
            .replace(
                "ZOOM_ACCOUNT_ID",
                &format!("account_id of profile {name:?}"),
            ),
    };
    ZoomError::Token(format!(
        "token request rejected ({label}): {reason} — {hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://zoom.us/oauth/token").unwrap()
    }

    #[test]
    fn bad_client_names_client_settings() {
        // CASES.md B01
        let e = token_error(
            400,
            br#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
            &url(),
            None,
        );
        assert_eq!(
            e.to_string(),
            "token request rejected (HTTP 400, invalid_client): Invalid client_id or client_secret — \
             check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (copy them again from the app's page; no spaces)"
        );
        assert_eq!(e.exit_code(), 3);
    }

    #[test]
    fn credentials_from_a_profile_are_named_there() {
        // Found trying zoomsh as a new user: a profile's bad secret blamed unset variables.
        let e = token_error(
            400,
            br#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
            &url(),
            Some("work"),
        );
        assert!(
            e.to_string()
                .contains("check client_id and client_secret of profile \"work\""),
            "{e}"
        );
    }

    #[test]
    fn bad_account_names_account_id() {
        // CASES.md B02
        let e = token_error(
            400,
            br#"{"reason":"Bad Request","error":"invalid_request"}"#,
            &url(),
            None,
        );
        assert!(e.to_string().contains("check ZOOM_ACCOUNT_ID"), "{e}");
    }

    #[test]
    fn alternate_envelope_is_read() {
        // CASES.md B17
        let e = token_error(
            400,
            br#"{"status":false,"errorCode":4702,"errorMessage":"Invalid client_id: CID1","result":null}"#,
            &url(),
            None,
        );
        assert!(
            e.to_string()
                .contains("errorCode 4702): Invalid client_id: CID1"),
            "{e}"
        );
    }

    #[test]
    fn margin_is_clamped_for_short_tokens() {
        let t = Token {
            access_token: Secret::new("t"),
            token_type: "bearer".into(),
            scope: String::new(),
            api_url: None,
            expires_in: 2,
            expires_at: Instant::now() + Duration::from_secs(2),
            expires_at_wall: SystemTime::now(),
        };
        assert_eq!(t.refresh_margin(), Duration::from_secs(1));
        assert!(t.is_fresh());
    }
}
