//! zoomsh's integration tests: one binary, every test against a simulator on loopback.

mod harness;

mod auth;
mod cli;
mod scripts;
