//! Jsonnet evaluation with jrsonnet-evaluator and Tanka's native functions.
//! This is the only module that touches jrsonnet.
//!
//! An [`Evaluator`] holds one jrsonnet `State` for one entrypoint: every imported file is read,
//! parsed and evaluated once and then reused, so evaluating the same environment again with a
//! different [`Overlay`] only costs the overlay and what depends on it.
//!
//! What the evaluator sets up, as Tanka does:
//! - imports: the importing file's directory, then [`EvalOptions::import_paths`] in order (first
//!   hit wins); paths are joined lexically, never canonicalized, so `std.thisFile` and error
//!   locations show the paths as found (absolute, symlinks kept), like go-jsonnet;
//! - `import "tk"` from memory: `{ env: std.extVar("tanka.dev/environment") }`;
//! - ext code variables (`std.extVar`), each evaluated at most once;
//! - Tanka's natives (`std.native(...)`): `parseJson`, `parseYaml`, `manifestJsonFromJson`,
//!   `manifestYamlFromJson`, `escapeStringRegex`, `regexMatch`, `regexSubst`, `sha256`
//!   (`helmTemplate` and `kustomizeBuild` exist but report that they are unsupported);
//! - the maximum stack depth ([`EvalOptions::max_stack`], Tanka: 500), set on the calling thread
//!   for the duration of every call.
//!
//! Errors are [`EvalError`]s: the cause, then the stack trace innermost frame first, each frame
//! as `file:line:column: what` with the file relative to the current working directory (absolute
//! when outside it; overlays, ext code and `tk` by name). Runs of an identical frame (deep
//! recursion) are shown once with a count and the trace is cut after [`MAX_FRAMES`] lines.
//! jrsonnet does not locate every error in the source (e.g. `no such field`), so errors raised
//! while forcing the output also name the JSON path: `at .web.deployment.spec in the output of
//! environments/default/main.jsonnet`. With an overlay, a last line names it.
//!
//! Output nested more than [`MAX_OUTPUT_DEPTH`] levels deep is an error. An `Evaluator` is not
//! `Send`: use it on the thread that created it.

mod errors;
mod import;
mod inline;
mod json;
mod json_indent;
mod natives;
mod re2;
mod syntax;

use std::cell::Cell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use jrsonnet_evaluator::stack::{StackDepthLimitOverrideGuard, limit_stack_depth};
use jrsonnet_evaluator::tla::TlaArg;
use jrsonnet_evaluator::trace::PathResolver;
use jrsonnet_evaluator::val::MemoizedClosureThunk;
use jrsonnet_evaluator::{
    ContextInitializer, IStr, InitialContextBuilder, Source, SourcePath, State, StateEnterGuard,
    Thunk, Val, with_state,
};
use jrsonnet_ir::SourceFile;

pub use errors::MAX_FRAMES;
pub use json::MAX_OUTPUT_DEPTH;
pub use json_indent::json_indent;
pub use re2::{quote_meta, regex_match, regex_subst};
pub use syntax::{PlusField, plus_fields};

/// An evaluation error: the full message (what it displays as, with `file:line:column`
/// locations and the Jsonnet stack trace), and the same facts structured, so that an embedder
/// can point at the location.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct EvalError {
    /// The full message, including the Jsonnet stack trace.
    pub message: String,
    /// Where the error happened (a syntax error's position, else the innermost located frame
    /// of the trace); `None` when jrsonnet does not say, or for errors outside Jsonnet (a
    /// missing entrypoint).
    pub location: Option<SourceLocation>,
    /// The Jsonnet stack trace, innermost frame first (all frames, none collapsed).
    pub frames: Vec<TraceFrame>,
}

/// A position in a Jsonnet source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The file, relative to the working directory when inside it (else absolute); a virtual
    /// source (an overlay, ext code) by its name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One frame of a Jsonnet stack trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFrame {
    /// Where, when known.
    pub location: Option<SourceLocation>,
    /// What was being evaluated (`field <a> evaluation`, `function <f> call`, ...).
    pub description: String,
}

