//! How a result reaches stdout: `--output json|jsonl|table|csv` and `--jq FILTER`, for one-shot
//! calls and for a script's returned value alike.
//!
//! Without `--output`, a string prints as it is and anything else as JSON, pretty on a terminal
//! and compact when piped (one line per value, for `grep` and friends); an empty body (`null`)
//! prints nothing. `--jq` runs first, on the whole result; each value it yields is then printed
//! in the chosen format. Nothing here talks to the network.

pub mod jq;
pub mod table;

use crate::error::Error;
use clap::ValueEnum;
use jq::JqFilter;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use table::{Grid, rows_of};

/// The shapes a result can be printed in.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (pretty on a terminal, compact when piped)
    Json,
    /// one compact JSON value per line; an array (or a list page's array) one element per line
    Jsonl,
    /// aligned columns, one row per element
    Table,
    /// CSV with a header row
    Csv,
}

/// Renders results in one format, after an optional jq filter.
pub struct Printer {
    format: Option<Format>,
    jq: Option<JqFilter>,
    pretty: bool,
}

impl Printer {
    /// A printer for stdout; the jq filter is compiled now, so a bad one fails before any call.
    pub fn new(format: Option<Format>, jq: Option<&str>) -> Result<Printer, Error> {
        Ok(Printer {
            format,
            jq: jq.map(JqFilter::compile).transpose()?,
            pretty: std::io::stdout().is_terminal(),
        })
    }

    /// Was an output format or a filter asked for?
    pub fn is_explicit(&self) -> bool {
        self.format.is_some() || self.jq.is_some()
    }

    /// The text to print for `value` (empty for nothing).
    pub fn render(&self, value: &Value) -> Result<String, Error> {
        let outputs = match &self.jq {
            Some(filter) => filter.run(value)?,
            None if value.is_null() && self.format.is_none() => return Ok(String::new()),
            None => vec![value.clone()],
        };
        let mut out = String::new();
        match self.format {
            None => {
                for v in &outputs {
                    match v {
                        Value::String(s) => out.push_str(s),
                        other => out.push_str(&self.json(other)),
                    }
                    out.push('\n');
                }
            }
            Some(Format::Json) => {
                for v in &outputs {
                    out.push_str(&self.json(v));
                    out.push('\n');
                }
            }
            Some(Format::Jsonl) => {
                for v in &outputs {
                    for row in rows_of(v) {
                        out.push_str(&row.to_string());
                        out.push('\n');
                    }
                }
            }
            Some(format @ (Format::Table | Format::Csv)) => {
                let rows = match outputs.as_slice() {
                    [one] => rows_of(one),
                    many => many.iter().collect(),
                };
                let grid = Grid::from_rows(&rows);
                out = match format {
                    Format::Table => grid.to_table(),
                    _ => grid.to_csv(),
                };
            }
        }
        Ok(out)
    }

    /// Render and write to stdout.
    pub fn print(&self, value: &Value) -> Result<(), Error> {
        write_stdout(&self.render(value)?)
    }

    fn json(&self, value: &Value) -> String {
        if self.pretty {
            serde_json::to_string_pretty(value).expect("a JSON value serialises")
        } else {
            value.to_string()
        }
    }
}

/// Write text to stdout; a reader that went away (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io(format!("cannot write to stdout: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Option<Format>, jq: Option<&str>, v: Value) -> String {
        let mut p = Printer::new(format, jq).unwrap();
        p.pretty = false;
        p.render(&v).unwrap()
    }

    #[test]
    fn plain_output_prints_strings_raw_and_nothing_for_null() {
        assert_eq!(render(None, None, json!("Ada")), "Ada\n");
        assert_eq!(render(None, None, Value::Null), "");
        assert_eq!(render(None, None, json!({"a": [1]})), "{\"a\":[1]}\n");
        assert_eq!(render(Some(Format::Json), None, json!("Ada")), "\"Ada\"\n");
    }

    #[test]
    fn jq_runs_on_the_whole_value_and_each_output_prints() {
        let v = json!({"users": [{"email": "a@x"}, {"email": "b@x"}]});
        assert_eq!(render(None, Some(".users | length"), v.clone()), "2\n");
        assert_eq!(
            render(None, Some(".users[].email"), v.clone()),
            "a@x\nb@x\n"
        );
        assert_eq!(
            render(Some(Format::Csv), Some(".users[]"), v),
            "email\na@x\nb@x\n"
        );
    }

    #[test]
    fn jsonl_spreads_a_list_page() {
        let v = json!({"next_page_token": "", "users": [{"id": 1}, {"id": 2}]});
        assert_eq!(
            render(Some(Format::Jsonl), None, v),
            "{\"id\":1}\n{\"id\":2}\n"
        );
    }
}
