//! Fault injection: the `--faults` grammar and the per-request decision.
//!
//! Grammar (comma-separated, whitespace ignored, each key at most once):
//!
//! | item          | effect                                                                      |
//! |---------------|-----------------------------------------------------------------------------|
//! | `5xx=R`       | ratio R (0..=1) of requests answered 500/502/503/504 with a JSON body       |
//! | `429=R`       | ratio R of API requests answered 429 with Zoom's per-second body, no headers |
//! | `429burst=N`  | the first N API requests (after start or reset) get that headerless 429     |
//! | `429daily=N`  | the first N API requests get Zoom's daily-limit 429: `X-RateLimit-Type:    |
//! |               | Daily-limit` and `Retry-After` at the next 00:00 UTC                        |
//! | `reset=R`     | ratio R of connections dropped before a response is complete                |
//! | `html=R`      | ratio R answered `400 text/html` `<html>Bad Request</html>`                 |
//! | `xml=R`       | ratio R answered `400 application/xml` with a code-300 `<error>` body       |
//! | `empty=R`     | ratio R answered `502` with an empty body                                   |
//! | `on=WHERE`    | `api`, `oauth` or `all` (default): which endpoints the ratios apply to       |
//!
//! The ratios are cumulative slices of one uniform draw per request, so their sum must be ≤ 1.
//! The draw comes from a generator seeded with `--seed` and the request's sequence number, so
//! a run with the same seed and the same request order injects the same faults. This module
//! decides; the server turns a decision into a response.

use rand::{Rng, SeedableRng, rngs::StdRng};
use std::fmt;

/// Which endpoints ratio-based faults apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultTarget {
    Api,
    Oauth,
    #[default]
    All,
}

/// A parsed `--faults` value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultSpec {
    pub server_error: f64,
    pub too_many: f64,
    pub burst_429: u64,
    /// The first N API requests get a daily-limit 429 (checked before `burst_429`).
    pub daily_429: u64,
    pub reset: f64,
    pub html: f64,
    pub xml: f64,
    pub empty: f64,
    pub on: FaultTarget,
}

/// What to do to one request instead of serving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 5xx with a small JSON body; the status is one of 500, 502, 503, 504.
    ServerError(u16),
    /// 429 with the per-second body and no rate-limit headers.
    TooManyRequests,
    /// 429 with the daily-limit body and Zoom's daily-limit headers.
    DailyLimit,
    /// Drop the connection.
    Reset,
    Html,
    Xml,
    Empty,
}

/// Which kind of endpoint a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Api,
    Oauth,
}

