//! Tokens: the `/oauth/token` endpoint (account_credentials grant) and Bearer checks on `/v2`.
//!
//! Mirrors BEHAVIOR §1: Basic credentials compared byte for byte (a trailing newline is a wrong
//! client id, as on Zoom), parameters read from an `application/x-www-form-urlencoded` body or
//! the query string, `{"reason","error"}` error bodies with HTTP 400, and `{"code":124}` 401s
//! for expired or unknown tokens. Tokens are random opaque strings; this module is the only
//! place that sees them in full, and it never logs them.

use super::{DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use base64::Engine as _;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One minted token.
#[derive(Debug, Clone)]
struct TokenInfo {
    expires_at: Instant,
    revoked: bool,
}

/// Every token minted by this simulator.
#[derive(Debug)]
pub struct TokenStore {
    tokens: HashMap<String, TokenInfo>,
    rng: StdRng,
}

/// Why a Bearer token was refused; each maps to Zoom's 401 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Missing,
    Unknown,
    Expired,
    Revoked,
}

impl TokenProblem {
    pub fn message(self) -> &'static str {
        match self {
            TokenProblem::Expired => "Access token is expired.",
            _ => "Invalid access token.",
        }
    }
}

/// What the token endpoint was sent, already split out of headers, query and body.
#[derive(Debug, Default)]
pub struct TokenRequest<'a> {
    pub authorization: Option<&'a [u8]>,
    pub content_type: Option<&'a str>,
    pub query: &'a str,
    pub body: &'a [u8],
}

/// Settings that shape the token endpoint's answers.
#[derive(Debug, Clone)]
pub struct TokenPolicy {
    pub ttl: Duration,
    pub single_live_token: bool,
    pub strict_form: bool,
    /// Space-separated granted scopes, as sent in the `scope` field.
    pub scope: String,
    pub api_url: String,
}

/// The endpoint's answer: HTTP status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenAnswer {
    pub status: u16,
    pub body: Value,
    pub minted: bool,
}

fn oauth_error(reason: &str, error: &str) -> TokenAnswer {
    TokenAnswer {
        status: 400,
        body: json!({ "reason": reason, "error": error }),
        minted: false,
    }
}

/// Is `Authorization` exactly `Basic base64(DEMO_CLIENT_ID:DEMO_CLIENT_SECRET)`?
/// The decoded bytes are compared, so any base64 spelling of the right pair passes and any
/// extra byte (a newline from an env file, a space) fails.
fn client_is_valid(authorization: Option<&[u8]>) -> bool {
    let Some(value) = authorization else {
        return false;
    };
    let Some(encoded) = value.strip_prefix(b"Basic ") else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return false;
    };
    let expected = format!("{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}");
    decoded == expected.as_bytes()
}

impl TokenStore {
    pub fn new(seed: u64) -> TokenStore {
        // Tokens must differ between simulators with the same seed (they are credentials), so
        // the seed only mixes into fresh entropy rather than replacing it.
        let entropy: u64 = rand::rng().random();
        TokenStore {
            tokens: HashMap::new(),
            rng: StdRng::seed_from_u64(seed ^ entropy),
        }
    }

