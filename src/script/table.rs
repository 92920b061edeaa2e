//! Rows of maps as columns of text: the shared core of `print_table` and `write_csv`.
//!
//! A script hands over an array of maps; the columns are the ones it names, or else every key
//! in the order first seen (Rhai maps keep keys sorted, so that is sorted order within a row).
//! Cells are text: strings as they are, `()` empty, numbers and booleans as written, maps and
//! arrays as compact JSON.

use super::convert::to_json;
use rhai::{Array, Dynamic, Map};

/// The columns and the cell text of `rows`.
pub struct Grid {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Turn `rows` (an array of maps) into a grid; `columns` picks and orders the columns.
/// The error names the offending row (counted from 1) and says what to pass instead.
pub fn grid(rows: &Array, columns: Option<&Array>) -> Result<Grid, String> {
    let mut maps: Vec<Map> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        match row.read_lock::<Map>() {
            Some(m) => maps.push(m.clone()),
            None => {
                return Err(format!(
                    "row {} is {}, not a map; pass an array of maps like [#{{ email: \"a@b.c\" }}]",
                    i + 1,
                    article(row.type_name())
                ));
            }
        }
    }
    let columns: Vec<String> = match columns {
        Some(names) => names.iter().map(|c| c.to_string()).collect(),
        None => {
            let mut seen: Vec<String> = Vec::new();
            for m in &maps {
                for k in m.keys() {
                    if !seen.iter().any(|s| s == k.as_str()) {
                        seen.push(k.to_string());
                    }
                }
            }
            seen
        }
    };
    let rows = maps
        .iter()
        .map(|m| {
            columns
                .iter()
                .map(|c| m.get(c.as_str()).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    Ok(Grid { columns, rows })
}

fn article(type_name: &str) -> String {
    let short = type_name.rsplit("::").next().unwrap_or(type_name);
    match short.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {short}"),
        _ => format!("a {short}"),
    }
}

/// A value as the text of one cell.
pub fn cell(value: &Dynamic) -> String {
    if value.is_unit() {
        return String::new();
    }
    if value.is_string() {
        return value.clone().into_string().unwrap_or_default();
    }
    if (value.is_map() || value.is_array())
        && let Ok(json) = to_json(value)
    {
        return json.to_string();
    }
    value.to_string()
}

/// The grid as aligned text: a header line, then one line per row, columns two spaces apart,
/// no trailing spaces. Line breaks and tabs inside cells become spaces so rows stay rows.
pub fn render(grid: &Grid) -> String {
    if grid.rows.is_empty() {
        return "(no rows)".to_string();
    }
    let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let header: Vec<String> = grid.columns.iter().map(|c| clean(c)).collect();
    let body: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &body {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(c);
            } else {
                out.push_str(c);
                out.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        out.trim_end().to_string()
    };
    let mut lines = vec![line(&header)];
    lines.extend(body.iter().map(|r| line(r)));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, Dynamic)]) -> Dynamic {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert((*k).into(), v.clone());
        }
        Dynamic::from_map(m)
    }

    #[test]
    fn columns_default_to_keys_in_first_seen_order() {
        let rows = vec![
            row(&[
                ("name", "Ada".into()),
                ("id", Dynamic::from_int(85746065432)),
            ]),
            row(&[("zone", "UTC".into()), ("name", "Sam Sample".into())]),
        ];
        let g = grid(&rows, None).unwrap();
        assert_eq!(g.columns, ["id", "name", "zone"]);
        assert_eq!(
            render(&g),
            "id           name        zone\n85746065432  Ada\n             Sam Sample  UTC"
        );
    }

    #[test]
    fn named_columns_pick_and_order() {
        let rows = vec![row(&[
            ("a", Dynamic::UNIT),
            ("b", Dynamic::from_array(vec![Dynamic::from_int(1)])),
            ("c", true.into()),
        ])];
        let cols: Array = vec!["c".into(), "b".into(), "missing".into()];
        let g = grid(&rows, Some(&cols)).unwrap();
        assert_eq!(g.rows, [["true", "[1]", ""]]);
    }

    #[test]
    fn a_row_that_is_not_a_map_is_named() {
        let rows: Array = vec![row(&[("a", 1_i64.into())]), "oops".into()];
        let err = grid(&rows, None).err().unwrap();
        assert_eq!(
            err,
            "row 2 is a string, not a map; pass an array of maps like [#{ email: \"a@b.c\" }]"
        );
        assert_eq!(render(&grid(&Vec::new(), None).unwrap()), "(no rows)");
    }
}
