//! The command line: clap definitions (their doc comments are the help text) and the dispatch
//! of each command.
//!
//! House rules: every command takes the global flags (`--sim`, `--oauth-url`, `--api-url`, `-v`);
//! a command prints its result on stdout and everything else on stderr; errors come back as
//! [`Error`] and `main` turns them into exit codes.

use crate::check;
use crate::commands::{self, auth, call::CallSpec};
use crate::config::{Env, Overrides, Settings, client_options};
use crate::error::Error;
use crate::output::{Format, Printer, write_stdout};
use crate::profile;
use crate::repl;
use crate::script::HostOptions;
use crate::script::convert::{to_dynamic, to_json};
use crate::script::library::module_doc;
use crate::script::modules::ModulePath;
use crate::script::table::{Grid, render};
use crate::secret_file::warn_if_exposed;
use crate::session::Session;
use crate::sim::{self, SimArgs};
use crate::zoom::{ClientOptions, DiskCache, Plan};
use clap::{Args, CommandFactory, Parser, Subcommand};
use rhai::{Dynamic, Map};
use std::io::IsTerminal;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  script error (syntax or runtime)
  2  usage or configuration error (a flag, a missing ZOOM_* variable, an unreadable file, a bad
     --jq filter, an unknown profile, a failing client_secret_cmd)
  3  authentication failure (the token endpoint refused the credentials)
  4  an HTTP 4xx from Zoom that a script did not catch or a one-shot call got (check: a scope
     the token lacks)
  5  an HTTP 5xx, a network error, a timeout, or a page walk Zoom broke (a repeated page token)

Credentials come from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, in the environment
or in a .env file in the working directory, or from a profile in the config file (`zoomsh config
path`). Try it without an account: zoomsh --sim get /users --paginate --output table";

