//! The command line: clap definitions (their doc comments are the help text) and the dispatch
//! of each command.
//!
//! House rules: every command takes the global flags (`--sim`, `--oauth-url`, `--api-url`, `-v`);
//! a command prints its result on stdout and everything else on stderr; errors come back as
//! [`Error`] and `main` turns them into exit codes.

use crate::check;
use crate::config::{Env, Overrides, Settings};
use crate::error::Error;
use crate::repl;
use crate::script::HostOptions;
use crate::script::convert::to_json;
use crate::session::Session;
use crate::sim::{self, SimArgs};
use crate::zoom::ClientOptions;
use clap::{Parser, Subcommand};
use rhai::{Dynamic, Map};
use std::io::IsTerminal;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  script error (syntax or runtime)
  2  usage or configuration error (a flag, a missing ZOOM_* variable, an unreadable file)
  3  authentication failure (the token endpoint refused the credentials)
  4  an HTTP 4xx from Zoom that the script did not catch (check: a scope the token lacks)
  5  an HTTP 5xx, a network error, a timeout, or a page walk Zoom broke (a repeated page token)

Credentials come from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, in the environment
or in a .env file in the working directory. Try it without an account: zoomsh --sim run FILE";

/// Script the Zoom API in Rhai. Server-to-Server OAuth tokens, retries and Zoom's error shapes
/// are handled underneath.
#[derive(Parser, Debug)]
#[command(name = "zoomsh", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Run against the built-in Zoom simulator with its demo account (its options come from
    /// ZOOMSH_SIM_* variables, see `zoomsh sim --help`)
    #[arg(long, global = true)]
    pub sim: bool,

    /// Base URL of the OAuth host [env: ZOOMSH_OAUTH_URL] [default: https://zoom.us]
    #[arg(long, global = true, value_name = "URL")]
    pub oauth_url: Option<String>,

    /// Base URL of the API host [env: ZOOMSH_API_URL] [default: the token's api_url, else https://api.zoom.us]
    #[arg(long, global = true, value_name = "URL")]
    pub api_url: Option<String>,

    /// Trace on stderr: -v each call (method, URL, status, time), -vv more detail. Secrets and
    /// tokens are never printed.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Send reads (GET) but not writes: POST, PATCH, PUT and DELETE are printed on stderr and
    /// answered with a made-up success marked `dry_run: true`; a summary of what would have
    /// changed ends the run
    #[arg(long, global = true)]
    pub dry_run: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a Rhai script file
    Run {
        /// The script (.rhai)
        file: PathBuf,
        /// A value for the script's `args` map (repeatable): --arg from=2026-01-01
        #[arg(long = "arg", value_name = "KEY=VALUE", value_parser = parse_key_value)]
        args: Vec<(String, String)>,
    },
    /// Evaluate an expression and print its value (maps and arrays as JSON)
    Eval {
        /// Rhai code, e.g. 'zoom.get("/users/me").email'
        expr: String,
    },
    /// List the Zoom operations a script calls, with the scopes and rate-limit category each
    /// needs, and compare them with the token's scopes without running the script
    #[command(
        after_help = "Exit codes: 0 every operation found is covered (or no credentials to \
        compare with), 1 the script has a syntax error, 2 the file cannot be read, 3 no token could \
        be minted, 4 the token lacks a scope for an operation the script calls. Calls whose path is \
        computed at run time are listed as not resolved and do not change the exit code."
    )]
    Check {
        /// The script (.rhai)
        file: PathBuf,
    },
    /// Print a fresh access token (for curl and other tools)
    Token,
    /// Start an interactive session
    Repl,
    /// Serve the Zoom-compatible simulator on 127.0.0.1 and print its settings as `export` lines
    Sim(SimArgs),
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "{s:?} is not KEY=VALUE; write it like --arg from=2026-01-01"
        )),
    }
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    let command = match cli.command {
        Some(c) => c,
        None if std::io::stdin().is_terminal() => Command::Repl,
        None => {
            return Err(Error::Usage(
                "no command given; try `zoomsh --help`, or `zoomsh --sim run examples/whoami.rhai`"
                    .into(),
            ));
        }
    };
    if let Command::Sim(args) = &command {
        return serve_simulator(args);
    }
    if let Command::Check { file } = &command {
        return check_script(file, cli.sim, &cli.oauth_url, &cli.api_url);
    }
    let session = open_session(cli.sim, &cli.oauth_url, &cli.api_url)?;
    if cli.dry_run {
        session.client().set_dry_run(true);
    }
    let shows_summary = cli.dry_run && !matches!(command, Command::Token);
    let result = run_command(command, &session);
    if shows_summary {
        eprintln!("dry-run: {}", session.client().dry_run_summary());
    }
    result
}

