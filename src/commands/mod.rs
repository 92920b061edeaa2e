//! The commands of the command line that are more than a line of dispatch: one-shot API calls,
//! `auth`, `config`, `endpoints`. Each module takes parsed arguments (from [`crate::cli`]) and
//! prints its result on stdout; messages go to stderr.

pub mod auth;
pub mod call;
pub mod config;
pub mod curl;
pub mod endpoints;
pub mod progress;
