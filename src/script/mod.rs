//! The Rhai side of zoomsh: the engine, the `zoom` object, value conversion and error reports.
//! It knows nothing about HTTP details; every Zoom call goes through [`crate::zoom::ZoomClient`].

pub mod bindings;
pub mod convert;
pub mod dates;
pub mod helpers;
pub mod host;
pub mod paging;
pub mod paths;
pub mod report;

pub use bindings::ZoomApi;
pub use host::{HostOptions, Output, ScriptHost};
