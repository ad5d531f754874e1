//! Import resolution as go-jsonnet's `FileImporter` does it under Tanka, plus `import "tk"`.
//!
//! Lookup order for `import "x"`: the importing file's directory, then the import paths in
//! order (first hit wins; give `[base, root/lib, base/vendor, root/vendor]`). Paths are joined
//! and cleaned lexically like Go's `filepath.Join`, never canonicalized: symlinked vendor
//! directories keep their own names in `std.thisFile`, in error messages, and for `../` imports.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fs;
use std::io::ErrorKind as IoErrorKind;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use jrsonnet_evaluator::trace::PathResolver;
use jrsonnet_evaluator::{
    AsPathLike, Error, ImportResolver, Result, Source, SourcePath, SourceVirtual, Span,
    StackTraceElement, error::ErrorKind,
};
use jrsonnet_gcmodule::Acyclic;
use jrsonnet_ir::SourceFile;

/// Name of the in-memory `tk` library (as Tanka reports it).
pub(crate) const TK_SOURCE: &str = "<internal>/tk.libsonnet";
/// Code of the in-memory `tk` library.
const TK_CODE: &str = "{ env: std.extVar(\"tanka.dev/environment\") }\n";
/// Prefix of the virtual file names of ext code (`<extvar:NAME>`, as go-jsonnet names them).
pub(crate) const EXT_VAR_PREFIX: &str = "<extvar:";
/// Prefix of the virtual file names of top-level argument code (`<top-level-arg:NAME>`).
pub(crate) const TLA_PREFIX: &str = "<top-level-arg:";

/// Resolves and loads imports; counts the files it reads from disk.
#[derive(Acyclic)]
pub(crate) struct TankaImportResolver {
    /// Library search paths (absolute), first hit wins.
    import_paths: Vec<PathBuf>,
    /// Directory of the entrypoint: relative imports of overlays resolve from here.
    entry_dir: PathBuf,
    /// Working directory at construction: relative imports of ext code resolve from here.
    cwd: PathBuf,
    /// Number of files read from disk.
    reads: Rc<Cell<usize>>,
    /// Code of virtual files (overlays) by name, to locate failed imports in them.
    virtual_code: VirtualCode,
    /// Files read as other code (absolute, cleaned path → code).
    substitutes: HashMap<PathBuf, String>,
    /// Every file loaded from disk, with its first line, in load order.
    loaded: Loaded,
}

/// Files loaded from disk and their first lines, shared between the evaluator and its resolver.
pub(crate) type Loaded = Rc<RefCell<Vec<(PathBuf, String)>>>;

/// Code of virtual files by name, shared between the evaluator and its resolver.
pub(crate) type VirtualCode = Rc<RefCell<HashMap<String, String>>>;

impl TankaImportResolver {
    pub(crate) fn new(
        import_paths: Vec<PathBuf>,
        entry_dir: PathBuf,
        cwd: PathBuf,
        reads: Rc<Cell<usize>>,
        virtual_code: VirtualCode,
        substitutes: HashMap<PathBuf, String>,
        loaded: Loaded,
    ) -> Self {
        Self {
            import_paths,
            entry_dir,
            cwd,
            reads,
            virtual_code,
            substitutes,
            loaded,
        }
    }

    /// Directory that relative imports from `from` start at.
    fn base_dir(&self, from: &SourcePath) -> PathBuf {
        if let Some(file) = from.downcast_ref::<SourceFile>() {
            return file
                .path()
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
        }
        match from.downcast_ref::<SourceVirtual>() {
            // go-jsonnet resolves imports in ext and top-level argument code from the working
            // directory.
            Some(v) if v.0.starts_with(EXT_VAR_PREFIX) || v.0.starts_with(TLA_PREFIX) => {
                self.cwd.clone()
            }
            // Overlays are written as if they sat next to the entrypoint.
            Some(_) => self.entry_dir.clone(),
            None => self.cwd.clone(),
        }
    }

    /// The "not found" error, located at the import expression when it can be found.
    fn not_found(&self, from: &SourcePath, path: &str, searched: &[PathBuf]) -> Error {
        let display = PathResolver::new_cwd_fallback();
        let dirs: Vec<String> = searched.iter().map(|d| display.resolve(d)).collect();
        let mut err = Error::from(ErrorKind::ImportCallbackError(format!(
            "import {path:?} not found: no such file next to the importing file or in the import paths (searched: {})",
            dirs.join(", ")
        )));
        if let Some(span) = import_span(from, path, &self.virtual_code.borrow()) {
            err.trace_mut().0.push(StackTraceElement {
                location: Some(span),
                desc: "import".to_owned(),
            });
        } else if let Some(p) = from.path() {
            err.trace_mut().0.push(StackTraceElement {
                location: None,
                desc: format!("imported from {}", display.resolve(p)),
            });
        }
        err
    }
}

