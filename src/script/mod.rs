//! The Rhai side of zoomsh: the engine, the `zoom` object, host helpers, the module search path
//! and built-in library, the sandbox, value conversion and error reports. It builds no HTTP
//! requests itself: Zoom calls go through [`crate::zoom::ZoomClient`], webhook posts through
//! [`crate::webhook`].

pub mod bindings;
pub mod convert;
pub mod dates;
pub mod files;
pub mod helpers;
pub mod host;
pub mod library;
pub mod modules;
pub mod paging;
pub mod paths;
pub mod report;
pub mod sandbox;
pub mod table;

pub use bindings::ZoomApi;
pub use host::{HostOptions, Output, ScriptHost};
pub use library::{FnDoc, ModuleDoc, library_docs};
