//! Walking a paginated list: one GET per page, following `next_page_token` until Zoom says `""`.
//!
//! Zoom's rules (BEHAVIOR.md §4, CASES.md B10): send the same query on every page plus the token
//! of the page before; the last page carries `""` or no token at all; `page_count` and
//! `page_number` are legacy and often missing, so they are never relied on; a token is valid
//! only with the same query and for 15 minutes, after which Zoom answers 400 code 300 "The next
//! page token is invalid or expired.". A token that comes back twice would loop forever, so it
//! is an error.
//!
//! [`PageWalker`] is lazy: it fetches a page only when asked for one, so a caller that stops
//! early sends no more requests and holds one page at a time. [`PageWalker::collect_all`] is the
//! eager form. The list is found in each answer as its array-valued field (`users`, `meetings`,
//! `participants`, ...). Nothing here knows Rhai; the script's `zoom.get_all`/`zoom.pages` and
//! the command line build on this.

use super::{Request, ZoomClient, ZoomError};
use crate::catalog::Catalog;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long Zoom keeps a `next_page_token` valid.
pub const PAGE_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The default age of a walk at which fetching another page warns that tokens may expire.
pub const DEFAULT_WARN_AFTER: Duration = Duration::from_secs(14 * 60);

/// Bounds and choices of one walk.
#[derive(Clone, Debug)]
pub struct PageOptions {
    /// `page_size` to send. `None`: the query's own `page_size` if it has one, else the largest
    /// the catalog allows for the endpoint (else Zoom's default).
    pub page_size: Option<u32>,
    /// Stop once this many items have been returned (the last page is cut to fit).
    pub max_items: Option<usize>,
    /// Stop after this many pages.
    pub max_pages: Option<usize>,
    /// The name of the list field, when the answer has several arrays.
    pub field: Option<String>,
    /// Warn (once) when a walk older than this asks for another page.
    pub warn_after: Duration,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            page_size: None,
            max_items: None,
            max_pages: None,
            field: None,
            warn_after: DEFAULT_WARN_AFTER,
        }
    }
}

/// One page as Zoom sent it, with its list cut to `max_items` if that bound was reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// 1 for the first page.
    pub number: usize,
    /// The list field (`users`, `meetings`, ...); empty when Zoom sent no list at all.
    pub field: String,
    /// The whole answer, a JSON object.
    pub body: Value,
}

impl Page {
    /// The items of this page.
    pub fn items(&self) -> &[Value] {
        match self.body.get(&self.field) {
            Some(Value::Array(items)) => items,
            _ => &[],
        }
    }

