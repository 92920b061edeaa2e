//! Rate limits per account, per category, per plan (BEHAVIOR §3): requests per second (per
//! minute for Resource-intensive) and per UTC day, with Zoom's headers and 429 bodies.
//!
//! Windows are fixed: a second is a whole second since the simulator started, a day is a UTC
//! calendar day. Only requests that are let through count. `Plan::Unlimited` turns all of this
//! off. The per-host meeting create/update limit (100 a day) is here too, as a pure function;
//! the meeting routes own the counters because they know the host.

use super::args::Plan;
use super::reply::ApiError;
use crate::catalog::Category;
use jiff::Timestamp;
use std::collections::HashMap;
use std::time::Instant;

pub const QPS_MESSAGE: &str =
    "You have reached the maximum per-second rate limit for this API. Try again later.";
pub const DAILY_MESSAGE: &str = "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.";
/// Zoom's per-host limit on meeting creates and updates per UTC day.
pub const MEETING_WRITES_PER_DAY: u32 = 100;

/// Requests allowed per window, and the window in seconds.
fn rate(plan: Plan, cat: Category) -> Option<(u32, u64)> {
    use Category::*;
    let r = match (plan, cat) {
        (Plan::Unlimited, _) => return None,
        (Plan::Free, Light) => (4, 1),
        (Plan::Free, Medium) => (2, 1),
        (Plan::Free, Heavy) => (1, 1),
        (Plan::Free, ResourceIntensive) => (10, 60),
        (Plan::Pro, Light) => (30, 1),
        (Plan::Pro, Medium) => (20, 1),
        (Plan::Pro, Heavy) => (10, 1),
        (Plan::Pro, ResourceIntensive) => (10, 60),
        (Plan::Business, Light) => (80, 1),
        (Plan::Business, Medium) => (60, 1),
        (Plan::Business, Heavy) => (40, 1),
        (Plan::Business, ResourceIntensive) => (20, 60),
    };
    Some(r)
}

/// Daily quota: the bucket it is counted in (Heavy and Resource-intensive share one on paid
/// plans) and its size.
fn daily(plan: Plan, cat: Category) -> Option<(&'static str, u32)> {
    use Category::*;
    match (plan, cat) {
        (Plan::Free, Light) => Some(("light", 6_000)),
        (Plan::Free, Medium) => Some(("medium", 2_000)),
        (Plan::Free, Heavy) => Some(("heavy", 1_000)),
        (Plan::Free, ResourceIntensive) => Some(("resource", 30_000)),
        (Plan::Pro, Heavy | ResourceIntensive) => Some(("heavy+resource", 30_000)),
        (Plan::Business, Heavy | ResourceIntensive) => Some(("heavy+resource", 60_000)),
        _ => None,
    }
}

