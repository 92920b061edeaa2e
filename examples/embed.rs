//! Embed zoomsh's script host in a Rust program: open a session, run a script whose output is
//! captured in memory, and use both its printed lines and its value in Rust.
//!
//!     cargo run --example embed
//!
//! The session here runs against the built-in simulator; `Session::new` with `Settings` from
//! your own configuration talks to Zoom instead.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use zoomsh::Session;
use zoomsh::script::convert::to_json;
use zoomsh::script::{HostOptions, Output};
use zoomsh::sim::SimArgs;
use zoomsh::zoom::ClientOptions;

/// Count the account's active users by department, print a line per department, and return the
/// counts as the script's value. `users` is a module of zoomsh's built-in library.
const SCRIPT: &str = r#"
import "users" as users;
let counts = #{};
for u in users::active() {
    let dept = if u.dept == () || u.dept == "" { "(none)" } else { u.dept };
    counts[dept] = (counts[dept] ?? 0) + 1;
}
for dept in counts.keys() {
    print(`${dept}: ${counts[dept]}`);
}
counts
"#;

/// What the script printed, and the value it returned, as JSON.
pub struct Outcome {
    pub printed: String,
    pub value: serde_json::Value,
}

/// Run [`SCRIPT`] in a host of our own and collect what it did.
pub fn run() -> Result<Outcome, zoomsh::Error> {
    let session = Session::with_simulator(&SimArgs::default(), &ClientOptions::default())?;
    let buffer = Arc::new(Mutex::new(String::new()));
    let mut host = session.host(HostOptions {
        output: Output::Buffer(buffer.clone()),
        ..HostOptions::default()
    });
    let value = host.run_source(SCRIPT, "<embedded>")?;
    let value = to_json(&value).map_err(zoomsh::Error::Usage)?;
    let printed = buffer.lock().map(|b| b.clone()).unwrap_or_default();
    Ok(Outcome { printed, value })
}

fn main() -> ExitCode {
    match run() {
        Ok(outcome) => {
            print!("the script printed:\n{}", outcome.printed);
            let total: i64 = outcome
                .value
                .as_object()
                .map(|m| m.values().filter_map(|v| v.as_i64()).sum())
                .unwrap_or(0);
            println!("Rust got {total} active users back");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
