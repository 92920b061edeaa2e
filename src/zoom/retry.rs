//! When to send a request again, and how long to wait first.
//!
//! This module decides; [`super::http`] sleeps and resends. Its rules, each from a way real
//! clients broke (BEHAVIOR.md §3.3–3.4, CASES.md B08):
//!
//! - A 429 is retried for every method: Zoom refuses it before doing anything. Its headers are
//!   looked up case-insensitively and may all be missing; then it counts as a per-second limit.
//! - A per-second 429 waits for `Retry-After` when Zoom sends one, else backs off exponentially
//!   from [`RetryPolicy::base_wait`] with jitter, so a crowd of callers does not come back at
//!   the same instant.
//! - A daily limit (`X-RateLimit-Type: Daily-limit`, or a 429 whose message names a daily
//!   limit) is not worth waiting hours for: it fails at once with the reset instant in UTC,
//!   unless the reset is only [`RetryPolicy::daily_wait_max`] away.
//! - `Retry-After` is read as an ISO-8601 instant (Zoom's form), delta-seconds or an HTTP date.
//! - 500, 502, 503 and 504 answers and transport failures are retried for GET, PUT, PATCH and
//!   DELETE. A POST is
//!   never replayed (it may have created something) unless it provably never reached the server:
//!   the connection itself could not be made.
//! - Every retry is bounded twice: by [`RetryPolicy::retries`] and by the total time spent
//!   waiting, [`RetryPolicy::max_total_wait`]. When either runs out, the last answer stands.

use super::http::Response;
use jiff::Timestamp;
use rand::Rng;
use std::time::Duration;

/// How persistent the client is. Part of [`super::ClientOptions`].
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 turns retrying off).
    pub retries: u32,
    /// The first backoff wait; each further retry doubles it (up to 8×), plus jitter of up to
    /// one more `base_wait`.
    pub base_wait: Duration,
    /// The most time one call may spend waiting between attempts, all retries together.
    pub max_total_wait: Duration,
    /// A daily limit that resets within this long is waited out instead of reported.
    pub daily_wait_max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 4,
            base_wait: Duration::from_secs(1),
            max_total_wait: Duration::from_secs(30),
            daily_wait_max: Duration::from_secs(15),
        }
    }
}

/// Which of Zoom's limits a 429 reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// A per-second (QPS) limit: gone within a second or so.
    PerSecond,
    /// A daily limit: gone at the reset instant (00:00 UTC for Zoom's daily quotas).
    Daily,
}

/// What a 429 says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct TooManyRequests {
    pub kind: LimitKind,
    /// When to try again, from `Retry-After` (or, for a daily limit without one, the next
    /// UTC midnight, which is when Zoom's daily quotas reset).
    pub retry_at: Option<Timestamp>,
}

/// The verdict on one attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Stop and hand back what we have.
    Stop,
    /// Wait this long, then send the request again. The text says why, for the debug log.
    Retry { wait: Duration, reason: String },
    /// A daily limit that will not lift soon: fail now, saying when it resets.
    DailyLimit { resets_at: Timestamp },
}

/// How far a request got before it failed without an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The connection could not be made: the server never saw the request.
    NotSent,
    /// The request may have been received (a timeout, a dropped connection).
    MaybeSent,
}

/// The retry state of one call: attempts made and time waited so far.
#[derive(Debug)]
pub struct Retrier {
    policy: RetryPolicy,
    retries_done: u32,
    waited: Duration,
}

impl Retrier {
    pub fn new(policy: &RetryPolicy) -> Retrier {
        Retrier {
            policy: policy.clone(),
            retries_done: 0,
            waited: Duration::ZERO,
        }
    }

    /// The retries made so far.
    pub fn retries_done(&self) -> u32 {
        self.retries_done
    }

