//! Where zoomsh's settings come from: flags > environment > `.env` in the working directory >
//! the config file's profile (see [`crate::profile`]) > defaults.
//!
//! Values are trimmed (a trailing newline from `$(cat secret.txt)` is the classic cause of
//! Zoom's `invalid_client`), and an empty value counts as missing. Credentials are checked only
//! when a command first needs a token, so `zoomsh eval '1 + 1'` runs without any. The secret is
//! held in a [`Secret`] from the moment it is read.

use crate::error::Error;
use crate::profile::Selected;
use crate::secret::Secret;
use crate::zoom::{ClientOptions, DiskCache, Plan};
use reqwest::Url;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_OAUTH_URL: &str = "https://zoom.us";
pub const DEFAULT_API_URL: &str = "https://api.zoom.us";

/// A Server-to-Server OAuth app's credentials.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// The config-file profile that supplied any of them, for error hints.
    pub profile: Option<String>,
}

/// What the Zoom client needs to know, resolved from every source.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The credentials, or the one-line error to give when a token is first needed.
    pub credentials: Result<Credentials, String>,
    /// Base URL of the token endpoint host (`/oauth/token` is appended).
    pub oauth_url: Url,
    /// Base URL of the API host (`/v2` is appended) when the user chose one; otherwise the
    /// token response's `api_url` or [`DEFAULT_API_URL`] is used.
    pub api_url: Option<Url>,
}

/// Values given on the command line; they win over everything else.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub oauth_url: Option<String>,
    pub api_url: Option<String>,
    /// `--plan` (else `ZOOMSH_PLAN`).
    pub plan: Option<String>,
    /// `--no-token-cache` (else `ZOOMSH_NO_TOKEN_CACHE=1`).
    pub no_token_cache: bool,
    /// `--retries` (else `ZOOMSH_RETRIES`).
    pub retries: Option<String>,
    /// `--retry-wait` seconds (else `ZOOMSH_RETRY_WAIT`).
    pub retry_wait: Option<String>,
    /// `--max-retry-time` seconds (else `ZOOMSH_MAX_RETRY_TIME`).
    pub max_retry_time: Option<String>,
}

/// The client's tunables from flags and environment: plan, retries, token cache.
///
/// The plan comes from `--plan`, `ZOOMSH_PLAN`, the profile's `plan`, in that order. `sim_plan`
/// is the plan of an in-process simulator (`--sim`): it is the default plan then, and the disk
/// cache stays off (each run's simulator mints tokens no other run can use).
pub fn client_options(
    overrides: &Overrides,
    env: &Env,
    profile_plan: Option<&str>,
    sim_plan: Option<Plan>,
) -> Result<ClientOptions, Error> {
    let mut options = ClientOptions::default();
    let value = |flag: &Option<String>, var: &'static str, flag_name: &'static str| match flag
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => Some((v.to_string(), flag_name)),
        None => env.get(var).map(|v| (v, var)),
    };
    let plan = value(&overrides.plan, "ZOOMSH_PLAN", "--plan").or_else(|| {
        profile_plan
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| (p.to_string(), "the profile's plan"))
    });
    match plan {
        Some((v, source)) => {
            options.plan = Plan::parse(&v).ok_or_else(|| {
                Error::Usage(format!(
                    "{source} {v:?} is not a Zoom plan; use {} (the plan sizes zoomsh's rate limits)",
                    Plan::NAMES
                ))
            })?;
        }
        None => options.plan = sim_plan.unwrap_or_default(),
    }
    if let Some((v, source)) = value(&overrides.retries, "ZOOMSH_RETRIES", "--retries") {
        options.retry.retries = v.parse::<u32>().ok().filter(|n| *n <= 100).ok_or_else(|| {
            Error::Usage(format!(
                "{source} {v:?} is not a number of retries; give a whole number from 0 to 100"
            ))
        })?;
    }
    if let Some((v, source)) = value(&overrides.retry_wait, "ZOOMSH_RETRY_WAIT", "--retry-wait") {
        options.retry.base_wait = seconds(&v, source)?;
    }
    if let Some((v, source)) = value(
        &overrides.max_retry_time,
        "ZOOMSH_MAX_RETRY_TIME",
        "--max-retry-time",
    ) {
        options.retry.max_total_wait = seconds(&v, source)?;
    }
    let cache_off = overrides.no_token_cache
        || env
            .get("ZOOMSH_NO_TOKEN_CACHE")
            .is_some_and(|v| !matches!(v.to_ascii_lowercase().as_str(), "0" | "false" | "no"))
        || sim_plan.is_some();
    if !cache_off {
        options.token_cache = DiskCache::default_root(env.get("ZOOMSH_CACHE_DIR").as_deref());
    }
    Ok(options)
}