    /// Handle one `/oauth/token` request.
    pub fn token_endpoint(&mut self, req: &TokenRequest<'_>, policy: &TokenPolicy) -> TokenAnswer {
        if !client_is_valid(req.authorization) {
            return oauth_error("Invalid client_id or client_secret", "invalid_client");
        }
        let mut params: HashMap<String, String> = form_urlencoded::parse(req.query.as_bytes())
            .into_owned()
            .collect();
        let is_form = req
            .content_type
            .map(|ct| {
                ct.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
            .unwrap_or(false);
        if policy.strict_form {
            params.clear();
        }
        // A JSON (or any non-form) body is not read at all; that is how clients that send
        // `{"grant_type":...}` end up with "unsupported grant type" on Zoom.
        if is_form {
            params.extend(form_urlencoded::parse(req.body).into_owned());
        }
        if params.get("grant_type").map(String::as_str) != Some("account_credentials") {
            return oauth_error("unsupported grant type", "unsupported_grant_type");
        }
        if params.get("account_id").map(String::as_str) != Some(DEMO_ACCOUNT_ID) {
            return oauth_error("Bad Request", "invalid_request");
        }
        let token = self.mint(policy);
        TokenAnswer {
            status: 200,
            body: json!({
                "access_token": token,
                "token_type": "bearer",
                "expires_in": policy.ttl.as_secs(),
                "scope": policy.scope,
                "api_url": policy.api_url,
            }),
            minted: true,
        }
    }

    fn mint(&mut self, policy: &TokenPolicy) -> String {
        if policy.single_live_token {
            for info in self.tokens.values_mut() {
                info.revoked = true;
            }
        }
        // Shaped like Zoom's JWTs (three base64url parts) but opaque: clients must not decode it.
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"HS512","v":"2.0","kid":"sim"}"#);
        let mut payload = [0u8; 48];
        self.rng.fill(&mut payload[..]);
        let mut signature = [0u8; 32];
        self.rng.fill(&mut signature[..]);
        let token = format!("{header}.{}.{}", b64.encode(payload), b64.encode(signature));
        // Forget long-dead tokens so a long-running simulator does not grow without bound.
        let now = Instant::now();
        self.tokens
            .retain(|_, info| info.expires_at + Duration::from_secs(86_400) > now);
        self.tokens.insert(
            token.clone(),
            TokenInfo {
                expires_at: now + policy.ttl,
                revoked: false,
            },
        );
        token
    }

    /// Check an `Authorization` header value from an API request.
    pub fn check_bearer(&self, authorization: Option<&[u8]>) -> Result<(), TokenProblem> {
        let Some(value) = authorization else {
            return Err(TokenProblem::Missing);
        };
        let token = value
            .strip_prefix(b"Bearer ")
            .or_else(|| value.strip_prefix(b"bearer "))
            .ok_or(TokenProblem::Unknown)?;
        let token = std::str::from_utf8(token).map_err(|_| TokenProblem::Unknown)?;
        let info = self.tokens.get(token.trim()).ok_or(TokenProblem::Unknown)?;
        if info.revoked {
            Err(TokenProblem::Revoked)
        } else if Instant::now() >= info.expires_at {
            Err(TokenProblem::Expired)
        } else {
            Ok(())
        }
    }

    /// Revoke every token (the app was deactivated, or a test wants 401s).
    pub fn revoke_all(&mut self) {
        for info in self.tokens.values_mut() {
            info.revoked = true;
        }
    }

    /// Every token minted and not yet forgotten (tests check that none was printed).
    pub fn issued(&self) -> Vec<String> {
        self.tokens.keys().cloned().collect()
    }

    /// Is this string one of our tokens? Used to scrub the request log.
    pub fn is_token(&self, s: &str) -> bool {
        self.tokens.contains_key(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TokenPolicy {
        TokenPolicy {
            ttl: Duration::from_secs(3599),
            single_live_token: false,
            strict_form: false,
            scope: "user:read:admin".into(),
            api_url: "http://127.0.0.1:1".into(),
        }
    }

    fn basic(id: &str, secret: &str) -> Vec<u8> {
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        format!("Basic {b}").into_bytes()
    }

    fn form_request<'a>(auth: &'a [u8], body: &'a [u8]) -> TokenRequest<'a> {
        TokenRequest {
            authorization: Some(auth),
            content_type: Some("application/x-www-form-urlencoded"),
            query: "",
            body,
        }
    }

    #[test]
    fn form_body_mints_and_token_works() {
        let mut store = TokenStore::new(1);
        let auth = basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
        let body = format!("grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}");
        let a = store.token_endpoint(&form_request(&auth, body.as_bytes()), &policy());
        assert_eq!(a.status, 200);
        assert_eq!(a.body["token_type"], "bearer");
        assert_eq!(a.body["expires_in"], 3599);
        let token = a.body["access_token"].as_str().unwrap();
        let header = format!("Bearer {token}");
        assert_eq!(store.check_bearer(Some(header.as_bytes())), Ok(()));
        assert_eq!(
            store.check_bearer(Some(b"Bearer nope")),
            Err(TokenProblem::Unknown)
        );
        store.revoke_all();
        assert_eq!(
            store.check_bearer(Some(header.as_bytes())),
            Err(TokenProblem::Revoked)
        );
    }

    #[test]
    fn client_id_with_newline_is_invalid_client() {
        // CASES B01: a trailing newline from an env file is a different client id.
        let mut store = TokenStore::new(1);
        let auth = basic(&format!("{DEMO_CLIENT_ID}\n"), DEMO_CLIENT_SECRET);
        let a = store.token_endpoint(
            &form_request(&auth, b"grant_type=account_credentials&account_id=ACC1demo"),
            &policy(),
        );
        assert_eq!(a.status, 400);
        assert_eq!(
            a.body,
            json!({"reason":"Invalid client_id or client_secret","error":"invalid_client"})
        );
    }

    #[test]
    fn json_body_is_unsupported_grant() {
        // CASES B03.
        let mut store = TokenStore::new(1);
        let auth = basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
        let req = TokenRequest {
            authorization: Some(&auth),
            content_type: Some("application/json"),
            query: "",
            body: br#"{"grant_type":"account_credentials","account_id":"ACC1demo"}"#,
        };
        let a = store.token_endpoint(&req, &policy());
        assert_eq!(a.body["error"], "unsupported_grant_type");
    }

    #[test]
    fn strict_mode_ignores_query_params() {
        let mut store = TokenStore::new(1);
        let auth = basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
        let query = format!("grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}");
        let req = TokenRequest {
            authorization: Some(&auth),
            content_type: None,
            query: &query,
            body: b"",
        };
        assert_eq!(store.token_endpoint(&req, &policy()).status, 200);
        let strict = TokenPolicy {
            strict_form: true,
            ..policy()
        };
        assert_eq!(store.token_endpoint(&req, &strict).status, 400);
    }

    #[test]
    fn single_live_token_revokes_earlier_ones() {
        // CASES B04.
        let mut store = TokenStore::new(1);
        let p = TokenPolicy {
            single_live_token: true,
            ..policy()
        };
        let t1 = store.mint(&p);
        let t2 = store.mint(&p);
        assert_eq!(
            store.check_bearer(Some(format!("Bearer {t1}").as_bytes())),
            Err(TokenProblem::Revoked)
        );
        assert_eq!(
            store.check_bearer(Some(format!("Bearer {t2}").as_bytes())),
            Ok(())
        );
    }
}
