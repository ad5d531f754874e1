//! The pipeline facade: open a Tanka environment once, render it (optionally with an overlay)
//! as many times as needed.
//!
//! [`Renderer`] ties the stages together: [`crate::env`] finds the project and the environment,
//! [`crate::eval`] evaluates it with jrsonnet (imports are parsed and evaluated once and reused by
//! every later render), and [`crate::manifest`] turns the output into the sorted manifest list
//! `tk show` would print.

use std::path::Path;

use serde_json::Value;

use crate::Result;
use crate::env::{EnvError, Environment, ProjectPaths};
use crate::eval::{EvalOptions, Evaluator, Overlay, PathSegment};
use crate::manifest::{self, Manifest};

/// Tanka's maximum Jsonnet stack depth (go-jsonnet's default).
pub const MAX_STACK: usize = 500;

/// The ext code `tanka.dev/environment` Tanka gives inline environments: using `tk.env` there
/// is an error.
pub const INLINE_EXT_CODE: &str = "error 'Using tk.env and std.extVar(\"tanka.dev/environment\") is only supported for static environments. Directly access this inline environment instead.'";

/// How to open an environment.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// For inline environments: select the environment whose name contains this (exact match
    /// wins), as `tk --name` does.
    pub name: Option<String>,
    /// External variables as Jsonnet code (`tk --ext-code`; `--ext-str` values are JSON
    /// strings). Tanka's own `tanka.dev/environment` cannot be overridden.
    pub ext_code: Vec<(String, String)>,
    /// Top-level arguments as Jsonnet code (`tk --tla-code`; `--tla-str` values are JSON
    /// strings), passed to the entrypoint when it is a function.
    pub tla_code: Vec<(String, String)>,
    /// Files the environment imports that are read as other Jsonnet code: (path, code). tkstep
    /// reads an overlay it wrote as `{}` this way when it resumes a plan (the preflight
    /// module).
    pub substitutes: Vec<(std::path::PathBuf, String)>,
}

/// The user's ext code, then Tanka's `tanka.dev/environment` (the later entry wins).
fn with_environment(options: &OpenOptions, environment: String) -> Vec<(String, String)> {
    let mut ext_code = options.ext_code.clone();
    ext_code.push(("tanka.dev/environment".to_string(), environment));
    ext_code
}

/// What [`Renderer::open`] was given: opens the same environment again, on any thread.
#[derive(Debug, Clone)]
pub struct Reopener {
    path: std::path::PathBuf,
    options: OpenOptions,
}

impl Reopener {
    /// Open the environment (a new evaluator: libraries are parsed again).
    pub fn open(&self) -> Result<Renderer> {
        Renderer::open(&self.path, &self.options)
    }
}

/// An opened environment, ready to render any number of times.
pub struct Renderer {
    opened_as: (std::path::PathBuf, OpenOptions),
    paths: ProjectPaths,
    env: Environment,
    evaluator: Evaluator,
    data_path: Vec<PathSegment>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("paths", &self.paths)
            .field("env", &self.env)
            .field("data_path", &self.data_path)
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// Open the environment at `path` (its directory, its `main.jsonnet`, or a path inside it).
    ///
    /// Static environments (with `spec.json`) are read from the spec; inline environments are
    /// evaluated just far enough to list their `Environment` objects (their `data` is not
    /// evaluated until [`Renderer::render`]).
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Self> {
        let paths = ProjectPaths::resolve(path)?;
        let import_paths = paths.import_paths();
        if paths.is_static() {
            let env = Environment::load_static(&paths)?;
            let evaluator = Evaluator::new(
                &paths.entrypoint,
                EvalOptions {
                    import_paths,
                    ext_code: with_environment(options, env.to_ext_code()),
                    tla_code: options.tla_code.clone(),
                    max_stack: MAX_STACK,
                    substitutes: options.substitutes.clone(),
                },
            )?;
            return Ok(Self {
                opened_as: (path.to_path_buf(), options.clone()),
                paths,
                env,
                evaluator,
                data_path: Vec::new(),
            });
        }
        let evaluator = Evaluator::new(
            &paths.entrypoint,
            EvalOptions {
                import_paths,
                ext_code: with_environment(options, INLINE_EXT_CODE.to_string()),
                tla_code: options.tla_code.clone(),
                max_stack: MAX_STACK,
                substitutes: options.substitutes.clone(),
            },
        )?;
        let mut candidates = Vec::new();
        for found in evaluator.inline_environments()? {
            let env = Environment::from_inline(&found.object, &paths)?;
            candidates.push((found.path, env));
        }
        if candidates.is_empty() {
            // Not Tanka's "found no matching environments; run 'tk env list …'": there is
            // nothing to list, the directory is no environment at all.
            return Err(crate::env::EnvError::NotAnEnvironment {
                base: paths.base.clone(),
                entrypoint: paths.entrypoint.clone(),
            }
            .into());
        }
        let display = path.display().to_string();
        let (mut data_path, env) =
            crate::env::select_inline(candidates, options.name.as_deref(), &display)?;
        data_path.push(PathSegment::Field("data".to_string()));
        Ok(Self {
            opened_as: (path.to_path_buf(), options.clone()),
            paths,
            env,
            evaluator,
            data_path,
        })
    }

    /// How to open this environment again with a fresh evaluator, e.g. on another thread (a
    /// renderer cannot cross threads; the returned value can).
    pub fn reopener(&self) -> Reopener {
        Reopener {
            path: self.opened_as.0.clone(),
            options: self.opened_as.1.clone(),
        }
    }

    /// The same environment opened again with `path` read as `code` (on top of the
    /// substitutions it was opened with).
    pub fn with_substitute(&self, path: &Path, code: &str) -> Result<Renderer> {
        let (opened, mut options) = self.opened_as.clone();
        options
            .substitutes
            .push((path.to_path_buf(), code.to_string()));
        Renderer::open(&opened, &options)
    }

    /// Every file the evaluations so far read from disk (imports of every kind), with its first
    /// line, in the order they were first read.
    pub fn loaded_files(&self) -> Vec<(std::path::PathBuf, String)> {
        self.evaluator.loaded_files()
    }

    /// Where the environment lives.
    pub fn paths(&self) -> &ProjectPaths {
        &self.paths
    }

    /// The environment (from `spec.json`, or the selected inline `Environment` object).
    pub fn environment(&self) -> &Environment {
        &self.env
    }

    /// Evaluate the environment's data (what Tanka extracts manifests from), with `overlay`
    /// applied on top (`<data> + <overlay>`).
    pub fn evaluate(&self, overlay: Option<&Overlay>) -> Result<Value> {
        Ok(self.evaluator.evaluate(&self.data_path, overlay)?)
    }

    /// Evaluate the Jsonnet expression `expr` with `value` bound to the environment's data (its
    /// hidden fields such as `_config` included), and return the result as JSON.
    pub fn evaluate_expr(&self, expr: &str) -> Result<Value> {
        Ok(self.evaluator.evaluate_expr(&self.data_path, expr)?)
    }

    /// Render the manifests as `tk show` would, with `overlay` applied on top of the data.
    pub fn render(&self, overlay: Option<&Overlay>) -> Result<Vec<Manifest>> {
        let data = self.evaluate(overlay)?;
        let manifests = manifest::process_owned(data, &self.env)?;
        if self.paths.is_static() && manifests.iter().any(|m| m.kind() == "Environment") {
            return Err(EnvError::static_and_inline().into());
        }
        Ok(manifests)
    }
}
