//! A warning for files that hold a client secret (the config file, `.env`) while other users of
//! the machine can read them. zoomsh only warns: it never changes a file's mode itself.

use std::path::Path;

/// The warning for `path`, if its mode lets the group or others read it (Unix only).
pub fn exposure_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        if mode & 0o044 != 0 {
            let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
                (true, true) => "its group and all other users",
                (true, false) => "its group",
                _ => "all other users",
            };
            return Some(format!(
                "warning: {} holds a client secret and {who} can read it (mode {mode:03o}); run chmod 600 {}",
                path.display(),
                shell_quote(&path.display().to_string())
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Print the warning for `path` on stderr, if there is one.
pub fn warn_if_exposed(path: &Path) {
    if let Some(warning) = exposure_warning(path) {
        crate::stderr_line!("{warning}");
    }
}

/// Quote a word for a POSIX shell when it needs it.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%=,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn only_files_others_can_read_get_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(exposure_warning(&path), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            exposure_warning(&path).unwrap(),
            format!(
                "warning: {p} holds a client secret and its group and all other users can read it \
                 (mode 644); run chmod 600 {p}",
                p = path.display()
            )
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(
            exposure_warning(&path)
                .unwrap()
                .contains(" and its group can read it (mode 640)")
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("/a/b.toml"), "/a/b.toml");
        assert_eq!(shell_quote("it's here"), r"'it'\''s here'");
    }
}
