//! Compiles the shared library into the binary: every `scripts/*.rhai` file becomes an entry of
//! `BUILT_IN` (module name, source text) in `$OUT_DIR/library.rs`, which `script::library`
//! includes. Adding a module is adding a file; nothing else needs to change.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=scripts");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("scripts");
    let mut modules: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
                .filter_map(|p| {
                    let name = p.file_stem()?.to_str()?.to_string();
                    Some((name, p.to_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    modules.sort();
    let mut out = String::from(
        "/// The built-in library: (module name, source text), sorted by name.\n\
         pub static BUILT_IN: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &modules {
        out.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("library.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