const CALL_EXAMPLES: &str = "\
Examples:
  zoomsh get /users -q status=active --paginate --output table
  zoomsh get /users --paginate --jq '.users | length'
  zoomsh post /users/me/meetings -f topic=Standup -f type:=2 -f settings.join_before_host:=true
  zoomsh patch /meetings/85746065432 -d '{\"topic\":\"Renamed\"}'
  zoomsh delete /meetings/85746065432 --include
  zoomsh get /users/me --curl";

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

    /// A folder of modules for `import` (repeatable); searched after the script's own folder,
    /// before ZOOMSH_PATH, the user's lib folder and the built-in library
    #[arg(long = "lib", global = true, value_name = "DIR")]
    pub lib: Vec<PathBuf>,

    /// Trace on stderr: -v each call (method, URL, status, time, retries, rate-limit waits),
    /// -vv adds headers (Authorization redacted). Secrets and tokens are never printed.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Send reads (GET) but not writes: POST, PATCH, PUT and DELETE are printed on stderr and
    /// answered with a made-up success marked `dry_run: true`; a summary of what would have
    /// changed ends the run
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Use this profile of the config file [env: ZOOMSH_PROFILE] [default: the profile named
    /// `default`, if there is one]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// The account's Zoom plan, which sizes zoomsh's client-side rate limits (`unlimited` turns
    /// them off) [env: ZOOMSH_PLAN] [default: pro; with --sim, the simulator's plan]
    // The same type as `zoomsh sim --plan`: a global flag shares its id with the subcommand's.
    #[arg(long, global = true, value_enum, value_name = "PLAN")]
    pub plan: Option<sim::Plan>,

    /// Keep the token in memory only, not in the shared disk cache
    /// [env: ZOOMSH_NO_TOKEN_CACHE=1; cache dir: ZOOMSH_CACHE_DIR]
    #[arg(long, global = true)]
    pub no_token_cache: bool,

    /// Retries after a 429, a 5xx or a network failure (POST is never resent unless it never
    /// left) [env: ZOOMSH_RETRIES] [default: 4]
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<String>,

    /// The first wait before a retry, in seconds; it doubles per retry, plus jitter
    /// [env: ZOOMSH_RETRY_WAIT] [default: 1]
    #[arg(long, global = true, value_name = "SECS")]
    pub retry_wait: Option<String>,

    /// The most time one call spends waiting to retry, in seconds
    /// [env: ZOOMSH_MAX_RETRY_TIME] [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub max_retry_time: Option<String>,

    /// Send DELETE calls in the REPL without asking first
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

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
        /// A JSON object whose fields go into `args` (numbers, lists and maps keep their types);
        /// --arg values win over it
        #[arg(long = "args-json", value_name = "FILE")]
        args_json: Option<PathBuf>,
        /// For scripts from others: no file, network or environment helpers, imports only from
        /// the module path, and limits on operations, call depth, string and array sizes
        #[arg(long)]
        sandbox: bool,
        /// Print the script's returned value (its last expression) in this format
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Evaluate an expression and print its value (maps and arrays as JSON)
    Eval {
        /// Rhai code, e.g. 'zoom.get("/users/me").email'
        expr: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the modules `import` can find and where each comes from; --doc shows their functions
    Lib {
        /// Show each module's documentation and its functions' signatures and doc comments
        #[arg(long)]
        doc: bool,
        /// Only this module (with --doc)
        module: Option<String>,
    },
    /// GET a path of the Zoom API and print the answer
    #[command(after_help = CALL_EXAMPLES)]
    Get(CallArgs),
    /// POST to a path of the Zoom API (body from -d or -f)
    #[command(after_help = CALL_EXAMPLES)]
    Post(CallArgs),
    /// PATCH a path of the Zoom API (body from -d or -f)
    #[command(after_help = CALL_EXAMPLES)]
    Patch(CallArgs),
    /// PUT to a path of the Zoom API (body from -d or -f)
    #[command(after_help = CALL_EXAMPLES)]
    Put(CallArgs),
    /// DELETE a path of the Zoom API
    #[command(after_help = CALL_EXAMPLES)]
    Delete(CallArgs),
    /// Search the built-in catalog of Zoom API operations: method, path, summary, rate-limit
    /// category and scopes
    Endpoints {
        /// Words that must all match (method, path, summary, tag or scope), e.g. `list users`
        words: Vec<String>,
        /// Print JSON, for programs
        #[arg(long)]
        json: bool,
    },
    /// The token's account, hosts, scopes and expiry
    Auth {
        #[command(subcommand)]
        command: AuthCommand,
    },
    /// The config file and its profiles
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a shell completion script: zoomsh completions bash > ~/.local/share/bash-completion/completions/zoomsh
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
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

#[derive(Subcommand, Debug)]
pub enum AuthCommand {
    /// Mint (or reuse) a token and show the account, API host, scopes, expiry and cache
    /// location; never the token itself
    Status,
    /// Drop the cached token of the app in effect (the next call mints a new one)
    Logout {
        /// Drop every cached token, of every app and account
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print where the config file is (ZOOMSH_CONFIG overrides it)
    Path,
    /// Print the config file's profiles, secrets shown as (redacted)
    Show,
}

/// How a result is printed.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output format [default: JSON, pretty on a terminal and compact when piped; strings as
    /// they are]
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,

    /// A jq filter applied to the whole result (with --paginate: to every page gathered), e.g.
    /// '.users | length' or '.users[] | {email, type}'
    #[arg(long, value_name = "FILTER")]
    pub jq: Option<String>,
}

impl OutputArgs {
    fn printer(&self) -> Result<Printer, Error> {
        Printer::new(self.output, self.jq.as_deref())
    }
}

/// A one-shot API call.
#[derive(Args, Debug, Clone)]
pub struct CallArgs {
    /// The API path: /users/me, /v2/users/me or https://api.zoom.us/v2/users/me; may carry a
    /// query string
    pub path: String,

    /// A query parameter (repeatable): -q status=active -q page_size=300
    #[arg(short = 'q', long = "query", value_name = "KEY=VALUE", value_parser = parse_query)]
    pub query: Vec<(String, String)>,

    /// The JSON body: text, @FILE, or @- for stdin
    #[arg(short = 'd', long = "data", value_name = "JSON|@FILE")]
    pub data: Option<String>,

    /// A body field (repeatable): -f topic=Standup sets a string, -f type:=2 sets any JSON value,
    /// dots nest: -f settings.host_video:=true
    #[arg(short = 'f', long = "field", value_name = "KEY=VALUE", value_parser = parse_field)]
    pub fields: Vec<(String, String)>,

    /// Follow next_page_token through every page (GET only) and print the list as one page
    /// holding every item
    #[arg(long)]
    pub paginate: bool,

    /// Print the HTTP status line and headers before the body
    #[arg(short = 'i', long)]
    pub include: bool,

    /// Print the equivalent curl command instead of sending (the token as $ZOOM_TOKEN)
    #[arg(long)]
    pub curl: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

impl CallArgs {
    fn spec(&self, method: &str) -> CallSpec {
        CallSpec {
            method: method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            data: self.data.clone(),
            fields: self.fields.clone(),
            paginate: self.paginate,
            include: self.include,
            curl: self.curl,
        }
    }
}

fn parse_query(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "{s:?} is not KEY=VALUE; write it like -q status=active"
        )),
    }
}

