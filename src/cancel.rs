//! `Cancel`: the Ctrl-C switch shared by a script, its HTTP calls and its waits.
//!
//! The REPL and the command line set it from a signal handler; the script engine checks it
//! between operations (`Engine::on_progress`), and every blocking wait (an HTTP call, a retry
//! sleep, a rate-limit wait) races against [`Cancel::cancelled`], so Ctrl-C stops a script
//! promptly wherever it is.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

#[derive(Clone, Default, Debug)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Default, Debug)]
struct Inner {
    flag: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Ask everything watching this switch to stop.
    pub fn cancel(&self) {
        self.inner.flag.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::SeqCst)
    }

    /// Arm the switch again (the REPL does this before each input).
    pub fn reset(&self) {
        self.inner.flag.store(false, Ordering::SeqCst);
    }

    /// Resolves once [`Cancel::cancel`] has been called.
    pub async fn cancelled(&self) {
        loop {
            // Created before the check: `notify_waiters` wakes a `Notified` from its creation.
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
