//! A Zoom-compatible API simulator: a real HTTP server on 127.0.0.1 that serves
//! `/oauth/token` and `/v2/...` the way Zoom does (see the crate's notes on Zoom's behaviour).
//!
//! It is how a new user tries zoomsh without credentials (`zoomsh sim`, `--sim`), how an admin
//! rehearses a script before production, and what every test talks to. It shares nothing with
//! the client except the endpoint catalog.
//!
//! Layout, one job per module:
//! - [`args`]: options (`SimArgs`, also from `ZOOMSH_SIM_*`).
//! - `server`: the axum router and the request pipeline (faults, auth, catalog, scopes, limits,
//!   body checks, dispatch, logging).
//! - `auth`: the token endpoint and Bearer checks. `scopes`: 4711. `limits`: 429s.
//! - `paging`: `next_page_token`. `faults`: the `--faults` grammar (documented there).
//! - `state` + `demo` + `ids`: the account's data and its deterministic generation.
//! - `routes/`: the modelled operations; catalog operations not modelled answer 501 naming the
//!   operation, paths outside the catalog 404.
//! - `inspect`: `/_sim/log`, `/_sim/stats`, `/_sim/reset`, `/_sim/webhooks/{name}`.
//!
//! Fault grammar for `--faults` (see `faults` for details): comma-separated `5xx=R`, `429=R`,
//! `429burst=N`, `429daily=N`, `reset=R`, `html=R`, `xml=R`, `empty=R`, `on=api|oauth|all`; R is a ratio 0..1.

pub mod args;
mod auth;
mod demo;
pub mod faults;
mod ids;
mod inspect;
mod limits;
mod paging;
mod reply;
mod routes;
mod scopes;
mod server;
mod state;

pub use args::{Plan, SimArgs};
pub use faults::FaultSpec;

use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The demo account's id (what `account_id=` must say).
pub const DEMO_ACCOUNT_ID: &str = "ACC1demo";
/// The demo app's client id.
pub const DEMO_CLIENT_ID: &str = "CID1demo";
/// The demo app's client secret. Deliberately not shaped like a real Zoom secret (no run of 24
/// alphanumerics) so secret scanners and redaction tests can tell it apart.
pub const DEMO_CLIENT_SECRET: &str = "demo-secret-not-for-production";

/// Counters a test (or `/_sim/stats`) can assert on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    /// Successful token mints.
    pub tokens_minted: u64,
    /// Every request to `/oauth/token`, including refused ones.
    pub token_requests: u64,
    /// API requests received (everything except `/oauth/...` and `/_sim/...`).
    pub requests: u64,
    /// Admitted API requests per rate-limit category (`Light`, `Medium`, ...).
    pub by_category: BTreeMap<String, u64>,
    /// API requests per catalog operationId (after auth).
    pub by_operation: BTreeMap<String, u64>,
    /// API responses per HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// 429 responses sent, from rate limits and from injected faults.
    pub too_many_requests: u64,
    /// Requests answered by an injected fault.
    pub faults_injected: u64,
    /// Requests for catalog operations the simulator does not model (answered 501).
    pub unmodelled: u64,
}

/// A running simulator. Stops accepting connections when dropped (or on [`Simulator::shutdown`]).
pub struct Simulator {
    shared: Arc<server::Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Bind 127.0.0.1:`args.port` and serve in the background. Must be called inside a tokio
    /// runtime; the server runs on that runtime.
    pub async fn start(args: &SimArgs) -> std::io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(server::Shared::new(args.clone(), format!("http://{addr}")));
        let (stop, stopped) = oneshot::channel::<()>();
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(err) = serve.await {
                crate::stderr_line!("zoomsh sim: server stopped: {err}");
            }
        });
        Ok(Simulator {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: serves both `/oauth/token` and `/v2/...`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stats(&self) -> SimStats {
        self.shared.stats()
    }

    /// The access tokens minted so far, for tests that check none was ever printed.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.issued_tokens()
    }

    /// Revoke every token minted so far: the next API call with one gets
    /// 401 `{"code":124,"message":"Invalid access token."}`.
    pub fn revoke_all_tokens(&self) {
        self.shared.revoke_all_tokens();
    }

    /// Regenerate the account and clear counters, log, limits and webhooks (tokens stay valid).
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stop accepting connections and wait for in-flight requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Run `zoomsh sim`: print `export` lines a shell can eval, then serve until Ctrl-C.
pub async fn serve_forever(args: &SimArgs) -> std::io::Result<()> {
    let sim = Simulator::start(args).await?;
    let url = sim.base_url();
    println!("export ZOOMSH_OAUTH_URL={url}");
    println!("export ZOOMSH_API_URL={url}");
    println!("export ZOOM_ACCOUNT_ID={DEMO_ACCOUNT_ID}");
    println!("export ZOOM_CLIENT_ID={DEMO_CLIENT_ID}");
    println!("export ZOOM_CLIENT_SECRET={DEMO_CLIENT_SECRET}");
    crate::stderr_line!(
        "zoomsh sim: serving a {} demo account with {} users (seed {}) on {url}; Ctrl-C stops it",
        args.plan.name(),
        args.users.max(1),
        args.seed
    );
    if !args.faults.is_empty() {
        crate::stderr_line!("zoomsh sim: injecting faults: {}", args.faults);
    }
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