fn parse_field(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().trim_end_matches(':').is_empty() => {
            Ok((k.trim().to_string(), v.to_string()))
        }
        _ => Err(format!(
            "{s:?} is not KEY=VALUE; write it like -f topic=Standup, or -f type:=2 for a JSON value"
        )),
    }
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
    // Commands that need no Zoom session.
    match &command {
        Command::Sim(args) => return serve_simulator(args),
        Command::Completions { shell } => return completions(*shell),
        Command::Endpoints { words, json } => return commands::endpoints::run(words, *json),
        Command::Lib { doc, module } => {
            return print_modules(&ModulePath::from_env(&cli.lib), *doc, module.as_deref());
        }
        Command::Config { command } => {
            let env = load_env()?;
            return match command {
                ConfigCommand::Path => commands::config::path(&env),
                ConfigCommand::Show => commands::config::show(cli.profile.as_deref(), &env),
            };
        }
        Command::Auth {
            command: AuthCommand::Logout { all: true },
        } => {
            let env = load_env()?;
            let root = DiskCache::default_root(env.get("ZOOMSH_CACHE_DIR").as_deref())
                .ok_or_else(|| {
                    Error::Usage(
                        "cannot tell where the token cache is (no home directory); set ZOOMSH_CACHE_DIR"
                            .into(),
                    )
                })?;
            return auth::logout_all(&root);
        }
        _ => {}
    }
    let globals = Globals {
        sim: cli.sim,
        overrides: Overrides {
            oauth_url: cli.oauth_url,
            api_url: cli.api_url,
            plan: cli.plan.map(|p| p.name().to_string()),
            no_token_cache: cli.no_token_cache,
            retries: cli.retries,
            retry_wait: cli.retry_wait,
            max_retry_time: cli.max_retry_time,
        },
        profile: cli.profile,
    };
    if let Command::Check { file } = &command {
        return check_script(file, &globals);
    }
    let opened = open_session(&globals)?;
    if cli.dry_run {
        opened.session.client().set_dry_run(true);
    }
    let shows_summary = cli.dry_run && !matches!(command, Command::Token | Command::Auth { .. });
    let result = run_command(command, &opened, &cli.lib, cli.yes);
    if shows_summary {
        crate::stderr_line!("dry-run: {}", opened.session.client().dry_run_summary());
    }
    result
}

fn run_command(
    command: Command,
    opened: &Opened,
    lib_dirs: &[PathBuf],
    yes: bool,
) -> Result<(), Error> {
    let session = &opened.session;
    match command {
        Command::Run {
            file,
            args,
            args_json,
            sandbox,
            output,
        } => {
            let printer = output.printer()?;
            let mut map = match args_json {
                Some(path) => read_args_json(&path)?,
                None => Map::new(),
            };
            for (k, v) in args {
                map.insert(k.into(), v.into());
            }
            let mut host = session.host(HostOptions {
                args: map,
                lib_dirs: lib_dirs.to_vec(),
                sandbox,
                ..HostOptions::default()
            });
            let value = host.run_file(&file)?;
            // A script's value is printed only when asked for: scripts print what they mean to.
            if printer.is_explicit() {
                print_script_value(&value, &printer)?;
            }
            Ok(())
        }
        Command::Eval { expr, output } => {
            let printer = output.printer()?;
            let mut host = session.host(HostOptions {
                lib_dirs: lib_dirs.to_vec(),
                ..HostOptions::default()
            });
            let value = host.run_source(&expr, "<eval>")?;
            print_script_value(&value, &printer)
        }
        Command::Get(a) => call(session, &a, "GET"),
        Command::Post(a) => call(session, &a, "POST"),
        Command::Patch(a) => call(session, &a, "PATCH"),
        Command::Put(a) => call(session, &a, "PUT"),
        Command::Delete(a) => call(session, &a, "DELETE"),
        Command::Auth {
            command: AuthCommand::Status,
        } => auth::status(
            session,
            &auth::Origin {
                profile: opened.profile.clone(),
                cache: session.client().token_cache_file(),
            },
        ),
        Command::Auth {
            command: AuthCommand::Logout { .. },
        } => auth::logout(session),
        Command::Token => {
            let token = session.runtime().block_on(session.client().token())?;
            write_stdout(&format!("{}\n", token.access_token.expose()))
        }
        Command::Repl => {
            session.cancel_on_ctrl_c();
            repl::run(
                session,
                repl::ReplOptions {
                    yes,
                    lib_dirs: lib_dirs.to_vec(),
                },
            )
        }
        Command::Sim(_)
        | Command::Check { .. }
        | Command::Completions { .. }
        | Command::Endpoints { .. }
        | Command::Lib { .. }
        | Command::Config { .. } => unreachable!("handled in run"),
    }
}