/// The next UTC midnight, as Zoom writes it in `Retry-After`.
pub fn next_utc_midnight(now: Timestamp) -> String {
    let secs = now.as_second();
    let next = secs - secs.rem_euclid(86_400) + 86_400;
    Timestamp::from_second(next)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[derive(Debug)]
pub struct RateLimiter {
    plan: Plan,
    started: Instant,
    /// Category -> (window index, requests in it).
    windows: HashMap<Category, (u64, u32)>,
    /// Daily bucket -> (UTC day number, requests that day).
    days: HashMap<&'static str, (i64, u32)>,
}

type Headers = Vec<(String, String)>;

impl RateLimiter {
    pub fn new(plan: Plan) -> RateLimiter {
        RateLimiter {
            plan,
            started: Instant::now(),
            windows: HashMap::new(),
            days: HashMap::new(),
        }
    }

    /// Let a request of `cat` through (returning the headers for its response) or refuse it with
    /// Zoom's 429.
    pub fn admit(&mut self, cat: Category, now: Timestamp) -> Result<Headers, ApiError> {
        let mut headers = vec![("X-RateLimit-Category".to_string(), cat.name().to_string())];
        let Some((per_window, window_secs)) = rate(self.plan, cat) else {
            return Ok(headers);
        };
        let day = now.as_second().div_euclid(86_400);
        if let Some((bucket, quota)) = daily(self.plan, cat) {
            let used = match self.days.get(bucket) {
                Some((d, n)) if *d == day => *n,
                _ => 0,
            };
            if used >= quota {
                let mut e = ApiError::new(429, 429, DAILY_MESSAGE);
                e.headers = vec![
                    ("X-RateLimit-Category".into(), cat.name().into()),
                    ("X-RateLimit-Type".into(), "Daily-limit".into()),
                    ("X-RateLimit-Limit".into(), quota.to_string()),
                    ("X-RateLimit-Remaining".into(), "0".into()),
                    ("Retry-After".into(), next_utc_midnight(now)),
                ];
                return Err(e);
            }
        }
        let window = self.started.elapsed().as_secs() / window_secs;
        let entry = self.windows.entry(cat).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= per_window {
            let mut e = ApiError::new(429, 429, QPS_MESSAGE);
            e.headers = vec![
                ("X-RateLimit-Category".into(), cat.name().into()),
                ("X-RateLimit-Type".into(), "QPS".into()),
                ("X-RateLimit-Limit".into(), per_window.to_string()),
                ("X-RateLimit-Remaining".into(), "0".into()),
            ];
            return Err(e);
        }
        entry.1 += 1;
        if let Some((bucket, quota)) = daily(self.plan, cat) {
            let e = self.days.entry(bucket).or_insert((day, 0));
            if e.0 != day {
                *e = (day, 0);
            }
            e.1 += 1;
            headers.push(("X-RateLimit-Limit".into(), quota.to_string()));
            headers.push(("X-RateLimit-Remaining".into(), (quota - e.1).to_string()));
        }
        Ok(headers)
    }
}

/// Zoom's 429 for the 101st meeting create/update of one host on one UTC day. Zoom sends it
/// with only a category header (BEHAVIOR §3.3, §3.4).
pub fn meeting_writes_exceeded() -> ApiError {
    let mut e = ApiError::new(
        429,
        429,
        format!(
            "You have exceeded the daily rate limit ({MEETING_WRITES_PER_DAY}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."
        ),
    );
    e.headers = vec![("X-RateLimit-Category".into(), "Light".into())];
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_plan_allows_two_medium_per_second() {
        let mut l = RateLimiter::new(Plan::Free);
        let now = Timestamp::now();
        // Align to the start of a window so the test does not straddle a second boundary.
        while l.started.elapsed().subsec_millis() > 500 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(l.admit(Category::Medium, now).is_ok());
        let ok = l.admit(Category::Medium, now).unwrap();
        assert!(ok.contains(&("X-RateLimit-Remaining".into(), "1998".into())));
        let e = l.admit(Category::Medium, now).unwrap_err();
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (429, 429, QPS_MESSAGE)
        );
        assert!(
            e.headers
                .contains(&("X-RateLimit-Type".into(), "QPS".into()))
        );
    }

    #[test]
    fn daily_limit_sets_retry_after_to_midnight() {
        let mut l = RateLimiter::new(Plan::Free);
        let now: Timestamp = "2025-05-30T13:00:00Z".parse().unwrap();
        l.days
            .insert("heavy", (now.as_second().div_euclid(86_400), 1_000));
        let e = l.admit(Category::Heavy, now).unwrap_err();
        assert!(
            e.headers
                .contains(&("Retry-After".into(), "2025-05-31T00:00:00Z".into()))
        );
        assert!(
            e.headers
                .contains(&("X-RateLimit-Type".into(), "Daily-limit".into()))
        );
    }

    #[test]
    fn unlimited_never_refuses() {
        let mut l = RateLimiter::new(Plan::Unlimited);
        let now = Timestamp::now();
        for _ in 0..10_000 {
            assert!(l.admit(Category::Heavy, now).is_ok());
        }
    }
}
