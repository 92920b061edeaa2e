//! Client-side rate limiting: one limiter per Zoom rate-limit category, sized by the account's
//! plan, so a well-behaved script never sees a 429.
//!
//! Zoom counts requests per account and per category (Light, Medium, Heavy,
//! Resource-intensive: the "Rate Limit Label" the catalog carries for every operation), per
//! second or per minute, with numbers that depend on the plan (BEHAVIOR.md §3.2). Before a
//! request is sent, [`RateLimits::acquire`] waits for a slot in its category. The limiters are
//! governor's GCRA, paced so that *no window of Zoom's length, wherever it starts*, holds more
//! requests than Zoom allows:
//!
//! - per-second categories run at 95% of the published rate (network jitter can squeeze two
//!   requests sent a second apart into one window), with a burst of 2 where that still fits under
//!   the limit, so a late timer wake-up is caught up instead of lost;
//! - per-minute categories (Resource-intensive) allow half the limit at once and then pace the
//!   other half over the minute.
//!
//! When a per-second 429 comes back anyway (another app on the same account uses the same quota),
//! [`RateLimits::throttled`] halves that category's pace, down to an eighth, for
//! [`SLOWDOWN`] after the last 429. Daily quotas are Zoom's to count: a daily 429 fails fast
//! (see `retry`), and the last `X-RateLimit-Remaining` seen is kept for scripts to read.
//!
//! Waits are tokio sleeps inside the caller's future, so Ctrl-C (which drops that future)
//! interrupts them at once. Nothing here blocks a thread or holds a lock across an `.await`.

use crate::catalog::Category;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The share of Zoom's published per-second rate the limiter runs at.
const HEADROOM: f64 = 0.95;
/// How long a category stays slowed after its last 429.
pub const SLOWDOWN: Duration = Duration::from_secs(30);
/// The most a category is slowed: an eighth of its normal pace.
const MAX_SLOWDOWN: u32 = 8;

/// The account's Zoom plan, which sizes the limits. Business covers Business, Education,
/// Enterprise and Partner accounts ("Business+" in Zoom's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Plan {
    Free,
    #[default]
    Pro,
    Business,
    /// No client-side limits (not a Zoom plan: for the simulator's `unlimited` plan).
    Unlimited,
}

impl Plan {
    pub const NAMES: &'static str = "free, pro, business or unlimited";

    pub fn parse(text: &str) -> Option<Plan> {
        match text.trim().to_ascii_lowercase().as_str() {
            "free" | "basic" => Some(Plan::Free),
            "pro" => Some(Plan::Pro),
            "business" | "business+" | "enterprise" | "education" => Some(Plan::Business),
            "unlimited" => Some(Plan::Unlimited),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Pro => "pro",
            Plan::Business => "business",
            Plan::Unlimited => "unlimited",
        }
    }
}

/// Zoom's published limit: requests per window (BEHAVIOR.md §3.2); `None` for no limit.
pub fn published(plan: Plan, category: Category) -> Option<(u32, Duration)> {
    use Category::*;
    let second = Duration::from_secs(1);
    let minute = Duration::from_secs(60);
    Some(match (plan, category) {
        (Plan::Unlimited, _) => return None,
        (Plan::Free, Light) => (4, second),
        (Plan::Free, Medium) => (2, second),
        (Plan::Free, Heavy) => (1, second),
        (Plan::Free, ResourceIntensive) => (10, minute),
        (Plan::Pro, Light) => (30, second),
        (Plan::Pro, Medium) => (20, second),
        (Plan::Pro, Heavy) => (10, second),
        (Plan::Pro, ResourceIntensive) => (10, minute),
        (Plan::Business, Light) => (80, second),
        (Plan::Business, Medium) => (60, second),
        (Plan::Business, Heavy) => (40, second),
        (Plan::Business, ResourceIntensive) => (20, minute),
    })
}