fn seconds(value: &str, source: &str) -> Result<Duration, Error> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && (0.0..=86_400.0).contains(s))
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{source} {value:?} is not a number of seconds; give one such as 1 or 0.5"
            ))
        })
}

/// The environment as zoomsh sees it: the process environment over a `.env` file.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    /// The `.env` file read, when it holds a client secret (for the file-mode warning).
    dotenv_secret: Option<PathBuf>,
}

impl Env {
    /// The process environment plus `.env` in `dir` (process variables win, as with dotenv).
    pub fn load(dir: &Path) -> Result<Env, Error> {
        let mut vars = HashMap::new();
        let mut dotenv_secret = None;
        let dotenv = dir.join(".env");
        if dotenv.is_file() {
            let raw = std::fs::read_to_string(&dotenv).map_err(|e| {
                Error::Usage(format!(
                    "cannot read {}: {e}; fix or remove the file",
                    dotenv.display()
                ))
            })?;
            // Windows editors save a byte-order mark; it is not part of the first name.
            let text = raw.strip_prefix('\u{feff}').unwrap_or(&raw);
            for item in dotenvy::from_read_iter(text.as_bytes()) {
                let (k, v) = item.map_err(|e| dotenv_error(&dotenv, text, &e))?;
                if k == "ZOOM_CLIENT_SECRET" && !v.trim().is_empty() {
                    dotenv_secret = Some(dotenv.clone());
                }
                vars.insert(k, v);
            }
        }
        vars.extend(std::env::vars());
        Ok(Env {
            vars,
            dotenv_secret,
        })
    }

    /// An environment made of exactly these pairs (for embedding and tests).
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            dotenv_secret: None,
        }
    }

    /// The `.env` file that was read, if it holds `ZOOM_CLIENT_SECRET`.
    pub fn dotenv_with_secret(&self) -> Option<&Path> {
        self.dotenv_secret.as_deref()
    }

    /// A trimmed, non-empty value.
    pub fn get(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

impl Settings {
    pub fn resolve(overrides: &Overrides, env: &Env) -> Result<Settings, Error> {
        Settings::resolve_with_profile(overrides, env, None)
    }

    /// Resolve with a config-file profile below the environment. A `client_secret_cmd` runs
    /// here only when neither the environment nor the profile gives the secret outright.
    pub fn resolve_with_profile(
        overrides: &Overrides,
        env: &Env,
        profile: Option<&Selected>,
    ) -> Result<Settings, Error> {
        let from_profile = |field: fn(&Selected) -> Option<&String>, name: &str| {
            profile.and_then(|p| {
                field(p).map(|v| (v.trim().to_string(), format!("profile {:?} {name}", p.name)))
            })
        };
        let oauth = pick(&overrides.oauth_url, env, "ZOOMSH_OAUTH_URL")
            .or_else(|| from_profile(|p| p.profile.oauth_url.as_ref(), "oauth_url"));
        let oauth_url = match oauth {
            Some((value, source)) => parse_base_url(&value, &source)?,
            None => Url::parse(DEFAULT_OAUTH_URL).expect("default URL parses"),
        };
        let api = pick(&overrides.api_url, env, "ZOOMSH_API_URL")
            .or_else(|| from_profile(|p| p.profile.api_url.as_ref(), "api_url"));
        let api_url = match api {
            Some((value, source)) => Some(parse_base_url(&value, &source)?),
            None => None,
        };
        Ok(Settings {
            credentials: credentials_from(env, profile),
            oauth_url,
            api_url,
        })
    }
}

fn pick(flag: &Option<String>, env: &Env, var: &'static str) -> Option<(String, String)> {
    let flag_name = match var {
        "ZOOMSH_OAUTH_URL" => "--oauth-url",
        _ => "--api-url",
    };
    match flag.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Some((v.to_string(), flag_name.to_string())),
        None => env.get(var).map(|v| (v, var.to_string())),
    }
}

