//! The config file and its named profiles.
//!
//! One TOML file (`config.toml` in the user's config dir, or `$ZOOMSH_CONFIG`) holds any number
//! of `[profiles.NAME]` tables, each one Zoom app: its credentials (the secret as a value or as a
//! command that prints it, such as a password manager), its hosts and its plan. `--profile NAME`
//! or `ZOOMSH_PROFILE` picks one; without either, a profile named `default` is used if there is
//! one. Profiles sit below flags and the environment ([`crate::config::Settings`] merges them).
//!
//! This module reads and selects; it never prints a secret. A `client_secret_cmd` runs only when
//! [`Profile::client_secret`] is asked for, and its output is never shown, even when it fails.

use crate::config::Env;
use crate::error::Error;
use crate::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The name of the profile used when none is chosen.
pub const DEFAULT_PROFILE: &str = "default";

/// The whole config file.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One Zoom app's settings. Every field is optional: what a profile leaves out comes from the
/// environment or the defaults.
/// Serialising a profile (for `zoomsh config show`) writes `(redacted)` for the secret.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "read_secret",
        serialize_with = "redact_secret",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_secret: Option<Secret>,
    /// A shell command (`sh -c`) whose standard output, trimmed, is the client secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_cmd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// The account's Zoom plan (free, pro, business, ...), which sizes the rate limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

fn read_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(Secret::new))
}

fn redact_secret<S: Serializer>(secret: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    // `Secret`'s Display is the redaction itself.
    s.serialize_str(&secret.as_ref().map(ToString::to_string).unwrap_or_default())
}

/// The profile in effect, with where it came from (for messages).
#[derive(Debug, Clone)]
pub struct Selected {
    pub name: String,
    pub path: PathBuf,
    pub profile: Profile,
}

/// Where the config file is: `$ZOOMSH_CONFIG`, else `config.toml` in the user's config dir
/// (`$XDG_CONFIG_HOME/zoomsh` on Linux, `~/Library/Application Support/zoomsh` on macOS).
pub fn config_path(env: &Env) -> Option<PathBuf> {
    if let Some(path) = env.get("ZOOMSH_CONFIG") {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "zoomsh").map(|d| d.config_dir().join("config.toml"))
}

impl ConfigFile {
    /// Read and parse the file; `None` when it does not exist. A file named by `ZOOMSH_CONFIG`
    /// must exist.
    pub fn load(path: &Path, env: &Env) -> Result<Option<ConfigFile>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if env.get("ZOOMSH_CONFIG").is_some() {
                    return Err(Error::Usage(format!(
                        "ZOOMSH_CONFIG names {}, which does not exist; create it or unset ZOOMSH_CONFIG",
                        path.display()
                    )));
                }
                return Ok(None);
            }
            Err(e) => {
                return Err(Error::Io(format!(
                    "cannot read the config file {}: {e}",
                    path.display()
                )));
            }
        };
        Self::parse(&text, path).map(Some)
    }

    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, Error> {
        toml::from_str(text).map_err(|e| {
            // toml's message spans several lines (it quotes the offending line); keep the first
            // line and the line number.
            let first = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .to_string();
            let at = e
                .span()
                .map(|s| format!(" at line {}", text[..s.start].matches('\n').count() + 1))
                .unwrap_or_default();
            Error::Usage(format!(
                "cannot parse the config file {}{at}: {first}; see the README's Profiles section",
                path.display()
            ))
        })
    }

    /// The file as TOML, secrets shown as `(redacted)`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string(self).expect("a config file serialises")
    }

    /// Does any profile hold a client secret in the file itself?
    pub fn holds_secret(&self) -> bool {
        self.profiles.values().any(|p| p.client_secret.is_some())
    }
}

/// Pick the profile: `--profile`, else `ZOOMSH_PROFILE`, else `default` if the file has it.
/// A profile asked for by name must exist.
pub fn select(flag: Option<&str>, env: &Env) -> Result<Option<Selected>, Error> {
    let asked = flag
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| (s.to_string(), "--profile"))
        .or_else(|| env.get("ZOOMSH_PROFILE").map(|s| (s, "ZOOMSH_PROFILE")));
    let Some(path) = config_path(env) else {
        return match asked {
            Some((name, source)) => Err(Error::Usage(format!(
                "{source} names profile {name:?}, but there is no config directory; set ZOOMSH_CONFIG to a config file"
            ))),
            None => Ok(None),
        };
    };
    let file = ConfigFile::load(&path, env)?;
    let name = match (&asked, &file) {
        (Some((name, _)), _) => name.clone(),
        (None, Some(f)) if f.profiles.contains_key(DEFAULT_PROFILE) => DEFAULT_PROFILE.into(),
        (None, _) => return Ok(None),
    };
    let profiles = file.map(|f| f.profiles).unwrap_or_default();
    match profiles.get(&name) {
        Some(profile) => Ok(Some(Selected {
            name,
            path,
            profile: profile.clone(),
        })),
        None => {
            let source = asked.map(|(_, s)| s).unwrap_or("--profile");
            let known = if profiles.is_empty() {
                format!("{} has no profiles", path.display())
            } else {
                format!(
                    "{} has {}",
                    path.display(),
                    profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            };
            Err(Error::Usage(format!(
                "{source} names profile {name:?}, which is not in the config file ({known}); add [profiles.{name}] or pick another"
            )))
        }
    }
}

