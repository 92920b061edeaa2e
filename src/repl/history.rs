//! Where the REPL keeps its history: `history.txt` in zoomsh's data directory
//! (`$XDG_DATA_HOME/zoomsh` or `~/.local/share/zoomsh` on Linux, `~/Library/Application
//! Support/zoomsh` on macOS, `%APPDATA%\zoomsh\data` on Windows), never the working directory.

use std::path::PathBuf;

/// The most entries kept; older ones drop off the file.
pub const MAX_ENTRIES: usize = 1000;

/// The history file, or `None` when the system has no home directory to put it in.
pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "zoomsh").map(|d| d.data_dir().join("history.txt"))
}
