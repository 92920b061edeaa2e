//! `--jq FILTER`: a real jq, by way of the jaq crates.
//!
//! The filter is compiled once, before any call is made (a typo fails fast with exit 2), and run
//! on the whole result: with `--paginate` that is every page gathered, never page by page. Values
//! cross between serde_json and jaq as JSON text, which keeps 64-bit integers (meeting ids) exact
//! and object keys in their order.

use crate::error::Error;
use jaq_core::data::JustLut;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

type Data = JustLut<Val>;

/// A compiled jq filter.
pub struct JqFilter {
    filter: jaq_core::compile::Filter<Native<Data>>,
    source: String,
}

impl JqFilter {
    /// Parse and compile `source`; a bad filter is a usage error that points at the problem.
    pub fn compile(source: &str) -> Result<JqFilter, Error> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let program = File {
            code: source,
            path: (),
        };
        let modules = loader
            .load(&arena, program)
            .map_err(|errors| load_error(source, errors))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| compile_error(source, errors))?;
        Ok(JqFilter {
            filter,
            source: source.to_string(),
        })
    }

    /// Run the filter on `input`; every value it yields, in order.
    pub fn run(&self, input: &Value) -> Result<Vec<Value>, Error> {
        let text = serde_json::to_vec(input).expect("a JSON value serialises");
        let val = jaq_json::read::parse_single(&text)
            .map_err(|e| Error::Usage(format!("--jq: the result is not JSON jq can read ({e})")))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = Vec::new();
        for item in self.filter.id.run((ctx, val)).map(unwrap_valr) {
            let val = item.map_err(|e| {
                Error::Usage(format!(
                    "--jq {:?} failed: {e}; check the filter against the output without --jq",
                    self.source
                ))
            })?;
            outputs.push(to_serde(&val, &self.source)?);
        }
        Ok(outputs)
    }
}

fn to_serde(val: &Val, source: &str) -> Result<Value, Error> {
    serde_json::from_str(&val.to_string()).map_err(|_| {
        Error::Usage(format!(
            "--jq {source:?} produced a value that is not JSON ({}); object keys must be strings",
            val
        ))
    })
}

/// Where in the filter a parser complaint points: 1-based column of `at` inside `source`.
fn column(source: &str, at: &str) -> usize {
    let start = source.as_ptr() as usize;
    let here = at.as_ptr() as usize;
    if here >= start && here <= start + source.len() {
        source[..here - start].chars().count() + 1
    } else {
        source.chars().count() + 1
    }
}

fn load_error(source: &str, errors: jaq_core::load::Errors<&str, ()>) -> Error {
    use jaq_core::load::Error as E;
    let first = errors.into_iter().next().map(|(_, e)| match e {
        E::Io(items) => items
            .into_iter()
            .next()
            .map(|(path, msg)| format!("cannot load module {path:?}: {msg}")),
        E::Lex(items) => items.into_iter().next().map(|(expect, at)| {
            format!(
                "expected {} at column {}",
                expect.as_str(),
                column(source, at)
            )
        }),
        E::Parse(items) => items.into_iter().next().map(|(expect, at)| {
            let found = if at.is_empty() {
                "the end".to_string()
            } else {
                format!("{:?}", at.chars().take(12).collect::<String>())
            };
            format!(
                "expected {} at column {}, found {found}",
                expect.as_str(),
                column(source, at)
            )
        }),
    });
    let detail = first
        .flatten()
        .unwrap_or_else(|| "it does not parse".to_string());
    Error::Usage(format!(
        "--jq {source:?} is not a valid jq filter: {detail}; see https://jqlang.org/manual/"
    ))
}

fn compile_error(source: &str, errors: jaq_core::compile::Errors<&str, ()>) -> Error {
    let detail = errors
        .into_iter()
        .flat_map(|(_, list)| list)
        .next()
        .map(|(name, undefined)| format!("undefined {} {name}", undefined.as_str()))
        .unwrap_or_else(|| "it does not compile".to_string());
    Error::Usage(format!(
        "--jq {source:?} is not a valid jq filter: {detail}; see https://jqlang.org/manual/"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jq(filter: &str, input: Value) -> Vec<Value> {
        JqFilter::compile(filter).unwrap().run(&input).unwrap()
    }

    #[test]
    fn runs_real_jq() {
        let page = json!({"users": [{"id": "a", "n": 85746065432_i64}, {"id": "b", "n": 2}]});
        assert_eq!(jq(".users | length", page.clone()), vec![json!(2)]);
        assert_eq!(
            jq(".users[].id", page.clone()),
            vec![json!("a"), json!("b")]
        );
        assert_eq!(
            jq("[.users[] | select(.n > 5) | .n]", page.clone()),
            vec![json!([85746065432_i64])]
        );
        assert_eq!(
            jq(".users | map({n, id})", page),
            vec![json!([{"n": 85746065432_i64, "id": "a"}, {"n": 2, "id": "b"}])]
        );
    }

    #[test]
    fn bad_filters_are_usage_errors_that_point_at_the_problem() {
        let e = JqFilter::compile(".users | length(").err().unwrap();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string()
                .starts_with("--jq \".users | length(\" is not a valid jq filter: "),
            "{e}"
        );
        let e = JqFilter::compile("nosuchfn").err().unwrap();
        assert!(e.to_string().contains("undefined filter nosuchfn"), "{e}");
    }

    #[test]
    fn runtime_errors_name_the_filter() {
        let e = JqFilter::compile(".a.b")
            .unwrap()
            .run(&json!({"a": 1}))
            .unwrap_err();
        assert!(e.to_string().starts_with("--jq \".a.b\" failed: "), "{e}");
    }
}
