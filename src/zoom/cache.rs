//! The disk token cache, shared by every zoomsh process of one user.
//!
//! Zoom asks apps to mint a token once and reuse it (and has revoked, and may still cap, tokens
//! minted in a crowd: BEHAVIOR.md §1.5, CASES.md B04), so ten `zoomsh run` in a cron job should
//! cost one mint, not ten. Layout and rules (the habits of yup-oauth2, restish, google-auth):
//!
//! - `<cache dir>/tokens/` is created mode 0700; `<cache dir>` is `$ZOOMSH_CACHE_DIR` or the
//!   user's cache directory (`~/.cache/zoomsh` on Linux).
//! - One file per app: `<key>.json`, where the key is a SHA-256 over the OAuth host, account id,
//!   client id and a SHA-256 of the secret, so a rotated secret mints anew and the secret itself
//!   is never written anywhere. The file holds the token and its absolute expiry, mode 0600.
//! - Writes are atomic: a temporary file in the same directory, then `rename`.
//! - Minting happens under an exclusive lock on `<key>.lock`, and the token file is read again
//!   once the lock is held, so N processes started together mint one token.
//! - The lock is taken with `try_lock` in a loop of short tokio sleeps, never a blocking call,
//!   so Ctrl-C still interrupts a process waiting for another one's mint.
//!
//! The cache is a help, never a requirement: any I/O problem is logged and zoomsh goes on with
//! its in-memory token. This module knows files; when to mint is `token`'s business.

use crate::config::Credentials;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often a waiting process tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(20);
/// How long to wait for another process's mint before minting without the lock (a process
/// stuck on a dead network must not stall every other one forever).
const LOCK_PATIENCE: Duration = Duration::from_secs(90);

/// The token cache in one directory.
#[derive(Clone, Debug)]
pub struct DiskCache {
    dir: PathBuf,
}

/// The cached token of one app, as stored.
pub struct Stored {
    pub access_token: Secret,
    pub token_type: String,
    pub scope: String,
    pub api_url: Option<String>,
    pub expires_in: u64,
    /// When the token stops working, by the wall clock.
    pub expires_at: SystemTime,
}

/// The file format. Not `Debug`: it holds a token in the clear.
#[derive(Serialize, Deserialize)]
struct File1 {
    access_token: String,
    token_type: String,
    scope: String,
    api_url: Option<String>,
    expires_in: u64,
    /// Unix seconds.
    expires_at: u64,
    /// Which app this is, for a person looking at the directory (none of it is secret).
    oauth_url: String,
    account_id: String,
    client_id: String,
}

impl DiskCache {
    /// A cache whose files live in `<root>/tokens`.
    pub fn new(root: &Path) -> DiskCache {
        DiskCache {
            dir: root.join("tokens"),
        }
    }

    /// The user's cache root: `$ZOOMSH_CACHE_DIR`, else the platform's cache directory.
    pub fn default_root(env_override: Option<&str>) -> Option<PathBuf> {
        if let Some(dir) = env_override {
            return Some(PathBuf::from(dir));
        }
        directories::ProjectDirs::from("", "", "zoomsh").map(|p| p.cache_dir().to_path_buf())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The slot of one app: OAuth host, account, client and secret.
    pub fn slot(&self, oauth_url: &str, credentials: &Credentials) -> Slot {
        let secret_hash = Sha256::digest(credentials.client_secret.expose().as_bytes());
        let mut key = Sha256::new();
        for part in [
            oauth_url.trim_end_matches('/').as_bytes(),
            credentials.account_id.as_bytes(),
            credentials.client_id.as_bytes(),
            hex(&secret_hash).as_bytes(),
        ] {
            key.update(part);
            key.update([0u8]);
        }
        let name = hex(&key.finalize())[..32].to_string();
        Slot {
            dir: self.dir.clone(),
            file: self.dir.join(format!("{name}.json")),
            lock: self.dir.join(format!("{name}.lock")),
            oauth_url: oauth_url.trim_end_matches('/').to_string(),
            account_id: credentials.account_id.clone(),
            client_id: credentials.client_id.clone(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where one app's token lives.
#[derive(Clone, Debug)]
pub struct Slot {
    dir: PathBuf,
    file: PathBuf,
    lock: PathBuf,
    oauth_url: String,
    account_id: String,
    client_id: String,
}

/// An exclusive hold on a slot; released when dropped (and by the OS if the process dies).
pub struct SlotLock {
    _file: File,
}

impl Slot {
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The stored token, if there is a readable one. A missing file is `Ok(None)`; a file that
    /// does not parse is treated as missing (it is overwritten by the next mint).
    pub fn read(&self) -> io::Result<Option<Stored>> {
        let bytes = match fs::read(&self.file) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let Ok(f) = serde_json::from_slice::<File1>(&bytes) else {
            return Ok(None);
        };
        Ok(Some(Stored {
            access_token: Secret::new(f.access_token),
            token_type: f.token_type,
            scope: f.scope,
            api_url: f.api_url,
            expires_in: f.expires_in,
            expires_at: UNIX_EPOCH + Duration::from_secs(f.expires_at),
        }))
    }

    /// Store a token: a 0600 temporary file in the same 0700 directory, then a rename, so a
    /// reader sees the old file or the new one, never half of one.
    pub fn write(&self, token: &Stored) -> io::Result<()> {
        self.ensure_dir()?;
        let body = File1 {
            access_token: token.access_token.expose().to_string(),
            token_type: token.token_type.clone(),
            scope: token.scope.clone(),
            api_url: token.api_url.clone(),
            expires_in: token.expires_in,
            expires_at: token
                .expires_at
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            oauth_url: self.oauth_url.clone(),
            account_id: self.account_id.clone(),
            client_id: self.client_id.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&body).map_err(io::Error::other)?;
        let tmp = self.file.with_extension(format!(
            "json.tmp-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let result = (|| {
            let mut f = private_file(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &self.file)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Take the slot's lock, waiting (in short async sleeps) while another process holds it.
    /// `None` when the lock could not be had within [`LOCK_PATIENCE`].
    pub async fn lock(&self) -> io::Result<Option<SlotLock>> {
        self.ensure_dir()?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode_private()
            .open(&self.lock)?;
        let started = Instant::now();
        let mut logged = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(SlotLock { _file: file })),
                Err(fs::TryLockError::WouldBlock) => {
                    if !logged {
                        tracing::debug!(lock = %self.lock.display(), "another zoomsh is minting this app's token; waiting for it");
                        logged = true;
                    }
                    if started.elapsed() > LOCK_PATIENCE {
                        return Ok(None);
                    }
                    tokio::time::sleep(LOCK_POLL).await;
                }
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
        }
    }

    /// Create the directory 0700, and make it 0700 if it exists looser (it holds tokens).
    fn ensure_dir(&self) -> io::Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&self.dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&self.dir)?.permissions().mode() & 0o777;
            if mode != 0o700 {
                fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))?;
            }
        }
        Ok(())
    }
}

/// Open options that create files readable by their owner only.
trait PrivateMode {
    fn mode_private(&mut self) -> &mut Self;
}

impl PrivateMode for OpenOptions {
    fn mode_private(&mut self) -> &mut Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            self.mode(0o600);
        }
        self
    }
}