fn credentials_from(env: &Env, profile: Option<&Selected>) -> Result<Credentials, String> {
    let missing = |name: &str, key: &str| match profile {
        Some(p) => format!(
            "{name} is not set and profile {:?} in {} has no {key}: add it there, or export {name}",
            p.name,
            p.path.display()
        ),
        None => format!(
            "{name} is not set: export it or put {name}=... in .env \
             (the values are on your Server-to-Server OAuth app's page in the Zoom App Marketplace), \
             or add --sim to try the built-in simulator"
        ),
    };
    let field = |name: &str, key: &str, value: Option<&String>| {
        env.get(name)
            .or_else(|| {
                value
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            })
            .ok_or_else(|| missing(name, key))
    };
    let account_id = field(
        "ZOOM_ACCOUNT_ID",
        "account_id",
        profile.and_then(|p| p.profile.account_id.as_ref()),
    )?;
    let client_id = field(
        "ZOOM_CLIENT_ID",
        "client_id",
        profile.and_then(|p| p.profile.client_id.as_ref()),
    )?;
    let client_secret = match env.get("ZOOM_CLIENT_SECRET") {
        Some(v) => Secret::new(v),
        None => match profile {
            Some(p) => p
                .client_secret()?
                .filter(|s| !s.expose().trim().is_empty())
                .map(|s| Secret::new(s.expose().trim()))
                .ok_or_else(|| {
                    missing("ZOOM_CLIENT_SECRET", "client_secret or client_secret_cmd")
                })?,
            None => return Err(missing("ZOOM_CLIENT_SECRET", "client_secret")),
        },
    };
    // Name the profile in hints when it supplied any value the environment did not.
    let profile_used = profile.filter(|p| {
        (env.get("ZOOM_ACCOUNT_ID").is_none() && p.profile.account_id.is_some())
            || (env.get("ZOOM_CLIENT_ID").is_none() && p.profile.client_id.is_some())
            || env.get("ZOOM_CLIENT_SECRET").is_none()
    });
    Ok(Credentials {
        account_id,
        client_id,
        client_secret,
        profile: profile_used.map(|p| p.name.clone()),
    })
}

