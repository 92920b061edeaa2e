//! The Zoom endpoint catalog, built into the binary.
//!
//! `catalog/endpoints.json` lists 303 Zoom REST v2 operations (method, path template, scopes,
//! rate-limit label, pagination facts) derived from Zoom's published OpenAPI documents. Both the
//! client (rate-limit categories, page sizes, scope checks) and the simulator (which operations
//! exist, which scopes they need) read it from here; nothing else in the crate parses it.

use serde::Deserialize;
use std::sync::LazyLock;

static CATALOG_JSON: &str = include_str!("catalog/endpoints.json");

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let endpoints: Vec<Endpoint> =
        serde_json::from_str(CATALOG_JSON).expect("the built-in endpoint catalog is valid JSON");
    Catalog { endpoints }
});

/// One Zoom API operation: an HTTP method on a path template such as `/users/{userId}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
    #[serde(rename = "operationId")]
    pub operation_id: String,
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Classic scopes; any one of them is enough.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Granular scopes; any one of them is enough.
    #[serde(default)]
    pub granular_scopes: Vec<String>,
    pub rate_limit: Option<String>,
    #[serde(default)]
    pub paginated: bool,
    pub page_size_max: Option<u32>,
    #[serde(default)]
    pub query_params: Vec<String>,
    #[serde(default)]
    pub success_status: Vec<u16>,
}

/// Zoom's rate-limit categories ("Rate Limit Label" in the API reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Light,
    Medium,
    Heavy,
    ResourceIntensive,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Light,
        Category::Medium,
        Category::Heavy,
        Category::ResourceIntensive,
    ];

    /// The name Zoom uses in `X-RateLimit-Category` headers.
    pub fn name(self) -> &'static str {
        match self {
            Category::Light => "Light",
            Category::Medium => "Medium",
            Category::Heavy => "Heavy",
            Category::ResourceIntensive => "Resource-intensive",
        }
    }

    fn from_label(label: &str) -> Option<Category> {
        match label {
            "LIGHT" => Some(Category::Light),
            "MEDIUM" => Some(Category::Medium),
            "HEAVY" => Some(Category::Heavy),
            "RESOURCE-INTENSIVE" => Some(Category::ResourceIntensive),
            _ => None,
        }
    }
}

impl Endpoint {
    /// The rate-limit category; operations without a label count as Medium, the common middle.
    pub fn category(&self) -> Category {
        self.rate_limit
            .as_deref()
            .and_then(Category::from_label)
            .unwrap_or(Category::Medium)
    }

    /// Does this endpoint's template match a concrete path (no `/v2`, no query)?
    /// Returns the number of literal segments matched, so the most specific template wins.
    fn match_score(&self, segments: &[&str]) -> Option<usize> {
        let template: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut literals = 0;
        for (t, s) in template.iter().zip(segments) {
            if t.starts_with('{') && t.ends_with('}') {
                if s.is_empty() {
                    return None;
                }
            } else if t == s {
                literals += 1;
            } else {
                return None;
            }
        }
        Some(literals)
    }

    /// Granular scopes, including the ones Zoom names for operations whose catalog record
    /// predates granular scopes (see [`supplemental_granular_scopes`]).
    pub fn known_granular_scopes(&self) -> Vec<String> {
        self.granular_scopes
            .iter()
            .cloned()
            .chain(
                supplemental_granular_scopes(&self.operation_id)
                    .iter()
                    .map(|s| s.to_string()),
            )
            .collect()
    }

    /// Every scope that lets an app call this operation (any one is enough): classic and
    /// granular.
    pub fn scope_alternatives(&self) -> Vec<String> {
        let mut all = self.scopes.clone();
        all.extend(self.known_granular_scopes());
        all
    }

    /// Extract the values of the `{name}` placeholders from a concrete path (raw, still encoded).
    pub fn path_params<'a>(&self, path: &'a str) -> Vec<(String, &'a str)> {
        let template = self.path.trim_matches('/').split('/');
        let concrete = path.trim_matches('/').split('/');
        template
            .zip(concrete)
            .filter(|(t, _)| t.starts_with('{'))
            .map(|(t, s)| (t.trim_matches(|c| c == '{' || c == '}').to_string(), s))
            .collect()
    }
}