/// The GCRA quota for a limit, slowed by `factor` (1 = normal pace).
///
/// A GCRA with period T and burst b lets at most ⌊(W + (b−1)·T) / T⌋ + 1 requests into any
/// window W; the numbers below keep that under Zoom's limit with room for jitter.
fn quota(limit: u32, window: Duration, factor: u32) -> Quota {
    let (burst, per_window) = if window > Duration::from_secs(1) {
        let half = (limit / 2).max(1);
        (half, f64::from(half) * HEADROOM)
    } else {
        let pace = f64::from(limit) * HEADROOM;
        let burst = if pace * 1.02 < f64::from(limit) - 1.0 {
            2
        } else {
            1
        };
        (burst, pace)
    };
    let (burst, per_window) = if factor > 1 {
        (1, per_window / f64::from(factor))
    } else {
        (burst, per_window)
    };
    let period = window.div_f64(per_window.max(0.01));
    Quota::with_period(period)
        .expect("a positive period")
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

/// What a script sees of one category (`zoom.rate_limits()`).
#[derive(Clone, Debug, PartialEq)]
pub struct LaneState {
    pub category: Category,
    /// Zoom's published limit and its window ("second" or "minute").
    pub limit: u32,
    pub per: &'static str,
    /// The pace zoomsh keeps now, in requests per second.
    pub pace_per_second: f64,
    /// How much longer the category stays slowed after a 429, if it is.
    pub slowed_for: Option<Duration>,
    /// Requests let through so far.
    pub requests: u64,
    /// Requests that had to wait for a slot, and the time they waited in all.
    pub waits: u64,
    pub waited: Duration,
    /// 429s Zoom answered in this category.
    pub throttled: u64,
    /// The last `X-RateLimit-Limit` / `X-RateLimit-Remaining` Zoom sent (its daily quota, where
    /// the category has one).
    pub zoom_limit: Option<i64>,
    pub zoom_remaining: Option<i64>,
}

struct Lane {
    category: Category,
    limit: u32,
    window: Duration,
    state: Mutex<LaneInner>,
}

struct LaneInner {
    limiter: Arc<DefaultDirectRateLimiter>,
    factor: u32,
    slowed_until: Option<Instant>,
    requests: u64,
    waits: u64,
    waited: Duration,
    throttled: u64,
    zoom_limit: Option<i64>,
    zoom_remaining: Option<i64>,
}

impl Lane {
    fn new(plan: Plan, category: Category) -> Option<Lane> {
        let (limit, window) = published(plan, category)?;
        Some(Lane {
            category,
            limit,
            window,
            state: Mutex::new(LaneInner {
                limiter: Arc::new(DefaultDirectRateLimiter::direct(quota(limit, window, 1))),
                factor: 1,
                slowed_until: None,
                requests: 0,
                waits: 0,
                waited: Duration::ZERO,
                throttled: 0,
                zoom_limit: None,
                zoom_remaining: None,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LaneInner> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The limiter in force now; a slowdown that has run out is lifted here.
    fn current(&self) -> Arc<DefaultDirectRateLimiter> {
        let mut s = self.lock();
        if s.slowed_until.is_some_and(|until| Instant::now() >= until) {
            s.slowed_until = None;
            s.factor = 1;
            s.limiter = Arc::new(DefaultDirectRateLimiter::direct(quota(
                self.limit,
                self.window,
                1,
            )));
            tracing::debug!(
                category = self.category.name(),
                "rate limit: back to full pace"
            );
        }
        s.limiter.clone()
    }
}

/// The limiters of one account (one client). With [`Plan::Unlimited`] there are none.
pub struct RateLimits {
    plan: Plan,
    lanes: Vec<Lane>,
}

impl RateLimits {
    pub fn new(plan: Plan) -> RateLimits {
        RateLimits {
            plan,
            lanes: Category::ALL
                .iter()
                .filter_map(|c| Lane::new(plan, *c))
                .collect(),
        }
    }

    pub fn plan(&self) -> Plan {
        self.plan
    }

    fn lane(&self, category: Category) -> Option<&Lane> {
        self.lanes.iter().find(|l| l.category == category)
    }

    /// Wait until a request of `category` may be sent; returns how long that took.
    pub async fn acquire(&self, category: Category) -> Duration {
        let Some(lane) = self.lane(category) else {
            return Duration::ZERO;
        };
        let clock = DefaultClock::default();
        let mut waited = Duration::ZERO;
        loop {
            let limiter = lane.current();
            match limiter.check() {
                Ok(()) => break,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(clock.now());
                    tokio::time::sleep(wait).await;
                    waited += wait;
                }
            }
        }
        let mut s = lane.lock();
        s.requests += 1;
        if !waited.is_zero() {
            s.waits += 1;
            s.waited += waited;
        }
        waited
    }

    /// Zoom answered a per-second 429 in `category`: slow that category down for a while.
    pub fn throttled(&self, category: Category) {
        let Some(lane) = self.lane(category) else {
            return;
        };
        let mut s = lane.lock();
        s.throttled += 1;
        s.slowed_until = Some(Instant::now() + SLOWDOWN);
        let factor = (s.factor * 2).min(MAX_SLOWDOWN);
        if factor != s.factor {
            // A new limiter starts empty; swapping only when the pace changes keeps a storm of
            // 429s at the slowest pace from letting a request through with each one.
            s.factor = factor;
            s.limiter = Arc::new(DefaultDirectRateLimiter::direct(quota(
                lane.limit,
                lane.window,
                factor,
            )));
        }
        tracing::debug!(
            category = category.name(),
            factor = s.factor,
            "rate limit: Zoom answered 429, slowing this category down for {}s",
            SLOWDOWN.as_secs()
        );
    }

    /// Zoom answered a daily 429 in `category`: count it (no pace change helps).
    pub fn daily_limited(&self, category: Category) {
        if let Some(lane) = self.lane(category) {
            lane.lock().throttled += 1;
        }
    }

    /// Keep the rate-limit headers of an answer (`X-RateLimit-Limit`, `X-RateLimit-Remaining`).
    pub fn observe(&self, category: Category, limit: Option<&str>, remaining: Option<&str>) {
        let parse = |v: Option<&str>| v.and_then(|v| v.trim().parse::<i64>().ok());
        let (limit, remaining) = (parse(limit), parse(remaining));
        if limit.is_none() && remaining.is_none() {
            return;
        }
        let Some(lane) = self.lane(category) else {
            return;
        };
        let mut s = lane.lock();
        s.zoom_limit = limit.or(s.zoom_limit);
        s.zoom_remaining = remaining.or(s.zoom_remaining);
    }

    /// The state of every category, Light first.
    pub fn snapshot(&self) -> Vec<LaneState> {
        let now = Instant::now();
        self.lanes
            .iter()
            .map(|lane| {
                let s = lane.lock();
                let q = quota(lane.limit, lane.window, s.factor);
                LaneState {
                    category: lane.category,
                    limit: lane.limit,
                    per: if lane.window > Duration::from_secs(1) {
                        "minute"
                    } else {
                        "second"
                    },
                    pace_per_second: 1.0 / q.replenish_interval().as_secs_f64(),
                    slowed_for: s
                        .slowed_until
                        .filter(|u| *u > now)
                        .map(|u| u.duration_since(now)),
                    requests: s.requests,
                    waits: s.waits,
                    waited: s.waited,
                    throttled: s.throttled,
                    zoom_limit: s.zoom_limit,
                    zoom_remaining: s.zoom_remaining,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The most requests a quota lets into any window of `window`, found by simulating a
    /// caller that always asks as early as it can.
    fn most_in_any_window(q: Quota, window: Duration, total: usize) -> usize {
        let t = q.replenish_interval().as_secs_f64();
        let tau = t * f64::from(q.burst_size().get() - 1);
        // GCRA: a request at time x is allowed when x >= tat - tau; then tat = max(tat, x) + t.
        let mut tat = 0.0_f64;
        let mut times = Vec::new();
        let mut x = 0.0_f64;
        for _ in 0..total {
            x = x.max(tat - tau);
            times.push(x);
            tat = tat.max(x) + t;
        }
        let w = window.as_secs_f64();
        (0..times.len())
            .map(|i| times[i..].iter().take_while(|y| **y < times[i] + w).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn no_window_ever_holds_more_than_zoom_allows() {
        for plan in [Plan::Free, Plan::Pro, Plan::Business] {
            for cat in Category::ALL {
                let (limit, window) = published(plan, cat).unwrap();
                let most = most_in_any_window(quota(limit, window, 1), window, 400);
                assert!(most <= limit as usize, "{plan:?} {cat:?}: {most} > {limit}");
            }
        }
    }

    #[test]
    fn the_pace_is_close_to_the_published_rate() {
        let q = quota(80, Duration::from_secs(1), 1);
        assert_eq!(q.burst_size().get(), 2);
        let pace = 1.0 / q.replenish_interval().as_secs_f64();
        assert!((pace - 76.0).abs() < 0.01, "{pace}");
        let slowed = quota(80, Duration::from_secs(1), 2);
        assert_eq!(slowed.burst_size().get(), 1);
        assert!((1.0 / slowed.replenish_interval().as_secs_f64() - 38.0).abs() < 0.01);
    }

    #[test]
    fn plans_parse_by_name() {
        assert_eq!(Plan::parse(" Business "), Some(Plan::Business));
        assert_eq!(Plan::parse("free"), Some(Plan::Free));
        assert_eq!(Plan::parse("gold"), None);
        assert_eq!(Plan::parse("unlimited"), Some(Plan::Unlimited));
        assert!(RateLimits::new(Plan::Unlimited).snapshot().is_empty());
        assert_eq!(Plan::default(), Plan::Pro);
    }

    #[tokio::test]
    async fn requests_beyond_the_burst_wait_for_a_slot() {
        let limits = RateLimits::new(Plan::Free);
        // Free Heavy: 1 per second, paced at 0.95/s.
        let mut waits = Vec::new();
        for _ in 0..3 {
            waits.push(limits.acquire(Category::Heavy).await);
        }
        assert_eq!(waits[0], Duration::ZERO);
        assert!(waits[1] > Duration::from_millis(900), "{waits:?}");
        let lane = &limits.snapshot()[2];
        assert_eq!(
            (lane.category, lane.requests, lane.waits),
            (Category::Heavy, 3, 2)
        );
    }

    #[tokio::test]
    async fn a_429_halves_the_pace_for_a_while() {
        let limits = RateLimits::new(Plan::Business);
        limits.throttled(Category::Light);
        let light = &limits.snapshot()[0];
        assert!((light.pace_per_second - 38.0).abs() < 0.01, "{light:?}");
        assert!(light.slowed_for.unwrap() > Duration::from_secs(29));
        assert_eq!(light.throttled, 1);
        limits.throttled(Category::Light);
        limits.throttled(Category::Light);
        limits.throttled(Category::Light);
        assert!((limits.snapshot()[0].pace_per_second - 9.5).abs() < 0.01);
    }

    #[test]
    fn rate_limit_headers_are_kept() {
        let limits = RateLimits::new(Plan::Pro);
        limits.observe(Category::Heavy, Some("30000"), Some("29990"));
        limits.observe(Category::Heavy, None, None);
        let heavy = &limits.snapshot()[2];
        assert_eq!(
            (heavy.zoom_limit, heavy.zoom_remaining),
            (Some(30000), Some(29990))
        );
    }
}