impl EvalError {
    /// An error with only a message (no location, no trace): e.g. from an [`EnvProbe`]
    /// fake.
    ///
    /// [`EnvProbe`]: crate::plan::EnvProbe
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            location: None,
            frames: Vec::new(),
        }
    }
}

/// One step of a path into the evaluated output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object field.
    Field(String),
    /// An array element.
    Index(usize),
}

/// Displays a path the way Tanka writes JSON paths: `.a.b.[0]` (`.` for the root).
pub struct DisplayPath<'a>(pub &'a [PathSegment]);

/// Paths longer than this many segments are shown with their middle elided.
const MAX_SHOWN_SEGMENTS: usize = 16;

impl fmt::Display for DisplayPath<'_> {
    /// `.a.[0].b`; a path deeper than 16 segments (a 10,000-level nesting error) keeps its
    /// first 8 and last 8: `.x.a.a.a.a.a.a.a….(9984 more)….a.a.a.a.a.a.a.a`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        let write = |f: &mut fmt::Formatter<'_>, segments: &[PathSegment]| -> fmt::Result {
            for segment in segments {
                match segment {
                    PathSegment::Field(name) => write!(f, ".{}", crate::escape::control(name))?,
                    PathSegment::Index(i) => write!(f, ".[{i}]")?,
                }
            }
            Ok(())
        };
        if self.0.len() <= MAX_SHOWN_SEGMENTS {
            return write(f, self.0);
        }
        let keep = MAX_SHOWN_SEGMENTS / 2;
        write(f, &self.0[..keep])?;
        write!(f, "….({} more)…", self.0.len() - 2 * keep)?;
        write(f, &self.0[self.0.len() - keep..])
    }
}

/// Settings for an [`Evaluator`].
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Library search paths, first hit wins (see `ProjectPaths::import_paths`).
    pub import_paths: Vec<PathBuf>,
    /// External variables given as Jsonnet code (`std.extVar(name)`); a later entry for the
    /// same name wins.
    pub ext_code: Vec<(String, String)>,
    /// Top-level arguments given as Jsonnet code: passed to the entrypoint when it is a
    /// function (ignored otherwise, as in go-jsonnet).
    pub tla_code: Vec<(String, String)>,
    /// Maximum stack depth (Tanka/go-jsonnet: 500).
    pub max_stack: usize,
    /// Files read as other Jsonnet code instead of their contents: (path, code). Paths are
    /// made absolute and cleaned as imports are; the entrypoint itself cannot be replaced.
    pub substitutes: Vec<(PathBuf, String)>,
}

impl Default for EvalOptions {
    /// No import paths, no ext code, no top-level arguments, Tanka's stack depth of 500.
    fn default() -> Self {
        Self {
            import_paths: Vec::new(),
            ext_code: Vec::new(),
            tla_code: Vec::new(),
            max_stack: 500,
            substitutes: Vec::new(),
        }
    }
}

/// Jsonnet code applied on top of an evaluated object: `<object> + (<code>)`.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Name used in error messages, e.g. `step 5.2 overlay`.
    pub name: String,
    /// Jsonnet source of the overlay object.
    pub code: String,
}

/// An `Environment` object found in an inline environment's output (not forcing its `data`).
#[derive(Debug, Clone)]
pub struct InlineEnvironment {
    /// Where it is in the output.
    pub path: Vec<PathSegment>,
    /// The object with `data` left out.
    pub object: serde_json::Value,
}

/// A reusable evaluator for one entrypoint. Parsed imports are cached across evaluations.
pub struct Evaluator {
    state: State,
    entrypoint: PathBuf,
    entry_source: SourcePath,
    max_stack: usize,
    reads: Rc<Cell<usize>>,
    virtual_code: import::VirtualCode,
    loaded: import::Loaded,
    /// Top-level arguments, each evaluated lazily and at most once.
    tla: std::collections::HashMap<IStr, TlaArg>,
}