/// Parse a base URL and refuse plain `http://` except to loopback: credentials and tokens
/// travel to these hosts.
pub fn parse_base_url(value: &str, source: &str) -> Result<Url, Error> {
    let url = Url::parse(value).map_err(|e| {
        Error::Usage(format!(
            "{source} is not a URL ({value:?}: {e}); give a base URL such as https://zoom.us"
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::Usage(format!(
                "{source} uses plain http to a non-loopback host ({value}); credentials and tokens \
                 are only sent over https: use https://"
            )));
        }
        other => {
            return Err(Error::Usage(format!(
                "{source} has scheme {other:?} ({value}); use an https:// URL"
            )));
        }
    }
    if url.host_str().is_none() {
        return Err(Error::Usage(format!(
            "{source} has no host ({value}); give a base URL such as https://zoom.us"
        )));
    }
    Ok(url)
}

/// Is the URL's host this machine (127.0.0.0/8, ::1 or `localhost`)?
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A `.env` parse error that names the line and the variable but never shows the value: the
/// line is often the one holding the client secret.
fn dotenv_error(path: &Path, text: &str, e: &dotenvy::Error) -> Error {
    let dotenvy::Error::LineParse(content, _) = e else {
        return Error::Usage(format!(
            "cannot read {}: {e}; fix or remove the file",
            path.display()
        ));
    };
    let first = content.lines().next().unwrap_or("");
    let line = text
        .find(first)
        .map(|at| text[..at].matches('\n').count() + 1)
        .unwrap_or(0);
    let name = first
        .trim_start()
        .trim_start_matches("export ")
        .split('=')
        .next()
        .unwrap_or("")
        .trim();
    Error::Usage(format!(
        "cannot parse {} line {line} ({name}): the value has an unclosed quote or text after it; \
         write NAME=value, quoting a value that has spaces or quotes",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_dotenv_line_is_named_without_its_value() {
        // Found trying zoomsh as a new user: the parse error printed the secret.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "\u{feff}ZOOM_ACCOUNT_ID=ACC1\nZOOM_CLIENT_SECRET=\"hunter2-secret\nZOOM_CLIENT_ID=x\n",
        )
        .unwrap();
        let err = Env::load(dir.path()).unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(
            err.contains(".env line 2 (ZOOM_CLIENT_SECRET): the value has an unclosed quote"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "\u{feff}ZOOM_ACCOUNT_ID=ACC1\n").unwrap();
        let env = Env::load(dir.path()).unwrap();
        assert_eq!(env.get("ZOOM_ACCOUNT_ID").as_deref(), Some("ACC1"));
    }

    #[test]
    fn values_are_trimmed_and_empty_is_missing() {
        let env = Env::from_pairs([
            ("ZOOM_ACCOUNT_ID", " ACC1 \n"),
            ("ZOOM_CLIENT_ID", "CID1\n"),
            ("ZOOM_CLIENT_SECRET", "   "),
        ]);
        let s = Settings::resolve(&Overrides::default(), &env).unwrap();
        let err = s.credentials.unwrap_err();
        assert!(err.starts_with("ZOOM_CLIENT_SECRET is not set"), "{err}");
        assert_eq!(env.get("ZOOM_ACCOUNT_ID").as_deref(), Some("ACC1"));
    }

    #[test]
    fn flags_win_over_env() {
        let env = Env::from_pairs([("ZOOMSH_API_URL", "https://api-eu.zoom.us")]);
        let o = Overrides {
            api_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        let s = Settings::resolve(&o, &env).unwrap();
        assert_eq!(s.api_url.unwrap().as_str(), "http://127.0.0.1:9/");
        assert_eq!(s.oauth_url.as_str(), "https://zoom.us/");
    }

    fn profile(toml_text: &str) -> Selected {
        let file =
            crate::profile::ConfigFile::parse(toml_text, Path::new("/c/config.toml")).unwrap();
        Selected {
            name: "work".into(),
            path: "/c/config.toml".into(),
            profile: file.profiles["work"].clone(),
        }
    }

    #[test]
    fn flags_then_env_then_profile_then_defaults() {
        let p = profile(
            "[profiles.work]\naccount_id = \"P-ACC\"\nclient_id = \"P-CID\"\n\
             client_secret = \"p-secret\"\napi_url = \"https://api-p.zoom.us\"\n\
             oauth_url = \"https://p.zoom.us\"\n",
        );
        // The profile alone: every value from it.
        let s = Settings::resolve_with_profile(&Overrides::default(), &Env::default(), Some(&p))
            .unwrap();
        let c = s.credentials.unwrap();
        assert_eq!(
            (c.account_id.as_str(), c.client_id.as_str()),
            ("P-ACC", "P-CID")
        );
        assert_eq!(c.client_secret.expose(), "p-secret");
        assert_eq!(s.oauth_url.as_str(), "https://p.zoom.us/");
        assert_eq!(s.api_url.unwrap().as_str(), "https://api-p.zoom.us/");
        // The environment over the profile, field by field; a flag over both.
        let env = Env::from_pairs([
            ("ZOOM_CLIENT_ID", "E-CID"),
            ("ZOOM_CLIENT_SECRET", "e-secret"),
            ("ZOOMSH_API_URL", "https://api-e.zoom.us"),
            ("ZOOMSH_OAUTH_URL", "https://e.zoom.us"),
        ]);
        let o = Overrides {
            api_url: Some("https://api-f.zoom.us".into()),
            ..Default::default()
        };
        let s = Settings::resolve_with_profile(&o, &env, Some(&p)).unwrap();
        let c = s.credentials.unwrap();
        assert_eq!(
            (c.account_id.as_str(), c.client_id.as_str()),
            ("P-ACC", "E-CID")
        );
        assert_eq!(c.client_secret.expose(), "e-secret");
        assert_eq!(s.oauth_url.as_str(), "https://e.zoom.us/");
        assert_eq!(s.api_url.unwrap().as_str(), "https://api-f.zoom.us/");
        // No profile value and no environment: the defaults.
        let s = Settings::resolve_with_profile(
            &Overrides::default(),
            &Env::default(),
            Some(&profile("[profiles.work]\n")),
        )
        .unwrap();
        assert_eq!(s.oauth_url.as_str(), "https://zoom.us/");
        assert!(s.api_url.is_none());
        assert_eq!(
            s.credentials.unwrap_err(),
            "ZOOM_ACCOUNT_ID is not set and profile \"work\" in /c/config.toml has no account_id: \
             add it there, or export ZOOM_ACCOUNT_ID"
        );
    }

    #[test]
    fn a_bad_url_in_a_profile_names_the_profile() {
        let p = profile("[profiles.work]\napi_url = \"http://api.example.com\"\n");
        let e = Settings::resolve_with_profile(&Overrides::default(), &Env::default(), Some(&p))
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("profile \"work\" api_url uses plain http to a non-loopback host"),
            "{e}"
        );
    }

    #[test]
    fn client_options_come_from_flags_then_env() {
        let env = Env::from_pairs([
            ("ZOOMSH_PLAN", "free"),
            ("ZOOMSH_RETRIES", "2"),
            ("ZOOMSH_CACHE_DIR", "/tmp/zc"),
        ]);
        let o = Overrides {
            plan: Some("business".into()),
            retry_wait: Some("0.25".into()),
            ..Default::default()
        };
        let c = client_options(&o, &env, None, None).unwrap();
        assert_eq!(c.plan, Plan::Business);
        assert_eq!(c.retry.retries, 2);
        assert_eq!(c.retry.base_wait, Duration::from_millis(250));
        assert_eq!(c.token_cache.as_deref(), Some(Path::new("/tmp/zc")));
        let off = Overrides {
            no_token_cache: true,
            ..Default::default()
        };
        assert_eq!(
            client_options(&off, &env, None, None).unwrap().token_cache,
            None
        );
        // The environment wins over the profile; the profile over the default.
        assert_eq!(
            client_options(&Overrides::default(), &env, Some("business"), None)
                .unwrap()
                .plan,
            Plan::Free
        );
        assert_eq!(
            client_options(
                &Overrides::default(),
                &Env::default(),
                Some("business"),
                None
            )
            .unwrap()
            .plan,
            Plan::Business
        );
        // --sim: the simulator's plan, no disk cache.
        let sim = client_options(
            &Overrides::default(),
            &Env::default(),
            None,
            Some(Plan::Free),
        )
        .unwrap();
        assert_eq!((sim.plan, sim.token_cache), (Plan::Free, None));
    }

    #[test]
    fn bad_client_options_name_their_source() {
        let env = Env::from_pairs([("ZOOMSH_PLAN", "gold")]);
        let err = client_options(&Overrides::default(), &env, None, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ZOOMSH_PLAN \"gold\" is not a Zoom plan; use free, pro, business or unlimited (the plan \
             sizes zoomsh's rate limits)"
        );
        let o = Overrides {
            retries: Some("-1".into()),
            ..Default::default()
        };
        assert!(
            client_options(&o, &Env::default(), None, None)
                .unwrap_err()
                .to_string()
                .starts_with("--retries \"-1\" is not a number of retries")
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let err = parse_base_url("http://zoom.example.com", "ZOOMSH_OAUTH_URL").unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
        assert!(parse_base_url("http://localhost:8080", "x").is_ok());
        assert!(parse_base_url("http://[::1]:8080", "x").is_ok());
    }
}
