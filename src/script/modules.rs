//! Where `import "users" as users;` finds its module: the module search path and the Rhai
//! module resolver built on it.
//!
//! The search order is the importing script's directory, each `--lib DIR` in the order given,
//! each `ZOOMSH_PATH` entry (colon-separated), the `lib` folder in the user's config dir
//! (`~/.config/zoomsh/lib` on Linux), and last the built-in library. The first match wins, so a
//! team's `users.rhai` shadows the built-in one. A built-in module's own imports look in the
//! built-in library first, so the library stays consistent whatever is on the path.
//!
//! Modules get their file path as their source name (`<built-in>/users.rhai` for built-in
//! ones), so an error inside a module, a syntax error included, names the module's file, line
//! and column. Loaded modules are cached per host and reloaded when their file changes.
//!
//! Under `--sandbox` an import may not name an absolute path or climb with `..`: a sandboxed
//! script reads modules beside it and on the search path, never an arbitrary file.

use super::library::{self, BUILT_IN};
use rhai::module_resolvers::ModuleResolver;
use rhai::{Engine, EvalAltResult, Module, Position, Scope, Shared};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Why a directory is on the search path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `--lib DIR`.
    LibFlag,
    /// An entry of `ZOOMSH_PATH`.
    EnvPath,
    /// The `lib` folder in the user's config dir.
    UserLib,
    /// Compiled into zoomsh from the project's `scripts/` folder.
    BuiltIn,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::LibFlag => "--lib",
            Origin::EnvPath => "ZOOMSH_PATH",
            Origin::UserLib => "user lib",
            Origin::BuiltIn => "built in",
        })
    }
}

/// The search path after the importing script's own directory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModulePath {
    dirs: Vec<(PathBuf, Origin)>,
}

impl ModulePath {
    /// `--lib` dirs, then `ZOOMSH_PATH`, then the user's lib folder (when there is a home).
    pub fn from_env(lib_dirs: &[PathBuf]) -> ModulePath {
        ModulePath::new(
            lib_dirs,
            std::env::var_os("ZOOMSH_PATH").as_deref(),
            user_lib_dir(),
        )
    }

    pub fn new(
        lib_dirs: &[PathBuf],
        zoomsh_path: Option<&OsStr>,
        user_lib: Option<PathBuf>,
    ) -> ModulePath {
        let mut dirs: Vec<(PathBuf, Origin)> = lib_dirs
            .iter()
            .map(|d| (d.clone(), Origin::LibFlag))
            .collect();
        if let Some(value) = zoomsh_path {
            dirs.extend(
                std::env::split_paths(value)
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(|p| (p, Origin::EnvPath)),
            );
        }
        if let Some(dir) = user_lib {
            dirs.push((dir, Origin::UserLib));
        }
        ModulePath { dirs }
    }

    pub fn dirs(&self) -> &[(PathBuf, Origin)] {
        &self.dirs
    }

    /// Every module on the path (not counting a script's own directory), in search order;
    /// a module found earlier under the same name shadows the later ones.
    pub fn list(&self) -> Vec<ModuleEntry> {
        let mut entries: Vec<ModuleEntry> = Vec::new();
        for (dir, origin) in &self.dirs {
            let Ok(read) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = read
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rhai"))
                .collect();
            files.sort();
            for file in files {
                let Some(name) = file.file_stem().and_then(OsStr::to_str) else {
                    continue;
                };
                entries.push(ModuleEntry::new(
                    name,
                    *origin,
                    file.display().to_string(),
                    &entries,
                ));
            }
        }
        for (name, _) in BUILT_IN {
            let location = library::source_name(name);
            entries.push(ModuleEntry::new(name, Origin::BuiltIn, location, &entries));
        }
        entries
    }
}

/// One module `zoomsh lib` lists.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleEntry {
    pub name: String,
    pub origin: Origin,
    /// The file, or `<built-in>/NAME.rhai`.
    pub location: String,
    /// The location of the module that wins over this one, if any.
    pub shadowed_by: Option<String>,
}

