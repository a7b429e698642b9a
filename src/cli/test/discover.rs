//! Finds the tests under the paths given on the command line.
//!
//! A test is `NAME.wasm` (or `NAME.wat`, compiled from text; a `.wasm` beside
//! a `.wat` of the same name wins), with its spec in `NAME.json` if there is
//! one. Directories are searched recursively, except the fixture directories
//! that a spec in the same directory names (`root`, `dirs`): those belong to
//! their test.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::spec::Spec;

/// One test found on disk.
#[derive(Debug)]
pub struct Test {
    /// The name shown in reports and matched by --filter/--skip: the searched
    /// directory's own name, then the path beneath it, without the extension
    /// (`c-tests/hello`).
    pub name: String,
    pub module: PathBuf,
    /// The spec, or why `NAME.json` cannot be used (the test then fails).
    pub spec: Result<Spec, String>,
}

impl Test {
    /// The directory the test (and its fixtures) sit in.
    pub fn dir(&self) -> &Path {
        self.module.parent().unwrap_or(Path::new("."))
    }
}

/// Every test under `paths` (directories or single modules), sorted by name.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Test>, String> {
    let mut tests = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| format!("cannot read '{}': {}", path.display(), reason(&e)))?;
        if meta.is_dir() {
            let prefix = display_name(path);
            walk(path, &prefix, &mut tests).map_err(|e| format!("cannot read '{}': {}", path.display(), reason(&e)))?;
        } else if is_module(path) {
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            tests.push(test(name, path.to_path_buf()));
        } else {
            return Err(format!("'{}' is neither a directory nor a .wasm/.wat module", path.display()));
        }
    }
    tests.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tests)
}

fn walk(dir: &Path, prefix: &str, tests: &mut Vec<Test>) -> io::Result<()> {
    let mut modules: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        // Not followed into linked directories: a link loop must not hang discovery.
        if entry.file_type()?.is_dir() {
            subdirs.push(path);
        } else if is_module(&path) {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let is_wasm = path.extension().is_some_and(|e| e == "wasm");
            if is_wasm || !modules.contains_key(&stem) {
                modules.insert(stem, path);
            }
        }
    }
    let mut fixtures = Vec::new();
    for (stem, module) in modules {
        let t = test(format!("{prefix}/{stem}"), module);
        if let Ok(spec) = &t.spec {
            fixtures.extend(spec.root.iter().chain(&spec.dirs).map(|d| dir.join(d)));
        }
        tests.push(t);
    }
    subdirs.sort();
    for sub in subdirs {
        if fixtures.contains(&sub) {
            continue;
        }
        let name = sub.file_name().unwrap_or_default().to_string_lossy().into_owned();
        walk(&sub, &format!("{prefix}/{name}"), tests)?;
    }
    Ok(())
}

fn test(name: String, module: PathBuf) -> Test {
    let json = module.with_extension("json");
    let spec = match fs::read_to_string(&json) {
        Ok(text) => Spec::parse(&text).map_err(|e| format!("{}: {e}", json.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Spec::default()),
        Err(e) => Err(format!("cannot read {}: {}", json.display(), reason(&e))),
    };
    Test { name, module, spec }
}

fn is_module(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "wasm" || e == "wat")
}

/// A directory's own name, also for `.` and paths ending in `..`.
fn display_name(dir: &Path) -> String {
    let named = dir.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_owned()));
    named.map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tests_recursively_but_not_inside_fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let suite = tmp.path().join("suite");
        fs::create_dir_all(suite.join("nested")).unwrap();
        fs::create_dir_all(suite.join("fs.dir")).unwrap();
        fs::write(suite.join("a.wasm"), "").unwrap();
        fs::write(suite.join("a.json"), r#"{"dirs": ["fs.dir"]}"#).unwrap();
        fs::write(suite.join("fs.dir/not_a_test.wasm"), "").unwrap();
        fs::write(suite.join("nested/b.wat"), "").unwrap();
        fs::write(suite.join("nested/c.wat"), "").unwrap();
        fs::write(suite.join("nested/c.wasm"), "").unwrap();
        fs::write(suite.join("nested/readme.txt"), "").unwrap();

        let tests = discover(std::slice::from_ref(&suite)).unwrap();
        let names: Vec<_> = tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["suite/a", "suite/nested/b", "suite/nested/c"]);
        assert_eq!(tests[0].spec.as_ref().unwrap().dirs, ["fs.dir"]);
        assert!(tests[2].module.ends_with("nested/c.wasm"), "a .wasm wins over its .wat source");
    }

    #[test]
    fn a_bad_spec_is_kept_with_the_test() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("t.wasm"), "").unwrap();
        fs::write(tmp.path().join("t.json"), r#"{"exit": 1}"#).unwrap();
        let tests = discover(&[tmp.path().join("t.wasm")]).unwrap();
        assert_eq!(tests[0].name, "t");
        assert!(tests[0].spec.as_ref().unwrap_err().contains(r#"unknown key "exit""#));
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let err = discover(&[PathBuf::from("/no/such/suite")]).unwrap_err();
        assert_eq!(err, "cannot read '/no/such/suite': no such file or directory");
    }
}