/// Holds the thread-local settings of one evaluation call.
struct Entered {
    _state: StateEnterGuard,
    _stack: StackDepthLimitOverrideGuard,
}

impl Evaluator {
    /// Create an evaluator for `entrypoint`.
    ///
    /// Relative paths (entrypoint, import paths) are taken from the current directory. Nothing
    /// is evaluated yet; a missing entrypoint is an error.
    pub fn new(entrypoint: &Path, options: EvalOptions) -> Result<Self, EvalError> {
        let entrypoint = import::absolute(entrypoint);
        if let Err(e) = crate::input::check_regular(&entrypoint) {
            let path = PathResolver::new_cwd_fallback().resolve(&entrypoint);
            return Err(EvalError::new(if e.is_not_found() {
                format!("{path}: no such file")
            } else {
                format!("{path} {e}")
            }));
        }
        let entry_dir = entrypoint
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let cwd = std::env::current_dir().unwrap_or_else(|_| entry_dir.clone());
        let import_paths = options
            .import_paths
            .iter()
            .map(|p| import::absolute(p))
            .collect();
        let reads = Rc::new(Cell::new(0));
        let virtual_code = import::VirtualCode::default();
        let loaded = import::Loaded::default();
        let substitutes = options
            .substitutes
            .iter()
            .map(|(path, code)| (import::absolute(path), code.clone()))
            .collect();

        // std.thisFile is the path as found (absolute), as in Tanka.
        let std_ctx = jrsonnet_stdlib::ContextInitializer::new(PathResolver::Absolute);
        for (name, code) in &options.ext_code {
            add_ext_code(&std_ctx, name, code);
        }
        // The map jrsonnet's `apply_tla` takes; an interned string's only interior mutability
        // is its reference count, which does not change its hash.
        #[allow(clippy::mutable_key_type)]
        let tla = options
            .tla_code
            .iter()
            .map(|(name, code)| {
                let file = format!("{}{name}>", import::TLA_PREFIX);
                (IStr::from(name.as_str()), lazy_code(file, code))
            })
            .collect();
        natives::register(&std_ctx);

        let mut builder = State::builder();
        builder
            .context_initializer(std_ctx)
            .import_resolver(import::TankaImportResolver::new(
                import_paths,
                entry_dir,
                cwd,
                reads.clone(),
                virtual_code.clone(),
                substitutes,
                loaded.clone(),
            ));
        let entry_source = SourcePath::new(SourceFile::new(entrypoint.clone()));
        Ok(Self {
            state: builder.build(),
            entrypoint,
            entry_source,
            max_stack: options.max_stack,
            reads,
            virtual_code,
            loaded,
            tla,
        })
    }

    /// The entrypoint as evaluated (absolute, cleaned).
    pub fn entrypoint(&self) -> &Path {
        &self.entrypoint
    }

    /// How many files were read from disk so far (each file at most once per evaluator).
    pub fn files_read(&self) -> usize {
        self.reads.get()
    }

    /// Every file read from disk so far (imports of every kind; not the entrypoint until it is
    /// evaluated), with its first line, in the order they were first read.
    pub fn loaded_files(&self) -> Vec<(PathBuf, String)> {
        self.loaded.borrow().clone()
    }

    /// Evaluate the entrypoint, take the value at `path` and apply `overlay` on top of it.
    pub fn evaluate(
        &self,
        path: &[PathSegment],
        overlay: Option<&Overlay>,
    ) -> Result<serde_json::Value, EvalError> {
        with_large_stack(|| self.evaluate_on_this_stack(path, overlay))
    }

    fn evaluate_on_this_stack(
        &self,
        path: &[PathSegment],
        overlay: Option<&Overlay>,
    ) -> Result<serde_json::Value, EvalError> {
        let _entered = self.enter()?;
        let mut value = self.value_at(path)?;
        if let Some(overlay) = overlay {
            value = self
                .apply_overlay(value, overlay)
                .map_err(|e| self.error(&e, Some(overlay), Some(path)))?;
        }
        json::val_to_json(&value).map_err(|e| {
            let at = [path, &e.path].concat();
            self.error(&e.error, overlay, Some(&at))
        })
    }