    /// The items of this page, by value.
    pub fn into_items(self) -> Vec<Value> {
        match self.body {
            Value::Object(mut map) => match map.remove(&self.field) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The token of the next page; `""` on the last.
    pub fn next_page_token(&self) -> &str {
        self.body
            .get("next_page_token")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// A lazy walk over the pages of one list.
pub struct PageWalker {
    client: Arc<ZoomClient>,
    path: String,
    query: Vec<(String, String)>,
    opts: PageOptions,
    /// The token to send for the next page; `None` before the first.
    next_token: Option<String>,
    seen_tokens: HashSet<String>,
    field: Option<String>,
    pages: usize,
    items: usize,
    total_records: Option<u64>,
    started: Option<Instant>,
    warned: bool,
    done: bool,
    /// An error found while reading the last page, reported on the next call so the page's
    /// items are not lost.
    pending: Option<ZoomError>,
}

impl PageWalker {
    /// A walk over `GET path` with `query` on every page. Nothing is sent until
    /// [`PageWalker::next_page`]. A `next_page_token` in `query` starts the walk at that page.
    pub fn new(
        client: Arc<ZoomClient>,
        path: &str,
        query: Vec<(String, String)>,
        opts: PageOptions,
    ) -> PageWalker {
        let mut next_token = None;
        let mut query: Vec<(String, String)> = query
            .into_iter()
            .filter(|(k, v)| {
                if k == "next_page_token" {
                    next_token = Some(v.clone()).filter(|t| !t.is_empty());
                    false
                } else {
                    true
                }
            })
            .collect();
        let in_query = query.iter().any(|(k, _)| k == "page_size");
        let in_path = path_query(path).any(|(k, _)| k == "page_size");
        if let Some(size) = opts.page_size {
            query.retain(|(k, _)| k != "page_size");
            query.push(("page_size".into(), size.to_string()));
        } else if !in_query && !in_path {
            let largest = Catalog::get()
                .find("GET", api_path(path))
                .and_then(|e| e.page_size_max);
            let wanted = match (largest, opts.max_items) {
                // No need to fetch 300 to keep 5.
                (Some(max), Some(items)) => Some(max.min(items.clamp(1, u32::MAX as usize) as u32)),
                (max, _) => max,
            };
            if let Some(size) = wanted {
                query.push(("page_size".into(), size.to_string()));
            }
        }
        // A zero bound is a walk that asks for nothing.
        let done = opts.max_items == Some(0) || opts.max_pages == Some(0);
        PageWalker {
            client,
            path: path.to_string(),
            query,
            opts,
            next_token,
            seen_tokens: HashSet::new(),
            field: None,
            pages: 0,
            items: 0,
            total_records: None,
            started: None,
            warned: false,
            done,
            pending: None,
        }
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages
    }

    /// Items returned so far.
    pub fn items_returned(&self) -> usize {
        self.items
    }

    /// `total_records` as the first page stated it, when it did (for progress displays).
    pub fn total_records(&self) -> Option<u64> {
        self.total_records
    }

    /// The query sent on every page (without the token), `page_size` included.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The next page, or `None` when the list is done or a bound was reached. After an error
    /// the walk is over.
    pub async fn next_page(&mut self) -> Option<Result<Page, ZoomError>> {
        if let Some(e) = self.pending.take() {
            self.done = true;
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        let result = self.fetch().await;
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }

    /// Every remaining item, in order.
    pub async fn collect_all(mut self) -> Result<Vec<Value>, ZoomError> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.extend(page?.into_items());
        }
        Ok(all)
    }

    async fn fetch(&mut self) -> Result<Page, ZoomError> {
        let number = self.pages + 1;
        let mut request = Request::new("GET", &self.path);
        request.query = self.query.clone();
        if let Some(token) = &self.next_token {
            request
                .query
                .push(("next_page_token".into(), token.clone()));
            self.warn_if_old(number);
        }
        let started = *self.started.get_or_insert_with(Instant::now);
        let body = self
            .client
            .call(&request)
            .await
            .map_err(|e| self.explain(e, number, started))?;
        let Value::Object(mut map) = body else {
            return Err(self.no_list(number, &body));
        };
        let field = match &self.field {
            Some(f) => f.clone(),
            None => {
                let found = match &self.opts.field {
                    Some(f) => Some(f.clone()),
                    None => list_field(&map),
                };
                match found {
                    Some(f) => f,
                    // An empty list may come without its array; the paging fields still show
                    // that this is a list.
                    None if is_paged(&map) => String::new(),
                    None => return Err(self.no_list(number, &Value::Object(map))),
                }
            }
        };
        self.field = Some(field.clone());
        if number == 1 {
            self.total_records = map.get("total_records").and_then(number_like);
        }
        let mut count = match map.get(&field) {
            Some(Value::Array(items)) => items.len(),
            _ => 0,
        };
        if let Some(max) = self.opts.max_items
            && self.items + count >= max
        {
            if let Some(Value::Array(items)) = map.get_mut(&field) {
                items.truncate(max - self.items);
            }
            count = max - self.items;
            self.done = true;
        }
        self.items += count;
        self.pages += 1;
        if self.opts.max_pages.is_some_and(|max| self.pages >= max) {
            self.done = true;
        }
        let token = map
            .get("next_page_token")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if token.is_empty() {
            self.done = true;
        } else if !self.seen_tokens.insert(token.clone()) {
            self.pending = Some(ZoomError::Paging(format!(
                "GET {}: page {number} repeated the next_page_token of an earlier page, so the walk \
                 stopped instead of looping; the items so far are complete up to page {number} — \
                 run it again later, and report it to Zoom with the tracking id if it persists",
                self.path_for_messages()
            )));
            self.done = true;
        }
        if !self.done {
            self.next_token = Some(token);
        }
        Ok(Page {
            number,
            field,
            body: Value::Object(map),
        })
    }

    fn path_for_messages(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }

    fn no_list(&self, number: usize, body: &Value) -> ZoomError {
        let what = match body {
            Value::Object(_) => "an object without a list",
            Value::Null => "an empty body",
            _ => "something other than a JSON object",
        };
        let hint = match Catalog::get().find("GET", api_path(&self.path)) {
            Some(e) if !e.paginated => format!(
                "GET {} is not a list endpoint; use zoom.get for a single object",
                e.path
            ),
            _ => "use zoom.get to see the answer, or name the list with opts.field".into(),
        };
        ZoomError::Paging(format!(
            "GET {}: page {number} is {what}, so there is nothing to page through; {hint}",
            self.path_for_messages()
        ))
    }

    /// Say which page an expired or foreign token broke, and what to do.
    fn explain(&self, error: ZoomError, number: usize, started: Instant) -> ZoomError {
        match error {
            ZoomError::Api(mut api) if api.code == Some(300) && number > 1 => {
                api.note = Some(format!(
                    "page {number} of the walk: Zoom refused the next_page_token that page {} \
                     gave; a token works only with the same query and for 15 minutes, and this \
                     walk began {} ago — start the walk again, or narrow the query so it needs \
                     fewer pages",
                    number - 1,
                    minutes_seconds(started.elapsed())
                ));
                ZoomError::Api(api)
            }
            other => other,
        }
    }

    fn warn_if_old(&mut self, number: usize) {
        let Some(started) = self.started else { return };
        let age = started.elapsed();
        if self.warned || age < self.opts.warn_after {
            return;
        }
        self.warned = true;
        tracing::warn!(
            "GET {}: asking for page {number} of a walk that began {} ago; Zoom's page tokens \
             expire after 15 minutes, so the walk may fail with code 300 — narrow the query \
             (a shorter date range, a filter) if it does",
            self.path_for_messages(),
            minutes_seconds(age)
        );
    }
}

/// The array-valued field of a list answer: the only array, else the first array of objects,
/// else the first array.
fn list_field(map: &Map<String, Value>) -> Option<String> {
    let arrays: Vec<(&String, &Vec<Value>)> = map
        .iter()
        .filter_map(|(k, v)| v.as_array().map(|a| (k, a)))
        .collect();
    if arrays.len() <= 1 {
        return arrays.first().map(|(k, _)| (*k).clone());
    }
    arrays
        .iter()
        .find(|(_, a)| a.first().is_some_and(Value::is_object))
        .or(arrays.first())
        .map(|(k, _)| (*k).clone())
}

fn is_paged(map: &Map<String, Value>) -> bool {
    ["next_page_token", "total_records", "page_size"]
        .iter()
        .any(|k| map.contains_key(*k))
}

/// Some Zoom surfaces send counts as strings (BEHAVIOR.md §4).
fn number_like(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The path part the catalog knows: without scheme and host, `/v2` and query.
fn api_path(path: &str) -> &str {
    let path = match path.find("://") {
        Some(i) => {
            let rest = &path[i + 3..];
            rest.find('/').map(|j| &rest[j..]).unwrap_or("/")
        }
        None => path,
    };
    path.split(['?', '#']).next().unwrap_or(path)
}

fn path_query(path: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes()).into_owned()
}

/// `3m 07s`, for messages about token age.
fn minutes_seconds(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_list_is_the_array_field() {
        let m = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            list_field(&m(
                json!({"page_size": 30, "users": [], "next_page_token": ""})
            )),
            Some("users".into())
        );
        assert_eq!(
            list_field(&m(json!({"tags": ["a"], "meetings": [{"id": 1}]}))),
            Some("meetings".into())
        );
        assert_eq!(list_field(&m(json!({"id": 1}))), None);
    }

    #[test]
    fn catalog_paths_drop_host_version_and_query() {
        assert_eq!(api_path("/users?status=active"), "/users");
        assert_eq!(api_path("https://api.zoom.us/v2/users?x=1"), "/v2/users");
        assert_eq!(
            Catalog::get()
                .find("GET", api_path("https://api.zoom.us/v2/users?x=1"))
                .unwrap()
                .path,
            "/users"
        );
    }

    #[test]
    fn ages_read_as_minutes_and_seconds() {
        assert_eq!(minutes_seconds(Duration::from_secs(42)), "42s");
        assert_eq!(minutes_seconds(Duration::from_secs(15 * 60 + 7)), "15m 07s");
    }

    #[test]
    fn counts_may_be_strings() {
        assert_eq!(number_like(&json!("70")), Some(70));
        assert_eq!(number_like(&json!(70)), Some(70));
        assert_eq!(number_like(&json!(null)), None);
    }
}