/// `zoomsh lib`: the modules on the path in search order, or with `doc` their documentation.
fn print_modules(path: &ModulePath, doc: bool, only: Option<&str>) -> Result<(), Error> {
    let entries = path.list();
    if !doc {
        let rows = entries
            .iter()
            .map(|e| {
                vec![
                    e.name.clone(),
                    e.origin.to_string(),
                    e.location.clone(),
                    e.shadowed_by
                        .as_ref()
                        .map(|by| format!("shadowed by {by}"))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        let columns = ["module", "from", "location", ""]
            .map(String::from)
            .to_vec();
        return write_stdout(&format!("{}\n", render(&Grid { columns, rows })));
    }
    let chosen: Vec<_> = entries
        .iter()
        .filter(|e| e.shadowed_by.is_none())
        .filter(|e| only.is_none_or(|m| e.name == m))
        .collect();
    if let (Some(m), true) = (only, chosen.is_empty()) {
        return Err(Error::Usage(format!(
            "no module named {m:?} on the module path; `zoomsh lib` lists the modules there are"
        )));
    }
    let mut blocks = Vec::new();
    for entry in chosen {
        let text = entry.text().unwrap_or_default();
        let mut out = format!("{} ({})", entry.name, entry.location);
        match module_doc(&entry.name, &text) {
            Ok(d) => {
                if !d.doc.is_empty() {
                    out.push_str(&format!("\n{}", indent(&d.doc, 2)));
                }
                for f in d.functions {
                    out.push_str(&format!("\n\n  {}", f.signature));
                    if !f.doc.is_empty() {
                        out.push_str(&format!("\n{}", indent(&f.doc, 6)));
                    }
                }
            }
            Err(e) => out.push_str(&format!("\n  ({e})")),
        }
        blocks.push(out);
    }
    write_stdout(&format!("{}\n", blocks.join("\n\n")))
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `--args-json` file: a JSON object, its fields as Rhai values.
fn read_args_json(path: &std::path::Path) -> Result<Map, Error> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Io(format!("cannot read --args-json {shown}: {e}")))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "--args-json {shown} is not valid JSON (line {}, column {}); fix the file",
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(Error::Usage(format!(
            "--args-json {shown} must hold a JSON object, like {{\"from\": \"2026-01-01\"}}"
        )));
    }
    let args = to_dynamic(&value);
    Ok(args.try_cast::<Map>().unwrap_or_default())
}

fn call(session: &Session, args: &CallArgs, method: &str) -> Result<(), Error> {
    // The printer first: a bad --jq filter fails before anything is sent.
    let printer = args.output.printer()?;
    commands::call::run(session, &args.spec(method), &printer)
}

fn completions(shell: clap_complete::Shell) -> Result<(), Error> {
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "zoomsh", &mut text);
    write_stdout(&String::from_utf8_lossy(&text))
}

/// The global flags that choose the account and hosts, and tune the client.
struct Globals {
    sim: bool,
    overrides: Overrides,
    profile: Option<String>,
}

struct Opened {
    session: Session,
    /// `name (path)` of the profile in use.
    profile: Option<String>,
}

fn load_env() -> Result<Env, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Io(format!("cannot read the working directory: {e}")))?;
    Env::load(&cwd)
}

