//! Pagination as Zoom does it (BEHAVIOR §4): `page_size` (default 30, capped at the catalog's
//! maximum), an opaque `next_page_token` that is `""` on the last page, valid only with the same
//! query and for a limited time (15 minutes by default), and code 300 otherwise.
//!
//! Owns the live page tokens. Routes hand over the full, already filtered list; this module cuts
//! the page and remembers where the next one starts.

use super::ids;
use super::reply::ApiError;
use rand::{SeedableRng, rngs::StdRng};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Where a page token points.
#[derive(Debug, Clone)]
struct Cursor {
    query: String,
    offset: usize,
    issued: Instant,
}

#[derive(Debug)]
pub struct Pager {
    tokens: HashMap<String, Cursor>,
    ttl: Duration,
    rng: StdRng,
}

/// One cut page.
#[derive(Debug)]
pub struct Page<T = Value> {
    pub items: Vec<T>,
    pub page_size: usize,
    pub total_records: usize,
    pub next_page_token: String,
    /// True for the first page; Zoom sends `page_count`/`page_number` only there.
    pub first: bool,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> usize {
        self.total_records.div_ceil(self.page_size.max(1))
    }
}

/// The page size a request asks for: default 30, at most `max`. A non-number is a validation
/// error (as on Zoom); 0 or less means the default.
pub fn page_size(query: &[(String, String)], max: usize) -> Result<usize, ApiError> {
    match query.iter().find(|(k, _)| k == "page_size") {
        None => Ok(30.min(max)),
        Some((_, v)) if v.is_empty() => Ok(30.min(max)),
        Some((_, v)) => match v.parse::<i64>() {
            Ok(n) if n <= 0 => Ok(30.min(max)),
            Ok(n) => Ok((n as usize).min(max)),
            Err(_) => Err(ApiError::validation(&[("page_size", "Invalid field.")])),
        },
    }
}

/// The query identity a token is bound to: path plus every parameter except the token itself and
/// the legacy `page_number` (which Zoom ignores), with `page_size` normalised.
pub fn query_key(path: &str, query: &[(String, String)], page_size: usize) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| k != "next_page_token" && k != "page_number" && k != "page_size")
        .cloned()
        .collect();
    pairs.push(("page_size".into(), page_size.to_string()));
    pairs.sort();
    let mut key = path.to_string();
    for (k, v) in pairs {
        key.push('&');
        key.push_str(&k);
        key.push('=');
        key.push_str(&v);
    }
    key
}

impl Pager {
    pub fn new(seed: u64, ttl: Duration) -> Pager {
        Pager {
            tokens: HashMap::new(),
            ttl,
            rng: StdRng::seed_from_u64(seed ^ 0x005E_ED0F_7A6E),
        }
    }

    /// Cut the page for `query_key` from `items`, starting at the offset the request's
    /// `next_page_token` points to (or 0).
    pub fn page<T>(
        &mut self,
        key: &str,
        token: Option<&str>,
        page_size: usize,
        items: Vec<T>,
    ) -> Result<Page<T>, ApiError> {
        let now = Instant::now();
        self.tokens
            .retain(|_, c| now.duration_since(c.issued) < self.ttl);
        let offset = match token.filter(|t| !t.is_empty()) {
            None => 0,
            Some(t) => match self.tokens.get(t) {
                Some(c) if c.query == key => c.offset,
                _ => return Err(ApiError::bad_page_token()),
            },
        };
        let total_records = items.len();
        let end = (offset + page_size).min(total_records);
        let next_page_token = if end < total_records {
            let t = ids::base62(&mut self.rng, 32);
            self.tokens.insert(
                t.clone(),
                Cursor {
                    query: key.to_string(),
                    offset: end,
                    issued: now,
                },
            );
            t
        } else {
            String::new()
        };
        let items = items.into_iter().skip(offset).take(page_size).collect();
        Ok(Page {
            items,
            page_size,
            total_records,
            next_page_token,
            first: offset == 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!(i)).collect()
    }

    #[test]
    fn walks_seventy_items_in_three_pages() {
        // CASES B10: 70 users, page_size 30 -> 30, 30, 10 with tokens t1, t2, "".
        let mut p = Pager::new(1, Duration::from_secs(900));
        let key = query_key("/users", &[], 30);
        let a = p.page(&key, None, 30, items(70)).unwrap();
        assert_eq!((a.items.len(), a.first), (30, true));
        let b = p
            .page(&key, Some(&a.next_page_token), 30, items(70))
            .unwrap();
        assert_eq!((b.items[0].clone(), b.first), (json!(30), false));
        let c = p
            .page(&key, Some(&b.next_page_token), 30, items(70))
            .unwrap();
        assert_eq!(c.items.len(), 10);
        assert_eq!(c.next_page_token, "");
    }

    #[test]
    fn token_is_bound_to_the_query_and_expires() {
        let mut p = Pager::new(1, Duration::from_millis(50));
        let key = query_key("/users", &[("status".into(), "active".into())], 10);
        let a = p.page(&key, None, 10, items(20)).unwrap();
        let other = query_key("/users", &[("status".into(), "inactive".into())], 10);
        assert_eq!(
            p.page(&other, Some(&a.next_page_token), 10, items(20))
                .unwrap_err(),
            ApiError::bad_page_token()
        );
        let bigger = query_key("/users", &[("status".into(), "active".into())], 20);
        assert!(
            p.page(&bigger, Some(&a.next_page_token), 20, items(20))
                .is_err()
        );
        std::thread::sleep(Duration::from_millis(80));
        assert!(
            p.page(&key, Some(&a.next_page_token), 10, items(20))
                .is_err()
        );
    }

    #[test]
    fn page_size_rules() {
        let q = |v: &str| vec![("page_size".to_string(), v.to_string())];
        assert_eq!(page_size(&[], 300).unwrap(), 30);
        assert_eq!(page_size(&q("1000"), 300).unwrap(), 300);
        assert_eq!(page_size(&q("0"), 300).unwrap(), 30);
        assert!(page_size(&q("ten"), 300).is_err());
    }
}