impl ModuleEntry {
    fn new(name: &str, origin: Origin, location: String, earlier: &[ModuleEntry]) -> ModuleEntry {
        let shadowed_by = earlier
            .iter()
            .find(|e| e.name == name && e.shadowed_by.is_none())
            .map(|e| e.location.clone());
        ModuleEntry {
            name: name.to_string(),
            origin,
            location,
            shadowed_by,
        }
    }

    /// The module's source text.
    pub fn text(&self) -> Option<String> {
        match self.origin {
            Origin::BuiltIn => library::text_of_source(&self.location).map(str::to_string),
            _ => std::fs::read_to_string(&self.location).ok(),
        }
    }
}

/// `lib` in the user's config dir (`$XDG_CONFIG_HOME/zoomsh/lib` on Linux).
pub fn user_lib_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "zoomsh").map(|d| d.config_dir().join("lib"))
}

/// The text of a module by the source name errors carry: a built-in module or a file.
pub fn source_text(source: &str) -> Option<String> {
    if let Some(text) = library::text_of_source(source) {
        return Some(text.to_string());
    }
    std::fs::read_to_string(source).ok()
}

/// A module found on the path, before it is loaded.
enum Found {
    File(PathBuf),
    BuiltIn(&'static str, &'static str),
}

/// Loaded modules by source name, with the file's modification time when it is a file.
type ModuleCache = HashMap<String, (Option<SystemTime>, Shared<Module>)>;

/// The Rhai module resolver over a [`ModulePath`].
pub struct LibraryResolver {
    path: ModulePath,
    sandbox: bool,
    cache: Mutex<ModuleCache>,
}