    /// The entrypoint's value, indexed by `path` (the state must be entered).
    fn value_at(&self, path: &[PathSegment]) -> Result<Val, EvalError> {
        let mut value = self.main().map_err(|e| self.error(&e, None, None))?;
        for (i, segment) in path.iter().enumerate() {
            value = index(&value, segment)
                .map_err(|e| self.error(&e, None, Some(&path[..=i])))?
                .ok_or_else(|| {
                    EvalError::new(format!(
                        "{}: no {} in the output of {}",
                        DisplayPath(&path[..=i]),
                        match segment {
                            PathSegment::Field(name) => format!("field {name:?}"),
                            PathSegment::Index(i) => format!("element {i}"),
                        },
                        PathResolver::new_cwd_fallback().resolve(&self.entrypoint),
                    ))
                })?;
        }
        Ok(value)
    }

    /// Evaluate the Jsonnet expression `expr` with `value` bound to the value at `path` (hidden
    /// fields such as `_config` reachable), and return the result as JSON. Used to ask an
    /// environment questions (e.g. a `_config` value) without manifesting all of it.
    pub fn evaluate_expr(
        &self,
        path: &[PathSegment],
        expr: &str,
    ) -> Result<serde_json::Value, EvalError> {
        with_large_stack(|| {
            let _entered = self.enter()?;
            let value = self.value_at(path)?;
            let bindings = Bindings(vec![("value", value)]);
            let result = self
                .state
                .evaluate_snippet_with(QUERY_SOURCE, expr, &bindings)
                .map_err(|e| without_query_frames(self.error(&e, None, Some(path))))?;
            json::val_to_json(&result)
                .map_err(|e| without_query_frames(self.error(&e.error, None, Some(path))))
        })
    }

    /// Find inline `Environment` objects without evaluating their `data`.
    pub fn inline_environments(&self) -> Result<Vec<InlineEnvironment>, EvalError> {
        with_large_stack(|| {
            let _entered = self.enter()?;
            let value = self.main().map_err(|e| self.error(&e, None, None))?;
            let mut out = Vec::new();
            inline::collect(&value, &mut Vec::new(), &mut out)
                .map_err(|e| self.error(&e.error, None, Some(&e.path)))?;
            Ok(out)
        })
    }

    /// Enter the state (needed by `std.extVar`) and set the stack limit on this thread.
    fn enter(&self) -> Result<Entered, EvalError> {
        let state = self.state.try_enter().ok_or_else(|| {
            EvalError::new("another Jsonnet evaluation is already running on this thread")
        })?;
        Ok(Entered {
            _state: state,
            _stack: limit_stack_depth(self.max_stack),
        })
    }

    /// The entrypoint's value (evaluated once, then cached by the state).
    fn main(&self) -> jrsonnet_evaluator::Result<Val> {
        let value = self.state.import_resolved(self.entry_source.clone())?;
        // A top-level function is called with the user's top-level arguments (Tanka injects
        // none of its own).
        jrsonnet_evaluator::apply_tla(&self.tla, value)
    }

    /// `value + (overlay)`, with the overlay parsed as a file of its own.
    fn apply_overlay(&self, value: Val, overlay: &Overlay) -> jrsonnet_evaluator::Result<Val> {
        self.virtual_code
            .borrow_mut()
            .insert(overlay.name.clone(), overlay.code.clone());
        let patch = self
            .state
            .evaluate_snippet(overlay.name.as_str(), overlay.code.as_str())?;
        let bindings = Bindings(vec![("__tkstep_value", value), ("__tkstep_overlay", patch)]);
        self.state.evaluate_snippet_with(
            format!("<applying {}>", overlay.name),
            "__tkstep_value + __tkstep_overlay",
            &bindings,
        )
    }

