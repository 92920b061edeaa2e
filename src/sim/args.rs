//! The simulator's options: `zoomsh sim --port ... --faults ...`, also read from `ZOOMSH_SIM_*`.
//!
//! Owns parsing and defaults only; nothing here touches the network. The fault grammar itself
//! lives in [`super::faults`], which this module uses as a clap value parser so a bad spec is a
//! usage error before anything starts.

use super::faults::FaultSpec;
use clap::{Args, Parser, ValueEnum};

/// The Zoom plan the simulated account is on; it sizes the rate limits (BEHAVIOR §3.2).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    Free,
    Pro,
    #[default]
    Business,
    /// No rate limits at all (not a Zoom plan: for benchmarks and bulk rehearsals).
    Unlimited,
}

impl Plan {
    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Pro => "pro",
            Plan::Business => "business",
            Plan::Unlimited => "unlimited",
        }
    }
}

/// Options of the Zoom-compatible simulator. Every option can also be set with an environment
/// variable `ZOOMSH_SIM_<NAME>` (for example `ZOOMSH_SIM_PLAN=free`), which is how `--sim` on
/// other commands is configured.
#[derive(Args, Debug, Clone, PartialEq)]
pub struct SimArgs {
    /// TCP port on 127.0.0.1 (0 picks a free port).
    #[arg(long, env = "ZOOMSH_SIM_PORT", default_value_t = 0)]
    pub port: u16,

    /// Number of users in the generated demo account.
    #[arg(long, env = "ZOOMSH_SIM_USERS", default_value_t = 40)]
    pub users: usize,

    /// Seed for the generated account and for fault injection (same seed, same data).
    #[arg(long, env = "ZOOMSH_SIM_SEED", default_value_t = 1)]
    pub seed: u64,

    /// Plan whose rate limits apply; `unlimited` turns rate limiting off.
    #[arg(long, env = "ZOOMSH_SIM_PLAN", value_enum, default_value_t = Plan::Business)]
    pub plan: Plan,

    /// Lifetime of minted access tokens, in seconds (Zoom: 3599).
    #[arg(
        long,
        env = "ZOOMSH_SIM_TOKEN_TTL",
        default_value_t = 3599,
        value_name = "SECS"
    )]
    pub token_ttl: u64,

    /// Scopes granted to the app, comma or space separated (default: every scope in the catalog).
    #[arg(long, env = "ZOOMSH_SIM_SCOPES", value_name = "LIST")]
    pub scopes: Option<String>,

    /// Delay added to every response, in milliseconds.
    #[arg(
        long,
        env = "ZOOMSH_SIM_LATENCY",
        default_value_t = 0,
        value_name = "MS"
    )]
    pub latency: u64,

    /// Fault injection, deterministic under --seed. Comma-separated KEY=VALUE items:
    /// `5xx=R` (ratio 0..1 of 500/502/503/504 JSON errors), `429=R` (ratio of 429s without
    /// rate-limit headers), `429burst=N` (the first N API calls get a 429 without headers),
    /// `429daily=N` (the first N API calls get a daily-limit 429 with Retry-After at 00:00 UTC),
    /// `reset=R` (connection dropped without a response), `html=R` (400 text/html body),
    /// `xml=R` (400 XML error body), `empty=R` (502 with an empty body),
    /// `on=api|oauth|all` (where faults apply; default all; 429s only ever hit the API).
    /// Example: `5xx=0.05,429burst=3,reset=0.02,html=0.01`.
    #[arg(long, env = "ZOOMSH_SIM_FAULTS", value_name = "SPEC", value_parser = FaultSpec::parse, default_value = "")]
    pub faults: FaultSpec,

    /// Lifetime of next_page_token values, in seconds (Zoom: 15 minutes).
    #[arg(
        long,
        env = "ZOOMSH_SIM_PAGE_TOKEN_TTL",
        default_value_t = 900,
        value_name = "SECS"
    )]
    pub page_token_ttl: u64,

    /// Pre-June-2023 behaviour: minting a token revokes every earlier token.
    #[arg(long, env = "ZOOMSH_SIM_SINGLE_LIVE_TOKEN")]
    pub single_live_token: bool,

    /// Token requests must carry grant_type/account_id in a form body, not the query string.
    #[arg(long, env = "ZOOMSH_SIM_STRICT_TOKEN_FORM")]
    pub strict_token_form: bool,
}

/// A wrapper so `SimArgs` can be parsed on its own (for [`SimArgs::from_env`] and tests).
#[derive(Parser, Debug)]
#[command(name = "sim")]
struct Standalone {
    #[command(flatten)]
    args: SimArgs,
}

impl Default for SimArgs {
    fn default() -> Self {
        SimArgs {
            port: 0,
            users: 40,
            seed: 1,
            plan: Plan::Business,
            token_ttl: 3599,
            scopes: None,
            latency: 0,
            faults: FaultSpec::default(),
            page_token_ttl: 900,
            single_live_token: false,
            strict_token_form: false,
        }
    }
}

impl SimArgs {
    /// Defaults overridden by any `ZOOMSH_SIM_*` environment variables.
    ///
    /// A malformed variable is reported on stderr and the defaults are used instead, so an
    /// embedding program never panics on a bad environment; use [`SimArgs::try_from_env`] to
    /// handle the error yourself.
    pub fn from_env() -> SimArgs {
        match SimArgs::try_from_env() {
            Ok(args) => args,
            Err(err) => {
                crate::stderr_line!("zoomsh sim: ignoring ZOOMSH_SIM_* settings: {err}");
                SimArgs::default()
            }
        }
    }

    /// Defaults overridden by `ZOOMSH_SIM_*` environment variables, or the parse error.
    pub fn try_from_env() -> Result<SimArgs, clap::Error> {
        Standalone::try_parse_from(["sim"]).map(|s| s.args)
    }

    /// Parse a command line of simulator options (without the program name); for tests and
    /// embedders that build options from strings.
    pub fn try_parse_from<I, T>(args: I) -> Result<SimArgs, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let argv = std::iter::once(std::ffi::OsString::from("sim"))
            .chain(args.into_iter().map(Into::into));
        Standalone::try_parse_from(argv).map(|s| s.args)
    }

    /// The granted scopes as a list, or `None` for "every scope".
    pub fn scope_list(&self) -> Option<Vec<String>> {
        self.scopes.as_ref().map(|s| {
            s.split([',', ' ', '\n', '\t'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_default_impl() {
        let parsed = SimArgs::try_parse_from(Vec::<String>::new()).unwrap();
        assert_eq!(parsed, SimArgs::default());
    }

    #[test]
    fn options_parse() {
        let a = SimArgs::try_parse_from([
            "--plan",
            "free",
            "--scopes",
            "user:read:admin, meeting:read:admin",
            "--faults",
            "5xx=0.5,429burst=2",
            "--single-live-token",
        ])
        .unwrap();
        assert_eq!(a.plan, Plan::Free);
        assert_eq!(
            a.scope_list().unwrap(),
            vec!["user:read:admin", "meeting:read:admin"]
        );
        assert_eq!(a.faults.burst_429, 2);
        assert!(a.single_live_token);
    }

    #[test]
    fn bad_fault_spec_is_a_usage_error() {
        assert!(SimArgs::try_parse_from(["--faults", "5xx=2"]).is_err());
        assert!(SimArgs::try_parse_from(["--faults", "bogus=1"]).is_err());
    }
}