impl LibraryResolver {
    pub fn new(path: ModulePath, sandbox: bool) -> LibraryResolver {
        LibraryResolver {
            path,
            sandbox,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The directory of the importing source: a module file's or script's folder, the working
    /// directory for the REPL and `eval`, none for a built-in module.
    fn importer_dir(source: Option<&str>) -> Option<PathBuf> {
        match source {
            Some(s) if s.starts_with(library::SOURCE_PREFIX) => None,
            Some(s) if !s.is_empty() && !s.starts_with('<') => {
                let parent = Path::new(s).parent().unwrap_or(Path::new(""));
                Some(if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                })
            }
            _ => Some(PathBuf::from(".")),
        }
    }

    fn find(&self, source: Option<&str>, name: &str) -> Result<Found, String> {
        let file_name = if Path::new(name).extension().is_some_and(|x| x == "rhai") {
            PathBuf::from(name)
        } else {
            PathBuf::from(format!("{name}.rhai"))
        };
        if self.sandbox
            && (file_name.is_absolute()
                || file_name.components().any(|c| c == Component::ParentDir))
        {
            return Err(format!(
                "import {name:?}: --sandbox allows only modules beside the script, on the module \
                 path and in the built-in library; no absolute paths or `..`"
            ));
        }
        if file_name.is_absolute() {
            return if file_name.is_file() {
                Ok(Found::File(file_name))
            } else {
                Err(format!(
                    "module {name:?} not found: no file {}",
                    file_name.display()
                ))
            };
        }
        let importer = Self::importer_dir(source);
        let built_in_first = importer.is_none();
        if built_in_first && let Some((n, text)) = built_in_entry(name) {
            return Ok(Found::BuiltIn(n, text));
        }
        let dirs = importer.iter().chain(self.path.dirs.iter().map(|(d, _)| d));
        for dir in dirs {
            let candidate = if dir == Path::new(".") {
                file_name.clone()
            } else {
                dir.join(&file_name)
            };
            if candidate.is_file() {
                return Ok(Found::File(candidate));
            }
        }
        if let Some((n, text)) = built_in_entry(name) {
            return Ok(Found::BuiltIn(n, text));
        }
        let mut looked: Vec<String> = importer
            .iter()
            .map(|d| format!("{} (the script's folder)", d.display()))
            .collect();
        looked.extend(
            self.path
                .dirs
                .iter()
                .map(|(d, o)| format!("{} ({o})", d.display())),
        );
        looked.push("the built-in library".into());
        Err(format!(
            "module {name:?} not found; looked in {}; `zoomsh lib` lists the modules there are",
            looked.join(", ")
        ))
    }

    fn load(
        &self,
        engine: &Engine,
        source: Option<&str>,
        name: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let found = self
            .find(source, name)
            .map_err(|m| Box::new(EvalAltResult::ErrorRuntime(m.into(), pos)))?;
        let (source_name, modified, text) = match found {
            Found::BuiltIn(n, text) => (library::source_name(n), None, text.to_string()),
            Found::File(path) => {
                let shown = path.display().to_string();
                let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    Box::new(EvalAltResult::ErrorRuntime(
                        format!("cannot read module {shown}: {e}").into(),
                        pos,
                    ))
                })?;
                (shown, modified, text)
            }
        };
        if let Some((when, module)) = self.lock().get(&source_name)
            && *when == modified
        {
            return Ok(module.clone());
        }
        let in_module = |err: Box<EvalAltResult>| {
            Box::new(EvalAltResult::ErrorInModule(source_name.clone(), err, pos))
        };
        let mut ast = engine
            .compile_with_scope(&Scope::new(), &text)
            .map_err(|e| in_module(e.into()))?;
        ast.set_source(source_name.as_str());
        let module: Shared<Module> = Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(in_module)?
            .into();
        self.lock()
            .insert(source_name.clone(), (modified, module.clone()));
        Ok(module)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ModuleCache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn built_in_entry(name: &str) -> Option<(&'static str, &'static str)> {
    let name = name.strip_suffix(".rhai").unwrap_or(name);
    BUILT_IN.iter().find(|(n, _)| *n == name).copied()
}

impl ModuleResolver for LibraryResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        self.load(engine, source, path, pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_keeps_flag_then_env_then_user_order() {
        let p = ModulePath::new(
            &[PathBuf::from("/a"), PathBuf::from("/b")],
            Some(OsStr::new("/c::/d")),
            Some(PathBuf::from("/home/u/.config/zoomsh/lib")),
        );
        assert_eq!(
            p.dirs(),
            [
                (PathBuf::from("/a"), Origin::LibFlag),
                (PathBuf::from("/b"), Origin::LibFlag),
                (PathBuf::from("/c"), Origin::EnvPath),
                (PathBuf::from("/d"), Origin::EnvPath),
                (PathBuf::from("/home/u/.config/zoomsh/lib"), Origin::UserLib),
            ]
        );
    }

    #[test]
    fn earlier_modules_shadow_later_ones() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::write(a.path().join("tools.rhai"), "fn x() { 1 }").unwrap();
        std::fs::write(b.path().join("tools.rhai"), "fn x() { 2 }").unwrap();
        std::fs::write(b.path().join("notes.txt"), "not a module").unwrap();
        let p = ModulePath::new(&[a.path().into(), b.path().into()], None, None);
        let list = p.list();
        let tools: Vec<&ModuleEntry> = list.iter().filter(|e| e.name == "tools").collect();
        assert_eq!(tools.len(), 2);
        assert_eq!(tools[0].shadowed_by, None);
        assert_eq!(
            tools[1].shadowed_by.as_deref(),
            Some(a.path().join("tools.rhai").to_str().unwrap())
        );
        assert!(list.iter().all(|e| e.name != "notes"));
    }

    #[test]
    fn sandboxed_imports_stay_on_the_path() {
        let r = LibraryResolver::new(ModulePath::default(), true);
        for name in ["/etc/passwd", "../secrets"] {
            let Err(message) = r.find(Some("dir/script.rhai"), name) else {
                panic!("{name} was allowed");
            };
            assert!(message.contains("--sandbox allows only"), "{message}");
        }
    }
}