impl FaultSpec {
    /// Parse the grammar in the module docs; the error names the offending item.
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let mut out = FaultSpec::default();
        let mut seen = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| format!("fault item `{item}` is not KEY=VALUE"))?;
            let (key, value) = (key.trim(), value.trim());
            if seen.contains(&key.to_string()) {
                return Err(format!("fault `{key}` is given twice"));
            }
            seen.push(key.to_string());
            let ratio = || -> Result<f64, String> {
                match value.parse::<f64>() {
                    Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
                    _ => Err(format!(
                        "fault `{key}` needs a ratio between 0 and 1, got `{value}`"
                    )),
                }
            };
            match key {
                "5xx" => out.server_error = ratio()?,
                "429" => out.too_many = ratio()?,
                "reset" => out.reset = ratio()?,
                "html" => out.html = ratio()?,
                "xml" => out.xml = ratio()?,
                "empty" => out.empty = ratio()?,
                "429burst" => {
                    out.burst_429 = value.parse().map_err(|_| {
                        format!("fault `429burst` needs a whole number, got `{value}`")
                    })?
                }
                "429daily" => {
                    out.daily_429 = value.parse().map_err(|_| {
                        format!("fault `429daily` needs a whole number, got `{value}`")
                    })?
                }
                "on" => {
                    out.on = match value {
                        "api" => FaultTarget::Api,
                        "oauth" => FaultTarget::Oauth,
                        "all" => FaultTarget::All,
                        _ => {
                            return Err(format!(
                                "fault `on` must be api, oauth or all, got `{value}`"
                            ));
                        }
                    }
                }
                _ => {
                    return Err(format!(
                        "unknown fault `{key}` (known: 5xx, 429, 429burst, 429daily, reset, html, xml, empty, on)"
                    ));
                }
            }
        }
        if out.total_ratio() > 1.0 + 1e-9 {
            return Err("fault ratios add up to more than 1".to_string());
        }
        Ok(out)
    }

    fn total_ratio(&self) -> f64 {
        self.server_error + self.too_many + self.reset + self.html + self.xml + self.empty
    }

    pub fn is_empty(&self) -> bool {
        self.total_ratio() == 0.0 && self.burst_429 == 0 && self.daily_429 == 0
    }

    /// The fault for request number `seq` (counted from 0 over all faultable requests) and
    /// `api_seq` (counted over API requests only, for bursts), or `None` to serve it normally.
    pub fn decide(
        &self,
        seed: u64,
        seq: u64,
        api_seq: Option<u64>,
        surface: Surface,
    ) -> Option<Fault> {
        if let Some(n) = api_seq
            && n < self.daily_429
        {
            return Some(Fault::DailyLimit);
        }
        if let Some(n) = api_seq
            && n < self.burst_429
        {
            return Some(Fault::TooManyRequests);
        }
        let applies = matches!(
            (self.on, surface),
            (FaultTarget::All, _)
                | (FaultTarget::Api, Surface::Api)
                | (FaultTarget::Oauth, Surface::Oauth)
        );
        if !applies || self.total_ratio() == 0.0 {
            return None;
        }
        // One generator per request keeps decisions independent of how many draws earlier
        // requests made: the same seed and sequence number always give the same answer.
        let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seq);
        let draw: f64 = rng.random();
        let too_many = if surface == Surface::Api {
            self.too_many
        } else {
            0.0
        };
        let slices = [
            (self.server_error, 0u8),
            (too_many, 1),
            (self.reset, 2),
            (self.html, 3),
            (self.xml, 4),
            (self.empty, 5),
        ];
        let mut edge = 0.0;
        for (ratio, kind) in slices {
            edge += ratio;
            if draw < edge {
                return Some(match kind {
                    0 => Fault::ServerError([500, 502, 503, 504][rng.random_range(0..4)]),
                    1 => Fault::TooManyRequests,
                    2 => Fault::Reset,
                    3 => Fault::Html,
                    4 => Fault::Xml,
                    _ => Fault::Empty,
                });
            }
        }
        None
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (key, r) in [
            ("5xx", self.server_error),
            ("429", self.too_many),
            ("reset", self.reset),
            ("html", self.html),
            ("xml", self.xml),
            ("empty", self.empty),
        ] {
            if r > 0.0 {
                parts.push(format!("{key}={r}"));
            }
        }
        if self.burst_429 > 0 {
            parts.push(format!("429burst={}", self.burst_429));
        }
        if self.daily_429 > 0 {
            parts.push(format!("429daily={}", self.daily_429));
        }
        match self.on {
            FaultTarget::All => {}
            FaultTarget::Api => parts.push("on=api".into()),
            FaultTarget::Oauth => parts.push("on=oauth".into()),
        }
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let s = FaultSpec::parse("5xx=0.05,429burst=3,reset=0.02,html=0.01").unwrap();
        assert_eq!(s.server_error, 0.05);
        assert_eq!(s.burst_429, 3);
        assert_eq!(s.reset, 0.02);
        assert_eq!(s.html, 0.01);
        assert_eq!(FaultSpec::parse(&s.to_string()).unwrap(), s);
    }

    #[test]
    fn rejects_bad_items() {
        for bad in [
            "5xx",
            "5xx=x",
            "5xx=1.5",
            "reset=0.6,5xx=0.6",
            "429burst=-1",
            "on=web",
            "x=1",
            "html=0.1,html=0.2",
        ] {
            assert!(FaultSpec::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(FaultSpec::parse("").unwrap().is_empty());
    }

    #[test]
    fn burst_comes_first_then_nothing() {
        let s = FaultSpec::parse("429burst=2").unwrap();
        assert_eq!(
            s.decide(1, 0, Some(0), Surface::Api),
            Some(Fault::TooManyRequests)
        );
        assert_eq!(
            s.decide(1, 1, Some(1), Surface::Api),
            Some(Fault::TooManyRequests)
        );
        assert_eq!(s.decide(1, 2, Some(2), Surface::Api), None);
    }

    #[test]
    fn daily_limits_come_before_bursts() {
        let s = FaultSpec::parse("429daily=1,429burst=2").unwrap();
        assert_eq!(FaultSpec::parse(&s.to_string()).unwrap(), s);
        assert_eq!(
            s.decide(1, 0, Some(0), Surface::Api),
            Some(Fault::DailyLimit)
        );
        assert_eq!(
            s.decide(1, 1, Some(1), Surface::Api),
            Some(Fault::TooManyRequests)
        );
        assert_eq!(s.decide(1, 0, None, Surface::Oauth), None);
    }

    #[test]
    fn ratios_are_deterministic_and_roughly_right() {
        let s = FaultSpec::parse("5xx=0.25").unwrap();
        let run = |seed| -> Vec<bool> {
            (0..2000)
                .map(|i| s.decide(seed, i, Some(i), Surface::Api).is_some())
                .collect()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits = run(7).iter().filter(|h| **h).count();
        assert!((400..600).contains(&hits), "{hits} of 2000");
    }

    #[test]
    fn target_limits_where_faults_apply() {
        let s = FaultSpec::parse("empty=1,on=oauth").unwrap();
        assert_eq!(s.decide(1, 0, Some(0), Surface::Api), None);
        assert_eq!(s.decide(1, 0, None, Surface::Oauth), Some(Fault::Empty));
    }
}
