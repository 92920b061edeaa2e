//! The progress bar of a long `--paginate`: items fetched of `total_records`, on stderr, drawn
//! only when stderr is a terminal (so pipes, logs and tests see nothing), and only once a second
//! page is needed.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct PageProgress {
    bar: Option<ProgressBar>,
    enabled: bool,
    label: String,
}

impl PageProgress {
    pub fn new(label: &str) -> PageProgress {
        PageProgress {
            bar: None,
            enabled: std::io::stderr().is_terminal(),
            label: label.to_string(),
        }
    }

    /// After each page: `items` fetched so far, `total` if the first page said, `more` if
    /// another page follows.
    pub fn update(&mut self, items: usize, total: Option<u64>, more: bool) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && more {
            let bar = match total {
                Some(total) => {
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                        .with_style(
                            ProgressStyle::with_template(
                                "{msg} {bar:30} {pos}/{len} items ({elapsed})",
                            )
                            .expect("template parses"),
                        )
                }
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template("{msg} {spinner} {pos} items ({elapsed})")
                            .expect("template parses"),
                    ),
            };
            // The message first: every draw, the first included, shows what is being fetched.
            let bar = bar
                .with_message(self.label.clone())
                .with_position(items as u64);
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(items as u64);
        }
    }

    /// Clear the bar (the result follows on stdout; the terminal keeps no trace of the bar).
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for PageProgress {
    fn drop(&mut self) {
        self.finish();
    }
}
