//! `Session`: the tokio runtime, the Zoom client and (with `--sim`) an in-process simulator,
//! wired together. The command line builds one per run; a Rust program embedding zoomsh does the
//! same (see `examples/embed.rs`).

use crate::cancel::Cancel;
use crate::config::{Credentials, Settings};
use crate::error::Error;
use crate::script::{HostOptions, ScriptHost, ZoomApi};
use crate::secret::Secret;
use crate::sim::{self, SimArgs, Simulator};
use crate::zoom::{ClientOptions, ZoomClient};
use reqwest::Url;
use std::sync::Arc;

pub struct Session {
    // Declared first so it is dropped first: the client and simulator tasks end before the runtime.
    client: Arc<ZoomClient>,
    sim: Option<Simulator>,
    cancel: Cancel,
    settings: Settings,
    runtime: tokio::runtime::Runtime,
}

impl Session {
    /// A session against the Zoom (or Zoom-compatible) hosts in `settings`.
    pub fn new(settings: &Settings, options: &ClientOptions) -> Result<Session, Error> {
        let runtime = new_runtime()?;
        let client = Arc::new(ZoomClient::new(settings, options)?);
        Ok(Session {
            client,
            sim: None,
            cancel: Cancel::new(),
            settings: settings.clone(),
            runtime,
        })
    }

    /// A session against a simulator started in this process, with its demo credentials.
    pub fn with_simulator(sim_args: &SimArgs, options: &ClientOptions) -> Result<Session, Error> {
        let runtime = new_runtime()?;
        let simulator = runtime
            .block_on(Simulator::start(sim_args))
            .map_err(|e| Error::Usage(format!("cannot start the simulator: {e}")))?;
        let base = Url::parse(&simulator.base_url())
            .map_err(|e| Error::Usage(format!("the simulator's URL does not parse: {e}")))?;
        let settings = Settings {
            credentials: Ok(Credentials {
                account_id: sim::DEMO_ACCOUNT_ID.to_string(),
                client_id: sim::DEMO_CLIENT_ID.to_string(),
                client_secret: Secret::new(sim::DEMO_CLIENT_SECRET),
                profile: None,
            }),
            oauth_url: base.clone(),
            api_url: Some(base),
        };
        let client = Arc::new(ZoomClient::new(&settings, options)?);
        Ok(Session {
            client,
            sim: Some(simulator),
            cancel: Cancel::new(),
            settings,
            runtime,
        })
    }

    pub fn client(&self) -> &Arc<ZoomClient> {
        &self.client
    }

    /// The settings the client was made with (credentials included; the secret redacts itself).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn simulator(&self) -> Option<&Simulator> {
        self.sim.as_ref()
    }

    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// Make Ctrl-C stop the running script or call instead of the process.
    pub fn cancel_on_ctrl_c(&self) {
        let cancel = self.cancel.clone();
        self.runtime.spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        });
    }

    /// A script host whose `zoom` calls go through this session. Call it (and use the host) on
    /// a thread that is not one of the runtime's workers.
    pub fn host(&self, mut options: HostOptions) -> ScriptHost {
        if options.simulator_url.is_none() {
            options.simulator_url = self.sim.as_ref().map(|s| s.base_url());
        }
        let api = ZoomApi::new(
            self.client.clone(),
            self.runtime.handle().clone(),
            self.cancel.clone(),
        );
        ScriptHost::new(api, self.cancel.clone(), options)
    }
}

fn new_runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("zoomsh-io")
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the I/O runtime: {e}")))
}
