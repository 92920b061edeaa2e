//! The test harness: a simulator per test, the real `zoomsh` binary with a clean environment,
//! and small stand-in servers for answers the simulator never gives.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use zoomsh::sim::{self, SimArgs, SimStats, Simulator};

/// A simulator on loopback with its own runtime, for one test.
pub struct Sim {
    pub sim: Simulator,
    pub runtime: tokio::runtime::Runtime,
}

impl Sim {
    pub fn start() -> Sim {
        Sim::with(&[])
    }

    /// Start with `zoomsh sim` flags, e.g. `&["--token-ttl", "2"]`.
    pub fn with(flags: &[&str]) -> Sim {
        use clap::Parser;
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: SimArgs,
        }
        let mut argv = vec!["sim"];
        argv.extend_from_slice(flags);
        let args = Wrapper::try_parse_from(argv)
            .expect("simulator flags parse")
            .args;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = runtime
            .block_on(Simulator::start(&args))
            .expect("simulator starts");
        Sim { sim, runtime }
    }

    pub fn url(&self) -> String {
        self.sim.base_url()
    }

    pub fn stats(&self) -> SimStats {
        self.sim.stats()
    }

    /// GET a simulator inspection page (`/_sim/...`, no token needed) as JSON.
    pub fn inspect(&self, path: &str) -> serde_json::Value {
        let url = format!("{}/_sim{path}", self.url());
        self.runtime.block_on(async move {
            let r = reqwest::get(&url).await.expect("simulator answers");
            r.json().await.expect("inspection pages are JSON")
        })
    }

    /// A Zoom API GET made directly, with a token of its own: how a test works out what a
    /// script should print without going through zoomsh.
    pub fn api_get(&self, path: &str) -> serde_json::Value {
        let base = self.url();
        let path = path.to_string();
        self.runtime.block_on(async move {
            let http = reqwest::Client::new();
            let minted = crate::sim_support::mint(&http, &base).await.json();
            let token = minted["access_token"]
                .as_str()
                .expect("a token")
                .to_string();
            let r = http
                .get(format!("{base}/v2{path}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("simulator answers");
            assert!(r.status().is_success(), "GET {path}: {}", r.status());
            r.json().await.expect("API answers are JSON")
        })
    }

    /// Client settings for this simulator with its demo credentials, for tests that use the
    /// library directly.
    pub fn settings(&self) -> zoomsh::config::Settings {
        let base = reqwest::Url::parse(&self.url()).unwrap();
        zoomsh::config::Settings {
            credentials: Ok(zoomsh::config::Credentials {
                account_id: sim::DEMO_ACCOUNT_ID.into(),
                client_id: sim::DEMO_CLIENT_ID.into(),
                client_secret: zoomsh::secret::Secret::new(sim::DEMO_CLIENT_SECRET),
                profile: None,
            }),
            oauth_url: base.clone(),
            api_url: Some(base),
        }
    }

    /// `zoomsh` pointed at this simulator with its demo credentials.
    pub fn zoomsh(&self) -> Zoomsh {
        Zoomsh::new()
            .env("ZOOMSH_OAUTH_URL", &self.url())
            .env("ZOOMSH_API_URL", &self.url())
            .env("ZOOM_ACCOUNT_ID", sim::DEMO_ACCOUNT_ID)
            .env("ZOOM_CLIENT_ID", sim::DEMO_CLIENT_ID)
            .env("ZOOM_CLIENT_SECRET", sim::DEMO_CLIENT_SECRET)
    }
}

/// The real binary, run in a temporary directory with an environment of our choosing: nothing
/// from the developer's own shell, home or `.env` leaks in.
pub struct Zoomsh {
    cmd: Command,
    pub dir: Arc<tempfile::TempDir>,
}

impl Zoomsh {
    pub fn new() -> Zoomsh {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zoomsh"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .stdin(Stdio::null());
        Zoomsh { cmd, dir }
    }

    pub fn env(mut self, key: &str, value: &str) -> Zoomsh {
        self.cmd.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Zoomsh {
        self.cmd.env_remove(key);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Zoomsh
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Zoomsh {
        self.cmd.arg(arg);
        self
    }

    /// Write `text` to `script.rhai` in the working directory and run with the arguments given
    /// so far (which name `script.rhai` where it belongs, e.g. `run --sandbox script.rhai`).
    pub fn script_file(self, text: &str) -> Run {
        self.file("script.rhai", text);
        self.run()
    }

    /// Write a file into the working directory; returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run a script given as text.
    pub fn script(self, text: &str) -> Run {
        let path = self.file("script.rhai", text);
        self.args(["run".as_ref(), path.as_os_str()]).run()
    }

    pub fn run(mut self) -> Run {
        let out = self.cmd.output().expect("zoomsh runs");
        Run::from(out)
    }

    /// Run with `input` on standard input.
    pub fn run_with_stdin(mut self, input: &str) -> Run {
        use std::io::Write;
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("zoomsh starts");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Run::from(child.wait_with_output().expect("zoomsh runs"))
    }

    /// The command, for running it some other way (in a pseudo-terminal); the directory must
    /// outlive the run.
    pub fn into_command(mut self) -> (Command, Arc<tempfile::TempDir>) {
        // The pseudo-terminal provides the standard streams.
        self.cmd
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit());
        (self.cmd, self.dir)
    }
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code().unwrap_or(-1),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "zoomsh failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Lines of stdout.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// A small server on loopback for answers the simulator never gives (a token endpoint that
/// fails in a given way, an API that redirects in circles), with its own runtime.
pub struct StandIn {
    pub url: String,
    pub runtime: tokio::runtime::Runtime,
}

/// The stand-in most tests want: an OAuth host with one fixed answer.
pub type FixedTokenServer = StandIn;

impl StandIn {
    /// Serve `app` on 127.0.0.1 until the stand-in is dropped.
    pub fn serve(app: axum::Router) -> StandIn {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, app).await });
        StandIn { url, runtime }
    }

    /// `zoomsh` pointed at this stand-in for both OAuth and API calls, with made-up credentials
    /// (stand-ins do not check them).
    pub fn zoomsh(&self) -> Zoomsh {
        Zoomsh::new()
            .env("ZOOMSH_OAUTH_URL", &self.url)
            .env("ZOOMSH_API_URL", &self.url)
            .env("ZOOM_ACCOUNT_ID", "ACC1")
            .env("ZOOM_CLIENT_ID", "CID1")
            .env("ZOOM_CLIENT_SECRET", "SEC1-not-a-real-secret")
    }

    /// An OAuth host that answers every token request with one status and body.
    pub fn start(status: u16, content_type: &'static str, body: &'static str) -> StandIn {
        use axum::http::{StatusCode, header};
        StandIn::serve(axum::Router::new().route(
            "/oauth/token",
            axum::routing::post(move || async move {
                (
                    StatusCode::from_u16(status).unwrap(),
                    [(header::CONTENT_TYPE, content_type)],
                    body,
                )
            }),
        ))
    }
}