    /// The error message: the rendered error, where in the output it happened (jrsonnet does
    /// not locate every error in the source, e.g. a missing field), and the overlay applied.
    fn error(
        &self,
        err: &jrsonnet_evaluator::Error,
        overlay: Option<&Overlay>,
        at: Option<&[PathSegment]>,
    ) -> EvalError {
        let mut message = errors::render(err, self.max_stack);
        let entry = PathResolver::new_cwd_fallback().resolve(&self.entrypoint);
        if let Some(at) = at.filter(|at| !at.is_empty()) {
            message.push_str(&format!(
                "\n    at {} in the output of {entry}",
                DisplayPath(at)
            ));
        }
        if let Some(overlay) = overlay {
            message.push_str(&format!(
                "\n    (evaluating {entry} with {} applied)",
                overlay.name
            ));
        }
        EvalError {
            message,
            location: errors::primary_location(err),
            frames: errors::frames(err),
        }
    }
}

/// The virtual file name of the expressions [`Evaluator::evaluate_expr`] evaluates.
const QUERY_SOURCE: &str = "<tkstep query>";

/// `error` without the frames of the query expression itself: its own lines, the builtin calls
/// it makes and their argument evaluations (an error raised by the environment's Jsonnet while
/// a query reads it is reported with the environment's frames only), and without repeated
/// lines (an error raised inside a builtin call is reported by the call again).
fn without_query_frames(mut error: EvalError) -> EvalError {
    let internal = |text: &str| {
        let t = text.trim_start();
        t.contains(QUERY_SOURCE) || t.starts_with("argument <") || t.contains("function <builtin")
    };
    let mut seen = std::collections::HashSet::new();
    let lines: Vec<&str> = error
        .message
        .lines()
        .filter(|line| !internal(line))
        .filter(|line| seen.insert(*line))
        .collect();
    error.message = lines.join("\n");
    error.frames.retain(|f| {
        let in_query = f.location.as_ref().is_some_and(|l| l.file == QUERY_SOURCE);
        !in_query && !internal(&f.description)
    });
    if error
        .location
        .as_ref()
        .is_some_and(|l| l.file == QUERY_SOURCE)
    {
        error.location = error.frames.iter().find_map(|f| f.location.clone());
    }
    error
}

impl Drop for Evaluator {
    /// Drops the state. Jsonnet objects left in reference cycles stay in this thread's object
    /// space until the thread ends (jrsonnet collects them then): run each environment on a
    /// thread of its own, as `tkstep::repo::run` and the extra threads of a
    /// [`crate::steps::PlanRun`] do, to hold memory flat. (Collecting them here corrupted the
    /// heap in testing: jrsonnet holds references its collector does not see.)
    fn drop(&mut self) {
        // The cached values can nest deeply; their destructors recurse.
        let state = std::mem::take(&mut self.state);
        with_large_stack(move || drop(state));
    }
}

/// Stack size for evaluation calls and for dropping the evaluator's state.
///
/// jrsonnet bounds the recursion of evaluation (max stack depth) and grows the stack while
/// manifesting, but dropping a deeply nested value (e.g. 5,000 objects built by `std.foldl`)
/// recurses once per level and would overflow a normal thread stack, aborting the process.
/// The memory is reserved, not committed: only the pages actually used cost anything.
const LARGE_STACK: usize = 256 << 20;

/// The smallest stack [`with_large_stack`] switches to; below that, `f` runs on the current
/// stack (jrsonnet still grows it in 1 MiB steps while evaluating).
const MIN_STACK: usize = 8 << 20;

/// Run `f` on a fresh stack of [`LARGE_STACK`] bytes (same thread), or of less when the
/// address space is limited (`ulimit -v`): stacker panics when it cannot map the stack, so
/// the room is probed first, halving the size down to [`MIN_STACK`].
fn with_large_stack<R>(f: impl FnOnce() -> R) -> R {
    match mappable_stack_size() {
        Some(size) => stacker::grow(size, f),
        None => f(),
    }
}

