//! Writing user-visible files safely: never overwrite unless asked, never leave a half-written
//! file (write to a temporary file beside the target, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Write every `(path, content)`; refuse (writing nothing) when any target exists and `force`
/// is off. Returns the paths written.
pub fn write_all(files: &[(PathBuf, String)], force: bool) -> anyhow::Result<Vec<PathBuf>> {
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| format!("  {}", p.display()))
            .collect();
        if !existing.is_empty() {
            bail!(
                "refusing to overwrite existing files (use --force to replace them):\n{}",
                existing.join("\n")
            );
        }
    }
    let mut written = Vec::new();
    for (path, content) in files {
        write_atomic(path, content, force)?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Write one file atomically: a temporary file in the same directory, renamed into place.
pub fn write_atomic(path: &Path, content: &str, overwrite: bool) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tkstep-");
    // Like any new file (0666 less the umask), not tempfile's private 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in directory '{}'", dir.display()))?;
    tmp.write_all(content.as_bytes())
        .and_then(|()| tmp.flush())
        .with_context(|| format!("cannot write '{}'", path.display()))?;
    let result = if overwrite {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    result
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write '{}'", path.display()))
}