fn private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode_private()
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(secret: &str) -> Credentials {
        Credentials {
            account_id: "ACC1".into(),
            client_id: "CID1".into(),
            client_secret: Secret::new(secret),
            profile: None,
        }
    }

    fn stored(token: &str) -> Stored {
        Stored {
            access_token: Secret::new(token),
            token_type: "bearer".into(),
            scope: "user:read:admin".into(),
            api_url: Some("https://api.zoom.us".into()),
            expires_in: 3599,
            expires_at: UNIX_EPOCH + Duration::from_secs(2_000_000_000),
        }
    }

    #[test]
    fn a_token_round_trips_through_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path());
        let slot = cache.slot("https://zoom.us/", &creds("SEC1"));
        assert!(slot.read().unwrap().is_none());
        slot.write(&stored("tok-1")).unwrap();
        let back = slot.read().unwrap().unwrap();
        assert_eq!(back.access_token.expose(), "tok-1");
        assert_eq!(
            back.expires_at,
            UNIX_EPOCH + Duration::from_secs(2_000_000_000)
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(slot.path()), 0o600);
            assert_eq!(mode(cache.dir()), 0o700);
        }
        let text = fs::read_to_string(slot.path()).unwrap();
        assert!(!text.contains("SEC1"), "{text}");
        // Nothing is left behind but the token file.
        assert_eq!(fs::read_dir(cache.dir()).unwrap().count(), 1);
    }

    #[test]
    fn the_key_changes_with_host_account_client_and_secret() {
        let cache = DiskCache::new(Path::new("/x"));
        let base = cache.slot("https://zoom.us", &creds("SEC1"));
        assert_eq!(
            base.path(),
            cache.slot("https://zoom.us/", &creds("SEC1")).path()
        );
        assert_ne!(
            base.path(),
            cache.slot("https://zoomgov.com", &creds("SEC1")).path()
        );
        assert_ne!(
            base.path(),
            cache.slot("https://zoom.us", &creds("SEC2")).path()
        );
        let mut other = creds("SEC1");
        other.client_id = "CID2".into();
        assert_ne!(base.path(), cache.slot("https://zoom.us", &other).path());
    }

    #[test]
    fn a_garbled_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let slot = DiskCache::new(dir.path()).slot("https://zoom.us", &creds("S"));
        slot.write(&stored("t")).unwrap();
        fs::write(slot.path(), b"{not json").unwrap();
        assert!(slot.read().unwrap().is_none());
    }

    #[tokio::test]
    async fn the_lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let slot = DiskCache::new(dir.path()).slot("https://zoom.us", &creds("S"));
        let held = slot.lock().await.unwrap().unwrap();
        // A second handle (as another process would have) cannot take it meanwhile.
        let other = OpenOptions::new().write(true).open(&slot.lock).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