/// A bad `ZOOMSH_SIM_*` value as one line that names the variable (clap names the flag).
fn sim_env_error(e: &clap::Error) -> Error {
    let first = e.to_string();
    let first = first
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    let variable = first
        .split("'--")
        .nth(1)
        .and_then(|rest| rest.split([' ', '\'', '=']).next())
        .map(|flag| format!("ZOOMSH_SIM_{}", flag.to_uppercase().replace('-', "_")))
        .unwrap_or_else(|| "a ZOOMSH_SIM_* variable".to_string());
    Error::Usage(format!(
        "{variable} is not a valid simulator setting ({first}); fix or unset it"
    ))
}

fn open_session(globals: &Globals) -> Result<Opened, Error> {
    if globals.sim {
        // The simulator's plan is the default plan; its tokens are never cached on disk.
        let sim_args = SimArgs::try_from_env().map_err(|e| sim_env_error(&e))?;
        let options = client_options(
            &globals.overrides,
            &load_env()?,
            None,
            Some(client_plan(sim_args.plan)),
        )?;
        return Ok(Opened {
            session: Session::with_simulator(&sim_args, &options)?,
            profile: None,
        });
    }
    let (settings, profile, options) = resolve_settings(globals)?;
    Ok(Opened {
        session: Session::new(&settings, &options)?,
        profile,
    })
}

/// Settings and client options from flags, environment, `.env` and the config-file profile;
/// also `name (path)` of the profile in use. Warns about secret files others can read.
fn resolve_settings(globals: &Globals) -> Result<(Settings, Option<String>, ClientOptions), Error> {
    let env = load_env()?;
    if let Some(dotenv) = env.dotenv_with_secret() {
        warn_if_exposed(dotenv);
    }
    let selected = profile::select(globals.profile.as_deref(), &env)?;
    if let Some(s) = &selected
        && s.profile.client_secret.is_some()
    {
        warn_if_exposed(&s.path);
    }
    let settings = Settings::resolve_with_profile(&globals.overrides, &env, selected.as_ref())?;
    let options = client_options(
        &globals.overrides,
        &env,
        selected.as_ref().and_then(|s| s.profile.plan.as_deref()),
        None,
    )?;
    Ok((
        settings,
        selected.map(|s| format!("{} ({})", s.name, s.path.display())),
        options,
    ))
}

/// `zoomsh check`: compare with a token only when there are credentials (or `--sim`).
fn check_script(file: &std::path::Path, globals: &Globals) -> Result<(), Error> {
    if globals.sim {
        let opened = open_session(globals)?;
        return check::run(file, Some(&opened.session));
    }
    let (settings, _, options) = resolve_settings(globals)?;
    if settings.credentials.is_err() {
        return check::run(file, None);
    }
    let session = Session::new(&settings, &options)?;
    check::run(file, Some(&session))
}

/// Print a script's value: through the printer when it converts to JSON (everything but exotic
/// Rhai types), else as Rhai shows it.
fn print_script_value(value: &Dynamic, printer: &Printer) -> Result<(), Error> {
    match to_json(value) {
        Ok(json) => printer.print(&json),
        Err(_) if !printer.is_explicit() => match render_value(value) {
            Some(text) => write_stdout(&format!("{text}\n")),
            None => Ok(()),
        },
        Err(e) => Err(Error::Usage(format!(
            "the value cannot be shown as JSON ({e}); or drop --output and --jq"
        ))),
    }
}

/// The client plan matching a simulator's.
fn client_plan(plan: sim::Plan) -> Plan {
    match plan {
        sim::Plan::Free => Plan::Free,
        sim::Plan::Pro => Plan::Pro,
        sim::Plan::Business => Plan::Business,
        sim::Plan::Unlimited => Plan::Unlimited,
    }
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
            Some(Command::Run { file, args, .. }) => {
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
    fn plan_is_global_and_does_not_clash_with_the_simulators() {
        let cli = Cli::try_parse_from(["zoomsh", "run", "x.rhai", "--plan", "business"]).unwrap();
        assert_eq!(cli.plan, Some(sim::Plan::Business));
        let cli = Cli::try_parse_from(["zoomsh", "sim", "--plan", "free"]).unwrap();
        match cli.command {
            Some(Command::Sim(args)) => assert_eq!(args.plan, sim::Plan::Free),
            other => panic!("parsed as {other:?}"),
        }
        assert!(Cli::try_parse_from(["zoomsh", "--plan", "gold", "token"]).is_err());
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