/// Granular scopes of operations whose catalog record has none: the Users API records predate
/// granular scopes, so the names Zoom reports for the common user and group calls (2023
/// snapshot) are supplied here. Used by the simulator's scope checks and `zoomsh check`.
pub fn supplemental_granular_scopes(operation_id: &str) -> &'static [&'static str] {
    match operation_id {
        "users" => &["user:read:list_users:admin"],
        "user" => &["user:read:user:admin", "user:read:user"],
        "userCreate" => &["user:write:user:admin"],
        "userUpdate" => &["user:update:user:admin", "user:update:user"],
        "userDelete" => &["user:delete:user:admin"],
        "userStatus" => &["user:update:status:admin"],
        "groups" => &["group:read:list_groups:admin"],
        "group" => &["group:read:group:admin"],
        "groupCreate" => &["group:write:group:admin"],
        "groupUpdate" => &["group:update:group:admin"],
        "groupDelete" => &["group:delete:group:admin"],
        "groupMembers" => &["group:read:list_members:admin"],
        "groupMembersCreate" => &["group:write:member:admin"],
        "groupMembersDelete" => &["group:delete:member:admin"],
        _ => &[],
    }
}

/// The whole catalog, sorted by path then method.
#[derive(Debug)]
pub struct Catalog {
    endpoints: Vec<Endpoint>,
}

impl Catalog {
    pub fn get() -> &'static Catalog {
        &CATALOG
    }

    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// The operation a request goes to. `path` is relative to `/v2`, may carry a query string,
    /// and its segments may be percent-encoded (an encoded segment never contains `/`).
    pub fn find(&self, method: &str, path: &str) -> Option<&Endpoint> {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = path.strip_prefix("/v2").unwrap_or(path);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.endpoints
            .iter()
            .filter(|e| e.method.eq_ignore_ascii_case(method))
            .filter_map(|e| e.match_score(&segments).map(|score| (score, e)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, e)| e)
    }

    /// Endpoints on a path template regardless of method (used to tell 404 from 405).
    pub fn any_method(&self, path: &str) -> bool {
        ["GET", "POST", "PATCH", "PUT", "DELETE"]
            .iter()
            .any(|m| self.find(m, path).is_some())
    }

    /// Case-insensitive search over method, path, summary, tags and scopes: every word must match.
    pub fn search(&self, words: &[String]) -> Vec<&Endpoint> {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        self.endpoints
            .iter()
            .filter(|e| {
                let hay = format!(
                    "{} {} {} {} {} {} {}",
                    e.method,
                    e.path,
                    e.summary,
                    e.operation_id,
                    e.tags.join(" "),
                    e.scopes.join(" "),
                    e.granular_scopes.join(" ")
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_holds_all_operations() {
        assert_eq!(Catalog::get().endpoints().len(), 303);
    }

    #[test]
    fn literal_segments_beat_placeholders() {
        let c = Catalog::get();
        assert_eq!(
            c.find("GET", "/users/summary").unwrap().path,
            "/users/summary"
        );
        assert_eq!(c.find("GET", "/users/me").unwrap().path, "/users/{userId}");
        assert_eq!(
            c.find("GET", "/v2/users/abc/meetings?page_size=3")
                .unwrap()
                .path,
            "/users/{userId}/meetings"
        );
        assert!(c.find("GET", "/nothing/here").is_none());
    }

    #[test]
    fn categories_follow_labels() {
        let c = Catalog::get();
        assert_eq!(
            c.find("GET", "/users").unwrap().category(),
            Category::Medium
        );
        assert_eq!(
            c.find("GET", "/meetings/1").unwrap().category(),
            Category::Light
        );
        assert_eq!(
            c.find("GET", "/report/daily").unwrap().category(),
            Category::Heavy
        );
    }
}
