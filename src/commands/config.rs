//! `zoomsh config path|show`: where the config file is, and what it says (secrets redacted).

use crate::config::Env;
use crate::error::Error;
use crate::output::write_stdout;
use crate::profile::{self, ConfigFile};
use crate::secret_file::warn_if_exposed;

/// `zoomsh config path`: the file zoomsh reads, whether or not it exists yet.
pub fn path(env: &Env) -> Result<(), Error> {
    let path = profile::config_path(env).ok_or_else(no_config_dir)?;
    write_stdout(&format!("{}\n", path.display()))
}

/// `zoomsh config show`: the file's profiles as TOML with secrets as `(redacted)`, after
/// comment lines naming the file and the profile in effect.
pub fn show(profile_flag: Option<&str>, env: &Env) -> Result<(), Error> {
    let path = profile::config_path(env).ok_or_else(no_config_dir)?;
    let Some(file) = ConfigFile::load(&path, env)? else {
        return write_stdout(&format!(
            "# {} does not exist; create it with [profiles.NAME] tables (see the README's Profiles section)\n",
            path.display()
        ));
    };
    if file.holds_secret() {
        warn_if_exposed(&path);
    }
    let selected = profile::select(profile_flag, env)?;
    let in_use = match &selected {
        Some(s) => format!("# profile in use: {}\n", s.name),
        None => "# profile in use: none (no --profile, no ZOOMSH_PROFILE, no [profiles.default])\n"
            .to_string(),
    };
    write_stdout(&format!(
        "# {}\n{in_use}{}",
        path.display(),
        file.to_redacted_toml()
    ))
}

fn no_config_dir() -> Error {
    Error::Usage(
        "cannot tell where the config directory is (no home directory); set ZOOMSH_CONFIG to a file path"
            .into(),
    )
}
