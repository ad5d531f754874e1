//! Finding environment entrypoints below a directory (`tk env list`, `tk export -r`).

use std::path::{Path, PathBuf};

use super::EnvError;

/// Every file named `main.jsonnet` at or below `root_dir`, sorted.
///
/// Like Tanka's `FindEnvs`: the whole tree is walked (no directory is skipped, `vendor/`
/// included), symlinks are not followed (a symlink *named* `main.jsonnet` is listed), and a
/// file given as `root_dir` is returned as is. Whether each file really is an environment
/// (static, or inline with an `Environment` object) is for the caller to find out.
pub fn find_environments(root_dir: &Path) -> Result<Vec<PathBuf>, EnvError> {
    let meta = std::fs::metadata(root_dir).map_err(|e| EnvError::stat(root_dir, root_dir, e))?;
    if !meta.is_dir() {
        return Ok(vec![root_dir.to_path_buf()]);
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root_dir).follow_links(false) {
        let entry = entry.map_err(|e| EnvError::Io {
            path: e
                .path()
                .map_or_else(|| root_dir.to_path_buf(), Path::to_path_buf),
            source: e.into(),
        })?;
        if !entry.file_type().is_dir() && entry.file_name() == "main.jsonnet" {
            found.push(entry.into_path());
        }
    }
    found.sort();
    Ok(found)
}
