//! zoomsh's integration tests: one binary, every test against a simulator on loopback.

mod harness;

mod auth;
mod cli;
mod commands;
mod examples;
mod library;
mod profiles;
mod properties;
mod repl;
mod resilience;
mod script_power;
mod scripts;
mod security;
mod sim_data;
mod sim_http;
mod sim_limits;
mod sim_support;