impl Selected {
    /// The client secret: the profile's `client_secret`, else the output of its
    /// `client_secret_cmd`; `Ok(None)` when it has neither. The error never quotes the output.
    pub fn client_secret(&self) -> Result<Option<Secret>, String> {
        if let Some(secret) = &self.profile.client_secret {
            return Ok(Some(secret.clone()));
        }
        let Some(cmd) = &self.profile.client_secret_cmd else {
            return Ok(None);
        };
        let what = format!("client_secret_cmd of profile {:?} ({cmd:?})", self.name);
        // stdin and stderr stay the terminal's, so a password manager can prompt and explain.
        let output = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stdin(Stdio::inherit())
            .stderr(Stdio::inherit())
            .stdout(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run the {what}: {e}; check that sh is on PATH"))?;
        if !output.status.success() {
            let status = match output.status.code() {
                Some(code) => format!("exit status {code}"),
                None => "a signal".to_string(),
            };
            return Err(format!(
                "the {what} failed with {status}; run it yourself to see why (its output is never shown)"
            ));
        }
        let text = String::from_utf8(output.stdout)
            .map_err(|_| format!("the {what} printed something that is not UTF-8 text"))?;
        let secret = text.trim();
        if secret.is_empty() {
            return Err(format!(
                "the {what} printed nothing; it must print the client secret on stdout"
            ));
        }
        Ok(Some(Secret::new(secret)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selected(toml_text: &str, name: &str) -> Selected {
        let file = ConfigFile::parse(toml_text, Path::new("c.toml")).unwrap();
        Selected {
            name: name.into(),
            path: "c.toml".into(),
            profile: file.profiles[name].clone(),
        }
    }

    #[test]
    fn a_secret_in_the_file_never_shows_in_debug_output() {
        let s = selected("[profiles.a]\nclient_secret = \"hunter2\"\n", "a");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.client_secret().unwrap().unwrap().expose(), "hunter2");
    }

    #[test]
    fn secret_cmd_output_is_trimmed() {
        let s = selected(
            "[profiles.a]\nclient_secret_cmd = \"printf ' s3cret\\\\n'\"\n",
            "a",
        );
        assert_eq!(s.client_secret().unwrap().unwrap().expose(), "s3cret");
    }

    #[test]
    fn a_failing_secret_cmd_names_the_profile_but_not_the_output() {
        let s = selected(
            "[profiles.w]\nclient_secret_cmd = \"echo leaked; exit 3\"\n",
            "w",
        );
        let e = s.client_secret().unwrap_err();
        assert_eq!(
            e,
            "the client_secret_cmd of profile \"w\" (\"echo leaked; exit 3\") failed with exit status 3; \
             run it yourself to see why (its output is never shown)"
        );
        let s = selected("[profiles.w]\nclient_secret_cmd = \"true\"\n", "w");
        assert!(
            s.client_secret()
                .unwrap_err()
                .ends_with("printed nothing; it must print the client secret on stdout")
        );
    }

    #[test]
    fn redacted_toml_hides_only_the_secret() {
        let f = ConfigFile::parse(
            "[profiles.default]\naccount_id = \"ACC\"\nclient_secret = \"hunter2\"\n[profiles.w]\nclient_secret_cmd = \"pass zoom\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(
            f.to_redacted_toml(),
            "[profiles.default]\naccount_id = \"ACC\"\nclient_secret = \"(redacted)\"\n\n[profiles.w]\nclient_secret_cmd = \"pass zoom\"\n"
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_the_line() {
        let e = ConfigFile::parse(
            "[profiles.a]\naccount_id = \"x\"\nclient_sekret = \"y\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "cannot parse the config file c.toml at line 3: unknown field `client_sekret`"
            ),
            "{e}"
        );
    }
}
