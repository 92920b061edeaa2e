//! Rows and columns out of JSON, for `--output table` and `--output csv`.
//!
//! Rows are the elements of an array (or of the one array a Zoom list page holds, such as
//! `users` in `{"users": [...], "next_page_token": ...}`); columns are the union of the rows'
//! keys in first-seen order. A nested value is shown as compact JSON, `null` as an empty cell.

use serde_json::{Map, Value};

/// The column a row that is not an object goes in.
const VALUE_COLUMN: &str = "value";

/// A grid of cells with a header.
#[derive(Debug, PartialEq)]
pub struct Grid {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The rows a value stands for: an array's elements; the array of a list page; else the value.
pub fn rows_of(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => match list_of(map) {
            Some(items) => items.iter().collect(),
            None => vec![value],
        },
        other => vec![other],
    }
}

/// The one array-valued field of an object (a Zoom list page), if it has exactly one and it
/// holds objects. (A user's `group_ids`, an array of strings, does not turn the user into a list.)
pub fn list_of(map: &Map<String, Value>) -> Option<&Vec<Value>> {
    let mut arrays = map
        .values()
        .filter_map(Value::as_array)
        .filter(|items| items.iter().all(Value::is_object));
    match (arrays.next(), arrays.next()) {
        (Some(items), None) => Some(items),
        _ => None,
    }
}

impl Grid {
    pub fn from_rows(rows: &[&Value]) -> Grid {
        let mut columns: Vec<String> = Vec::new();
        for row in rows {
            match row {
                Value::Object(map) => {
                    for key in map.keys() {
                        if !columns.iter().any(|c| c == key) {
                            columns.push(key.clone());
                        }
                    }
                }
                _ => {
                    if !columns.iter().any(|c| c == VALUE_COLUMN) {
                        columns.push(VALUE_COLUMN.to_string());
                    }
                }
            }
        }
        let rows = rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|column| match row {
                        Value::Object(map) => map.get(column).map(cell).unwrap_or_default(),
                        other if column == VALUE_COLUMN => cell(other),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect();
        Grid { columns, rows }
    }

    /// Aligned columns separated by two spaces, header first. Control characters in cells
    /// become spaces so one row stays one line.
    pub fn to_table(&self) -> String {
        if self.columns.is_empty() {
            return String::new();
        }
        let flat = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        };
        let header: Vec<String> = self.columns.iter().map(|c| flat(c)).collect();
        let body: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| flat(c)).collect())
            .collect();
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in &body {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&body) {
            let mut line = String::new();
            for (i, (c, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(c);
                if i + 1 < row.len() {
                    line.extend(std::iter::repeat_n(' ', w - c.chars().count()));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// RFC 4180 CSV with a header row (quoting by the `csv` crate).
    pub fn to_csv(&self) -> String {
        if self.columns.is_empty() {
            return String::new();
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail; every record has the header's length.
        writer.write_record(&self.columns).expect("csv to memory");
        for row in &self.rows {
            writer.write_record(row).expect("csv to memory");
        }
        let bytes = writer.into_inner().expect("csv to memory");
        String::from_utf8(bytes).expect("csv of UTF-8 cells is UTF-8")
    }
}

/// A cell: strings as they are, `null` empty, numbers and booleans as written, nested values as
/// compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_are_the_union_of_keys_in_first_seen_order() {
        let v = json!([{"id": 1, "name": "Ada"}, {"id": 2, "dept": "R&D", "tags": ["x"]}]);
        let g = Grid::from_rows(&rows_of(&v));
        assert_eq!(g.columns, ["id", "name", "dept", "tags"]);
        assert_eq!(
            g.to_table(),
            "id  name  dept  tags\n1   Ada\n2         R&D   [\"x\"]\n"
        );
    }

    #[test]
    fn a_list_page_shows_its_array() {
        let v = json!({"page_size": 2, "next_page_token": "t", "users": [{"email": "a@x"}]});
        assert_eq!(Grid::from_rows(&rows_of(&v)).to_csv(), "email\na@x\n");
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let v = json!([{"name": "Example, Ada", "note": "say \"hi\""}, {"name": null}]);
        assert_eq!(
            Grid::from_rows(&rows_of(&v)).to_csv(),
            "name,note\n\"Example, Ada\",\"say \"\"hi\"\"\"\n,\n"
        );
    }

    #[test]
    fn scalars_go_in_a_value_column() {
        let v = json!([1, "two", {"k": true}]);
        let g = Grid::from_rows(&rows_of(&v));
        assert_eq!(g.to_table(), "value  k\n1\ntwo\n       true\n");
    }
}