    /// Decide after an HTTP answer.
    pub fn after_response(&mut self, method: &str, response: &Response, now: Timestamp) -> Verdict {
        match response.status {
            429 => {
                let info = classify_429(response, now);
                match info.kind {
                    LimitKind::Daily => {
                        let resets_at = info.retry_at.unwrap_or_else(|| next_utc_midnight(now));
                        let until = until(now, resets_at);
                        if until <= self.policy.daily_wait_max {
                            // A second of slack: the reset instant is whole seconds on Zoom's clock.
                            let wait = until + Duration::from_secs(1);
                            self.take(
                                wait,
                                format!("HTTP 429, daily limit resets at {}", utc(resets_at)),
                            )
                            .unwrap_or(Verdict::DailyLimit { resets_at })
                        } else {
                            Verdict::DailyLimit { resets_at }
                        }
                    }
                    LimitKind::PerSecond => {
                        let wait = match info.retry_at {
                            Some(at) => until(now, at) + self.jitter(),
                            None => self.backoff(),
                        };
                        self.take(wait, "HTTP 429, per-second limit".to_string())
                            .unwrap_or(Verdict::Stop)
                    }
                }
            }
            // 501 (not implemented) and 505 will not change on a second try.
            500 | 502 | 503 | 504 if is_idempotent(method) => {
                let wait = match response
                    .header("retry-after")
                    .and_then(|v| parse_retry_after(v, now))
                {
                    Some(at) => until(now, at) + self.jitter(),
                    None => self.backoff(),
                };
                self.take(wait, format!("HTTP {}", response.status))
                    .unwrap_or(Verdict::Stop)
            }
            _ => Verdict::Stop,
        }
    }

    /// Decide after a request that got no answer.
    pub fn after_transport_error(&mut self, method: &str, reach: Reach, cause: &str) -> Verdict {
        if !(is_idempotent(method) || reach == Reach::NotSent) {
            return Verdict::Stop;
        }
        let wait = self.backoff();
        self.take(wait, cause.to_string()).unwrap_or(Verdict::Stop)
    }

    /// Spend one retry and `wait` of the budget, if both allow it.
    fn take(&mut self, wait: Duration, reason: String) -> Option<Verdict> {
        if self.retries_done >= self.policy.retries
            || self.waited + wait > self.policy.max_total_wait
        {
            return None;
        }
        self.retries_done += 1;
        self.waited += wait;
        Some(Verdict::Retry { wait, reason })
    }

    /// `base × 2^retries` (at most 8 × base) plus jitter.
    fn backoff(&self) -> Duration {
        let factor = 1u32 << self.retries_done.min(3);
        self.policy.base_wait * factor + self.jitter()
    }

    /// A random extra wait of up to one `base_wait`.
    fn jitter(&self) -> Duration {
        self.policy
            .base_wait
            .mul_f64(rand::rng().random_range(0.0..1.0))
    }
}

/// GET, PUT, PATCH and DELETE may be sent twice without harm in Zoom's API; POST may not.
pub fn is_idempotent(method: &str) -> bool {
    matches!(
        method.to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS" | "PUT" | "PATCH" | "DELETE"
    )
}

/// Read a 429's headers (any case, any of them missing) and body.
pub fn classify_429(response: &Response, now: Timestamp) -> TooManyRequests {
    let retry_at = response
        .header("retry-after")
        .and_then(|v| parse_retry_after(v, now));
    let kind = match response.header("x-ratelimit-type") {
        Some(t) if t.trim().eq_ignore_ascii_case("daily-limit") => LimitKind::Daily,
        Some(t) if t.trim().eq_ignore_ascii_case("qps") => LimitKind::PerSecond,
        // No type: Zoom's per-user daily limits come with only a category header, and name
        // themselves in the message ("You have exceeded the daily rate limit (100) ...").
        _ if message_of(response).contains("daily rate limit") => LimitKind::Daily,
        _ => LimitKind::PerSecond,
    };
    TooManyRequests { kind, retry_at }
}

