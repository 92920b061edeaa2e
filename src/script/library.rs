//! The built-in library (the project's `scripts/` folder, compiled in by `build.rs`) and the
//! documentation of script modules, read from their `//!` and `///` comments.
//!
//! A built-in module's source name is `<built-in>/NAME.rhai`: that is what error reports show,
//! and what [`text_of_source`] turns back into its text so a report can quote the line.

use rhai::{Engine, FnAccess};

include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// The prefix of a built-in module's source name.
pub const SOURCE_PREFIX: &str = "<built-in>/";

/// The text of the built-in module `name` (with or without `.rhai`).
pub fn built_in(name: &str) -> Option<&'static str> {
    let name = name.strip_suffix(".rhai").unwrap_or(name);
    BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The source name errors show for the built-in module `name`.
pub fn source_name(name: &str) -> String {
    format!("{SOURCE_PREFIX}{name}.rhai")
}

/// The text behind a built-in module's source name, if `source` is one.
pub fn text_of_source(source: &str) -> Option<&'static str> {
    built_in(source.strip_prefix(SOURCE_PREFIX)?)
}

/// One public function of a module, as `:help` and `zoomsh lib --doc` show it.
#[derive(Clone, Debug, PartialEq)]
pub struct FnDoc {
    /// The module name, as imported (`users`).
    pub module: String,
    pub name: String,
    pub params: Vec<String>,
    /// How a script calls it after `import "users" as users;`: `users::by_email(email)`.
    pub signature: String,
    /// The `///` comment, without the slashes; empty when there is none.
    pub doc: String,
}

/// A module's `//!` comment and its public functions, sorted by name.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleDoc {
    pub module: String,
    pub doc: String,
    pub functions: Vec<FnDoc>,
}

/// Read the documentation of the module `module` from its source text.
pub fn module_doc(module: &str, text: &str) -> Result<ModuleDoc, String> {
    // Parsing needs no registered functions, so a bare engine will do.
    let mut engine = Engine::new_raw();
    engine.set_max_expr_depths(64, 32);
    let ast = engine
        .compile(text)
        .map_err(|e| format!("module {module} does not parse: {e}"))?;
    let mut functions: Vec<FnDoc> = ast
        .iter_functions()
        // Closures are compiled to functions named `anon$...`; they are not the module's API.
        .filter(|f| f.access == FnAccess::Public && !f.name.starts_with("anon$"))
        .map(|f| {
            let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
            FnDoc {
                module: module.to_string(),
                name: f.name.to_string(),
                signature: format!("{module}::{}({})", f.name, params.join(", ")),
                params,
                doc: strip_comment(&f.comments.join("\n"), "///"),
            }
        })
        .collect();
    functions.sort_by(|a, b| (&a.name, a.params.len()).cmp(&(&b.name, b.params.len())));
    Ok(ModuleDoc {
        module: module.to_string(),
        doc: strip_comment(ast.doc(), "//!"),
        functions,
    })
}

/// The documentation of every built-in module, in name order.
pub fn library_modules() -> Vec<ModuleDoc> {
    BUILT_IN
        .iter()
        // The built-in modules parse: a test below and the build of every example prove it.
        .filter_map(|(name, text)| module_doc(name, text).ok())
        .collect()
}

/// Every public function of the built-in library, by module then name.
pub fn library_docs() -> Vec<FnDoc> {
    library_modules()
        .into_iter()
        .flat_map(|m| m.functions)
        .collect()
}

/// The built-in library as Markdown, for the script reference (docs/scripting.md holds this
/// text between `<!-- library:begin -->` and `<!-- library:end -->`; a test keeps them equal).
pub fn reference_markdown() -> String {
    let mut out = String::new();
    for m in library_modules() {
        out.push_str(&format!("### `{}`\n\n{}\n", m.module, m.doc));
        for f in &m.functions {
            out.push_str(&format!("\n#### `{}`\n\n{}\n", f.signature, f.doc));
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// Comment lines without their leader (`///`, `//!`) and the one space after it.
fn strip_comment(text: &str, leader: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix(leader).unwrap_or(line);
            line.strip_prefix(' ').unwrap_or(line).trim_end()
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_and_signatures_are_read() {
        let text = "//! Things about users.\n//! Second line.\n\n\
                    /// Find a user.\n/// By email.\nfn by_email(email) { email }\n\
                    private fn helper() { 1 }\nfn bare(a, b) { a + b }\n";
        let doc = module_doc("users", text).unwrap();
        assert_eq!(doc.doc, "Things about users.\nSecond line.");
        let names: Vec<&str> = doc.functions.iter().map(|f| f.signature.as_str()).collect();
        assert_eq!(names, ["users::bare(a, b)", "users::by_email(email)"]);
        assert_eq!(doc.functions[1].doc, "Find a user.\nBy email.");
        assert_eq!(doc.functions[0].doc, "");
    }

    #[test]
    fn every_built_in_module_parses_and_documents_each_function() {
        for (name, text) in BUILT_IN {
            let doc = module_doc(name, text).unwrap();
            assert!(!doc.doc.is_empty(), "{name} has no //! comment");
            for f in &doc.functions {
                assert!(!f.doc.is_empty(), "{} has no /// comment", f.signature);
            }
        }
    }

    #[test]
    fn built_in_source_names_map_back_to_text() {
        for (name, text) in BUILT_IN {
            assert_eq!(text_of_source(&source_name(name)), Some(*text));
        }
        assert_eq!(text_of_source("users.rhai"), None);
    }
}
