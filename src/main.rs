//! The `zoomsh` binary: parse the command line, run it, turn the outcome into an exit code.
//! Nothing else in zoomsh calls `process::exit`.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;
use zoomsh::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            // A closed stdout (`| head`) is not a failure.
            if code != 0 {
                zoomsh::stderr_line!("error: {e}");
            }
            ExitCode::from(code as u8)
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "zoomsh=debug",
        _ => "zoomsh=trace",
    };
    let filter = EnvFilter::try_from_env("ZOOMSH_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| QuietStderr)
        // Colour only for a person at a terminal, and never against NO_COLOR.
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(false)
        .try_init();
}

/// Standard error for traces, dropping what cannot be written: when the reader has gone away
/// (`2>&1 | head`), tracing would otherwise report the failure with a panicking `eprintln!`.
struct QuietStderr;

impl std::io::Write for QuietStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}