fn message_of(response: &Response) -> String {
    let text = match &response.body {
        serde_json::Value::Object(map) => map
            .get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("")
            .to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    text.to_ascii_lowercase()
}

/// `Retry-After` as an absolute instant. Zoom sends an ISO-8601 UTC instant
/// (`2020-05-31T00:00:00Z`); HTTP allows delta-seconds (`120`) and an HTTP date
/// (`Sun, 31 May 2020 00:00:00 GMT`). An ISO instant without an offset is taken as UTC, which
/// is what Zoom means (reading it as local time was a real client's bug).
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<Timestamp> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = value.parse().ok()?;
        return now.checked_add(jiff::SignedDuration::from_secs(secs)).ok();
    }
    if let Ok(ts) = value.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = value.parse::<jiff::civil::DateTime>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok();
    }
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()
}

/// The next 00:00:00 UTC after `now`.
pub fn next_utc_midnight(now: Timestamp) -> Timestamp {
    let secs = now.as_second();
    Timestamp::from_second(secs - secs.rem_euclid(86_400) + 86_400).unwrap_or(now)
}

/// An instant as zoomsh prints it: whole seconds, UTC, `Z`. Never the local time zone, so the
/// same limit reads the same on every machine.
pub fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// From `now` to `at`, or zero if `at` has passed.
fn until(now: Timestamp, at: Timestamp) -> Duration {
    Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2025-05-30T13:00:00Z".parse().unwrap()
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: serde_json::Value) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body,
            path: "/v2/users".into(),
        }
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            retries: 4,
            base_wait: Duration::from_millis(100),
            max_total_wait: Duration::from_secs(30),
            daily_wait_max: Duration::from_secs(15),
        }
    }

    fn qps_body() -> serde_json::Value {
        json!({"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."})
    }

    #[test]
    fn retry_after_takes_all_three_forms() {
        let at: Timestamp = "2020-05-31T00:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("2020-05-31T00:00:00Z", now()), Some(at));
        assert_eq!(parse_retry_after(" 2020-05-31T00:00:00 ", now()), Some(at));
        assert_eq!(
            parse_retry_after("Sun, 31 May 2020 00:00:00 GMT", now()),
            Some(at)
        );
        assert_eq!(
            parse_retry_after("2020-05-31T02:00:00+02:00", now()),
            Some(at)
        );
        assert_eq!(
            parse_retry_after("120", now()),
            Some("2025-05-30T13:02:00Z".parse().unwrap())
        );
        assert_eq!(parse_retry_after("soon", now()), None);
        assert_eq!(parse_retry_after("", now()), None);
    }

    #[test]
    fn headers_are_read_in_any_case_and_may_be_missing() {
        // CASES.md B08
        let bare = answer(429, &[], qps_body());
        assert_eq!(
            classify_429(&bare, now()),
            TooManyRequests {
                kind: LimitKind::PerSecond,
                retry_at: None
            }
        );
        let lower = answer(429, &[("x-ratelimit-type", "QPS")], qps_body());
        assert_eq!(classify_429(&lower, now()).kind, LimitKind::PerSecond);
        let daily = answer(
            429,
            &[
                ("X-RateLimit-Type", "Daily-limit"),
                ("RETRY-AFTER", "2025-05-31T00:00:00Z"),
            ],
            json!({"code": 429, "message": "x"}),
        );
        let info = classify_429(&daily, now());
        assert_eq!(info.kind, LimitKind::Daily);
        assert_eq!(info.retry_at, Some("2025-05-31T00:00:00Z".parse().unwrap()));
    }

    #[test]
    fn a_per_user_daily_limit_is_recognised_by_its_message() {
        let r = answer(
            429,
            &[("x-ratelimit-category", "Light")],
            json!({"code": 429, "message": "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."}),
        );
        let mut retrier = Retrier::new(&quick());
        assert_eq!(
            retrier.after_response("POST", &r, now()),
            Verdict::DailyLimit {
                resets_at: "2025-05-31T00:00:00Z".parse().unwrap()
            }
        );
    }

    #[test]
    fn per_second_429s_back_off_with_jitter_within_bounds() {
        let mut retrier = Retrier::new(&quick());
        let r = answer(429, &[], qps_body());
        let mut waits = Vec::new();
        while let Verdict::Retry { wait, .. } = retrier.after_response("POST", &r, now()) {
            waits.push(wait);
        }
        assert_eq!(waits.len(), 4, "{waits:?}");
        for (i, w) in waits.iter().enumerate() {
            let floor = Duration::from_millis(100) * (1 << i);
            assert!(
                *w >= floor && *w < floor + Duration::from_millis(100),
                "{i}: {w:?}"
            );
        }
    }

    #[test]
    fn the_total_wait_is_capped() {
        let mut policy = quick();
        policy.base_wait = Duration::from_secs(4);
        policy.max_total_wait = Duration::from_secs(10);
        let mut retrier = Retrier::new(&policy);
        let r = answer(503, &[], json!({}));
        // 4-8 s fits, then 8-12 s more does not.
        assert!(matches!(
            retrier.after_response("GET", &r, now()),
            Verdict::Retry { .. }
        ));
        assert_eq!(retrier.after_response("GET", &r, now()), Verdict::Stop);
    }

    #[test]
    fn a_daily_limit_fails_fast_unless_it_resets_within_seconds() {
        let far = answer(
            429,
            &[
                ("X-RateLimit-Type", "Daily-limit"),
                ("Retry-After", "2025-05-31T00:00:00Z"),
            ],
            json!({}),
        );
        assert_eq!(
            Retrier::new(&quick()).after_response("GET", &far, now()),
            Verdict::DailyLimit {
                resets_at: "2025-05-31T00:00:00Z".parse().unwrap()
            }
        );
        let near = answer(
            429,
            &[
                ("X-RateLimit-Type", "Daily-limit"),
                ("Retry-After", "2025-05-30T13:00:05Z"),
            ],
            json!({}),
        );
        assert_eq!(
            Retrier::new(&quick()).after_response("GET", &near, now()),
            Verdict::Retry {
                wait: Duration::from_secs(6),
                reason: "HTTP 429, daily limit resets at 2025-05-30T13:00:05Z".into()
            }
        );
    }

    #[test]
    fn server_errors_are_retried_only_for_idempotent_methods() {
        let r = answer(502, &[], json!({}));
        for m in ["GET", "PUT", "PATCH", "DELETE"] {
            assert!(
                matches!(
                    Retrier::new(&quick()).after_response(m, &r, now()),
                    Verdict::Retry { .. }
                ),
                "{m}"
            );
        }
        assert_eq!(
            Retrier::new(&quick()).after_response("POST", &r, now()),
            Verdict::Stop
        );
        for status in [404, 501] {
            assert_eq!(
                Retrier::new(&quick()).after_response(
                    "GET",
                    &answer(status, &[], json!({})),
                    now()
                ),
                Verdict::Stop
            );
        }
    }

    #[test]
    fn a_post_is_resent_only_when_it_never_left() {
        let mut r = Retrier::new(&quick());
        assert_eq!(
            r.after_transport_error("POST", Reach::MaybeSent, "timed out"),
            Verdict::Stop
        );
        assert!(matches!(
            r.after_transport_error("POST", Reach::NotSent, "could not connect"),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            r.after_transport_error("GET", Reach::MaybeSent, "timed out"),
            Verdict::Retry { .. }
        ));
    }

    #[test]
    fn zero_retries_means_none() {
        let mut policy = quick();
        policy.retries = 0;
        let r = answer(429, &[], qps_body());
        assert_eq!(
            Retrier::new(&policy).after_response("GET", &r, now()),
            Verdict::Stop
        );
    }

    #[test]
    fn instants_print_in_utc() {
        assert_eq!(
            utc("2025-05-31T05:30:00+05:30".parse().unwrap()),
            "2025-05-31T00:00:00Z"
        );
        assert_eq!(
            next_utc_midnight(now()),
            "2025-05-31T00:00:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