/// The largest stack size from [`LARGE_STACK`] down to [`MIN_STACK`] (halving) that can be
/// mapped right now. A probe and the real mapping can race with another thread's allocations;
/// losing that race is a panic that the binary reports as running out of memory.
fn mappable_stack_size() -> Option<usize> {
    let mut size = LARGE_STACK;
    while size >= MIN_STACK {
        // stacker adds two guard pages; 64 KiB covers any page size.
        if can_map(size + (64 << 10)) {
            return Some(size);
        }
        size /= 2;
    }
    None
}

/// Whether `bytes` of address space can be reserved now (reserved and released at once).
#[cfg(unix)]
fn can_map(bytes: usize) -> bool {
    // SAFETY: an anonymous private mapping with no access rights, unmapped before returning;
    // no memory of ours is touched.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return false;
        }
        libc::munmap(p, bytes);
        true
    }
}

#[cfg(not(unix))]
fn can_map(_bytes: usize) -> bool {
    true
}

/// `value[segment]`: `None` when the field/element does not exist.
fn index(value: &Val, segment: &PathSegment) -> jrsonnet_evaluator::Result<Option<Val>> {
    match (value, segment) {
        (Val::Obj(obj), PathSegment::Field(name)) => obj.get(name.as_str().into()),
        (Val::Arr(arr), PathSegment::Index(i)) => match u32::try_from(*i) {
            Ok(i) => arr.get(i),
            Err(_) => Ok(None),
        },
        _ => Ok(None),
    }
}

/// Register ext code `name`: evaluated lazily, at most once, as a file named `<extvar:NAME>`.
fn add_ext_code(ctx: &jrsonnet_stdlib::ContextInitializer, name: &str, code: &str) {
    let file = format!("{}{name}>", import::EXT_VAR_PREFIX);
    ctx.settings_mut()
        .ext_vars
        .insert(name.into(), lazy_code(file, code));
}

/// Jsonnet `code` evaluated lazily, at most once, as a virtual file named `file`.
fn lazy_code(file: String, code: &str) -> TlaArg {
    let thunk = Thunk::new(MemoizedClosureThunk::new(
        (IStr::from(file), IStr::from(code)),
        |(name, code)| with_state(|state| state.evaluate_snippet(name, code)),
    ));
    TlaArg::Lazy(thunk)
}

/// Binds already evaluated values as variables of a snippet.
struct Bindings(Vec<(&'static str, Val)>);

impl ContextInitializer for Bindings {
    fn populate(&self, _for_file: Source, builder: &mut InitialContextBuilder) {
        for (name, value) in &self.0 {
            builder.bind(*name, Thunk::evaluated(value.clone()));
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Leave this thread's Jsonnet objects to the operating system instead of running jrsonnet's
/// cycle collector over all of them when the thread exits. Only for a process that is about to
/// exit (the `tkstep` binary calls it after writing its output, with its evaluators forgotten
/// rather than dropped): the collection is pure overhead then (measured at ~15% of a
/// whole-plan run). Objects still in use are not affected; memory of later unreachable cycles
/// on this thread is never reclaimed, so a library host must not call it.
pub fn leak_thread_objects() {
    jrsonnet_gcmodule::with_thread_object_space(|space| space.leak());
}

/// Ask Linux not to back this process with transparent huge pages (mimalloc asks for them):
/// for a process that renders, once, at start (the `tkstep` binary does).
///
/// Measured on the 2-core bench machine (`tkstep diff`, corpus env): right after another
/// memory-hungry process (e.g. a go-jsonnet render) has exited, every fresh 2 MiB page costs a
/// synchronous compaction or a host-side fault, and the whole-plan run spends 0.15-0.3 s in the
/// kernel (median wall 0.27 s); with 4 KiB pages it spends ~0.08 s there (median 0.19 s) and
/// peaks ~14 MB lower. On a quiet machine the two are within 5%.
pub fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches no memory of ours;
    // a failure (old kernel) only leaves the default in place.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
