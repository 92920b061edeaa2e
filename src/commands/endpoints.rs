//! `zoomsh endpoints [WORDS]`: search the built-in catalog of Zoom operations.
//!
//! Every word must match (method, path, summary, tags or scopes, any case). A table for people,
//! `--json` for programs; both list method, path, summary, rate-limit category and scopes.

use crate::catalog::{Catalog, Endpoint};
use crate::error::Error;
use crate::output::table::Grid;
use crate::output::write_stdout;
use serde_json::{Value, json};

pub fn run(words: &[String], as_json: bool) -> Result<(), Error> {
    let found = Catalog::get().search(words);
    if as_json {
        let list: Vec<Value> = found.iter().map(|e| to_json(e)).collect();
        return write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&list).expect("JSON serialises")
        ));
    }
    if found.is_empty() {
        crate::stderr_line!(
            "no endpoint matches {:?}; try fewer or shorter words (`zoomsh endpoints` lists all {})",
            words.join(" "),
            Catalog::get().endpoints().len()
        );
        return Ok(());
    }
    write_stdout(&table(&found))
}

/// The table people read: one operation per line.
pub fn table(endpoints: &[&Endpoint]) -> String {
    let grid = Grid {
        columns: ["METHOD", "PATH", "SUMMARY", "RATE LIMIT", "SCOPES"]
            .map(String::from)
            .to_vec(),
        rows: endpoints
            .iter()
            .map(|e| {
                vec![
                    e.method.clone(),
                    e.path.clone(),
                    e.summary.clone(),
                    e.category().name().to_string(),
                    scopes(e).join(" "),
                ]
            })
            .collect(),
    };
    grid.to_table()
}

/// The scopes to show: the classic ones, else the granular ones.
fn scopes(e: &Endpoint) -> &[String] {
    if e.scopes.is_empty() {
        &e.granular_scopes
    } else {
        &e.scopes
    }
}

fn to_json(e: &Endpoint) -> Value {
    json!({
        "method": e.method,
        "path": e.path,
        "summary": e.summary,
        "operation_id": e.operation_id,
        "rate_limit": e.category().name(),
        "scopes": e.scopes,
        "granular_scopes": e.granular_scopes,
        "paginated": e.paginated,
        "page_size_max": e.page_size_max,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_list_row() {
        let found =
            Catalog::get().search(&["list".into(), "users".into(), "user:read:admin".into()]);
        let text = table(&found);
        assert!(
            text.lines().any(|l| l.starts_with("GET")
                && l.contains("/users ")
                && l.contains("List users")
                && l.contains("Medium")
                && l.ends_with("user:read:admin")),
            "{text}"
        );
    }
}