impl ImportResolver for TankaImportResolver {
    fn resolve_from(&self, from: &SourcePath, path: &dyn AsPathLike) -> Result<SourcePath> {
        let path = path.as_path();
        let path: &Path = path.as_ref();
        if path == Path::new("tk") {
            return Ok(SourcePath::new(SourceVirtual(TK_SOURCE.into())));
        }
        let mut searched = vec![self.base_dir(from)];
        for dir in &self.import_paths {
            if !searched.contains(dir) {
                searched.push(dir.clone());
            }
        }
        for dir in &searched {
            let candidate = clean(&dir.join(path));
            match fs::metadata(&candidate) {
                Ok(meta) if meta.is_dir() => {
                    return Err(ErrorKind::ImportCallbackError(format!(
                        "can't import {}: is a directory",
                        PathResolver::new_cwd_fallback().resolve(&candidate)
                    ))
                    .into());
                }
                Ok(_) => return Ok(SourcePath::new(SourceFile::new(candidate))),
                Err(e)
                    if matches!(e.kind(), IoErrorKind::NotFound | IoErrorKind::NotADirectory) => {}
                Err(e) => {
                    return Err(ErrorKind::ImportIo(format!("{}: {e}", candidate.display())).into());
                }
            }
            if path.is_absolute() {
                break;
            }
        }
        if path.is_absolute() {
            searched.clear();
        }
        Err(self.not_found(from, &path.to_string_lossy(), &searched))
    }

    fn load_file_contents(&self, resolved: &SourcePath) -> Result<Vec<u8>> {
        if let Some(file) = resolved.downcast_ref::<SourceFile>() {
            if let Some(code) = self.substitutes.get(file.path()) {
                return Ok(code.clone().into_bytes());
            }
            self.reads.set(self.reads.get() + 1);
            // Only regular files, and not without end: `importstr '/dev/zero'` or a FIFO would
            // never finish.
            let bytes = crate::input::read_regular(file.path(), crate::input::MAX_SOURCE_BYTES)
                .map_err(|e| {
                    let path = PathResolver::new_cwd_fallback().resolve(file.path());
                    Error::from(ErrorKind::ImportCallbackError(format!(
                        "cannot read {path}: {e}"
                    )))
                })?;
            let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
            self.loaded.borrow_mut().push((
                file.path().to_path_buf(),
                String::from_utf8_lossy(first).into_owned(),
            ));
            return Ok(bytes);
        }
        match resolved.downcast_ref::<SourceVirtual>() {
            Some(v) if v.0.as_str() == TK_SOURCE => Ok(TK_CODE.as_bytes().to_vec()),
            _ => Err(ErrorKind::ResolvedFileNotFound(resolved.clone()).into()),
        }
    }
}

/// Make `path` absolute (against the working directory) and clean it lexically, like Go's
/// `filepath.Abs`: `.` segments dropped, `..` removes the previous segment, symlinks untouched.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        clean(path)
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        clean(&cwd.join(path))
    }
}

/// Lexical path cleaning (Go's `filepath.Clean` on an absolute path).
pub(crate) fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.file_name().is_some() {
                    out.pop();
                } else if !path.is_absolute() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Span of the first `import "path"` (or `importstr`/`importbin`) in `from`, found textually:
/// jrsonnet reports a failed import resolution without the location of the import expression.
fn import_span(
    from: &SourcePath,
    path: &str,
    virtual_code: &HashMap<String, String>,
) -> Option<Span> {
    let code = match (from.path(), from.downcast_ref::<SourceVirtual>()) {
        (Some(file), _) => {
            let bytes = crate::input::read_regular(file, crate::input::MAX_SOURCE_BYTES).ok()?;
            String::from_utf8(bytes).ok()?
        }
        (None, Some(v)) => virtual_code.get(v.0.as_str())?.clone(),
        (None, None) => return None,
    };
    let quoted = [format!("\"{path}\""), format!("'{path}'")];
    let mut search = 0;
    while let Some(rel) = code[search..].find("import") {
        let start = search + rel;
        let after = code[start + "import".len()..]
            .trim_start_matches("str")
            .trim_start_matches("bin");
        let after_kw = after.trim_start();
        if quoted.iter().any(|q| after_kw.starts_with(q.as_str())) {
            let lit_start = code.len() - after_kw.len();
            let end = lit_start + path.len() + 2;
            // Spans count characters, not bytes (see `offset_to_location`).
            let to_chars = |byte: usize| code[..byte].chars().count() as u32;
            let source = Source::new(from.clone(), code.as_str().into());
            return Some(Span(source, to_chars(start), to_chars(end)));
        }
        search = start + "import".len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_is_lexical() {
        assert_eq!(clean(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(clean(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(clean(Path::new("a/../../b")), PathBuf::from("../b"));
        assert_eq!(clean(Path::new("../../b")), PathBuf::from("../../b"));
    }
}
