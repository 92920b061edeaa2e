//! Scope checks: a call passes when the app holds any one of the operation's scopes (classic or
//! granular, which are alternatives); otherwise 400 code 4711 lists what is missing, as Zoom does
//! (BEHAVIOR §2.2, CASES B06).
//!
//! The catalog's Users API records predate granular scopes; the granular names Zoom reports for
//! the common user and group calls come from [`crate::catalog::supplemental_granular_scopes`].

use super::reply::ApiError;
use crate::catalog::{Catalog, Endpoint, supplemental_granular_scopes as supplement};
use std::collections::BTreeSet;

/// Every scope that would satisfy `ep`.
fn alternatives(ep: &Endpoint) -> Vec<String> {
    ep.scopes
        .iter()
        .chain(&ep.granular_scopes)
        .cloned()
        .chain(supplement(&ep.operation_id).iter().map(|s| s.to_string()))
        .collect()
}

/// The scopes granted to the simulated app.
#[derive(Debug, Clone)]
pub struct Grants {
    granted: BTreeSet<String>,
}

impl Grants {
    /// `None` grants every scope the catalog mentions.
    pub fn new(list: Option<Vec<String>>) -> Grants {
        let granted = match list {
            Some(list) => list.into_iter().collect(),
            None => Catalog::get()
                .endpoints()
                .iter()
                .flat_map(alternatives)
                .collect(),
        };
        Grants { granted }
    }

    /// The `scope` field of the token response: space separated.
    pub fn scope_string(&self) -> String {
        self.granted.iter().cloned().collect::<Vec<_>>().join(" ")
    }

    /// Pass, or Zoom's 4711 naming the missing scopes. An S2S app is account level, so the
    /// message names the `:admin` granular scopes when the operation has any.
    pub fn check(&self, ep: &Endpoint) -> Result<(), ApiError> {
        let all = alternatives(ep);
        if all.is_empty() || all.iter().any(|s| self.granted.contains(s)) {
            return Ok(());
        }
        let granular: Vec<String> = ep
            .granular_scopes
            .iter()
            .cloned()
            .chain(supplement(&ep.operation_id).iter().map(|s| s.to_string()))
            .collect();
        let admin: Vec<String> = granular
            .iter()
            .filter(|s| s.ends_with(":admin"))
            .cloned()
            .collect();
        let named = if !admin.is_empty() {
            admin
        } else if !granular.is_empty() {
            granular
        } else {
            ep.scopes.clone()
        };
        Err(ApiError::new(
            400,
            4711,
            format!(
                "Invalid access token, does not contain scopes:[{}].",
                named.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_scope_is_4711_with_the_list() {
        // CASES B06.
        let g = Grants::new(Some(vec!["meeting:read:admin".into()]));
        let users = Catalog::get().find("GET", "/users").unwrap();
        let e = g.check(users).unwrap_err();
        assert_eq!((e.status, e.code), (400, 4711));
        assert_eq!(
            e.message,
            "Invalid access token, does not contain scopes:[user:read:list_users:admin]."
        );
        let meeting = Catalog::get().find("GET", "/meetings/1").unwrap();
        assert!(g.check(meeting).is_ok());
    }

    #[test]
    fn default_grants_everything() {
        let g = Grants::new(None);
        for ep in Catalog::get().endpoints() {
            assert!(g.check(ep).is_ok(), "{} {}", ep.method, ep.path);
        }
    }
}