fn run_command(command: Command, session: &Session) -> Result<(), Error> {
    match command {
        Command::Run { file, args } => {
            let mut map = Map::new();
            for (k, v) in args {
                map.insert(k.into(), v.into());
            }
            let mut host = session.host(HostOptions {
                args: map,
                ..HostOptions::default()
            });
            let _value = host.run_file(&file)?;
            Ok(())
        }
        Command::Eval { expr } => {
            let mut host = session.host(HostOptions::default());
            let value = host.run_source(&expr, "<eval>")?;
            print_value(&value);
            Ok(())
        }
        Command::Token => {
            let token = session.runtime().block_on(session.client().token())?;
            println!("{}", token.access_token.expose());
            Ok(())
        }
        Command::Repl => {
            session.cancel_on_ctrl_c();
            repl::run(session)
        }
        Command::Sim(_) | Command::Check { .. } => unreachable!("handled in run"),
    }
}

fn open_session(
    use_sim: bool,
    oauth_url: &Option<String>,
    api_url: &Option<String>,
) -> Result<Session, Error> {
    let options = ClientOptions::default();
    if use_sim {
        return Session::with_simulator(&SimArgs::from_env(), &options);
    }
    Session::new(&resolve_settings(oauth_url, api_url)?, &options)
}

fn resolve_settings(
    oauth_url: &Option<String>,
    api_url: &Option<String>,
) -> Result<Settings, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Io(format!("cannot read the working directory: {e}")))?;
    let env = Env::load(&cwd)?;
    let overrides = Overrides {
        oauth_url: oauth_url.clone(),
        api_url: api_url.clone(),
    };
    Settings::resolve(&overrides, &env)
}

/// `zoomsh check`: compare with a token only when there are credentials (or `--sim`).
fn check_script(
    file: &std::path::Path,
    use_sim: bool,
    oauth_url: &Option<String>,
    api_url: &Option<String>,
) -> Result<(), Error> {
    if use_sim {
        let session = open_session(true, oauth_url, api_url)?;
        return check::run(file, Some(&session));
    }
    let settings = resolve_settings(oauth_url, api_url)?;
    if settings.credentials.is_err() {
        return check::run(file, None);
    }
    let session = Session::new(&settings, &ClientOptions::default())?;
    check::run(file, Some(&session))
}

fn serve_simulator(args: &SimArgs) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the I/O runtime: {e}")))?;
    runtime
        .block_on(sim::serve_forever(args))
        .map_err(|e| Error::Usage(format!("the simulator stopped: {e}; is the port free?")))
}

/// Print a script's value: nothing for `()`, strings as they are, maps and arrays as JSON.
pub fn print_value(value: &Dynamic) {
    if let Some(text) = render_value(value) {
        println!("{text}");
    }
}

pub fn render_value(value: &Dynamic) -> Option<String> {
    if value.is_unit() {
        return None;
    }
    if value.is_string() {
        return Some(value.clone().into_string().unwrap_or_default());
    }
    if (value.is_map() || value.is_array())
        && let Ok(json) = to_json(value)
    {
        return Some(serde_json::to_string_pretty(&json).unwrap_or_default());
    }
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_takes_repeated_args() {
        let cli = Cli::try_parse_from([
            "zoomsh", "--sim", "run", "x.rhai", "--arg", "a=1", "--arg", "b=x=y",
        ])
        .unwrap();
        assert!(cli.sim);
        match cli.command {
            Some(Command::Run { file, args }) => {
                assert_eq!(file, PathBuf::from("x.rhai"));
                assert_eq!(
                    args,
                    vec![("a".into(), "1".into()), ("b".into(), "x=y".into())]
                );
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn malformed_arg_is_a_usage_error() {
        let err = Cli::try_parse_from(["zoomsh", "run", "x.rhai", "--arg", "novalue"]).unwrap_err();
        assert!(err.to_string().contains("is not KEY=VALUE"), "{err}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn dry_run_is_global_and_check_takes_a_file() {
        let cli = Cli::try_parse_from(["zoomsh", "run", "x.rhai", "--dry-run"]).unwrap();
        assert!(cli.dry_run);
        let cli = Cli::try_parse_from(["zoomsh", "--sim", "check", "x.rhai"]).unwrap();
        match cli.command {
            Some(Command::Check { file }) => assert_eq!(file, PathBuf::from("x.rhai")),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn global_flags_work_after_the_command() {
        let cli = Cli::try_parse_from([
            "zoomsh",
            "eval",
            "1",
            "--api-url",
            "http://127.0.0.1:1",
            "-vv",
        ])
        .unwrap();
        assert_eq!(cli.api_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(cli.verbose, 2);
    }
}
