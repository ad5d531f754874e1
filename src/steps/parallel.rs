//! Rendering a plan's states on several evaluator threads.
//!
//! A jrsonnet evaluator cannot cross threads, so each extra thread opens the environment itself
//! (its libraries are parsed and evaluated once there) and then renders states taken from one
//! queue. The threads start before the plan is adapted: while this thread adapts the plan, they
//! open the environment and the first one renders the state before any step.
//!
//! Plain scoped threads rather than a rayon pool: each thread owns one evaluator for the whole
//! run and must tear down its Jsonnet objects when it ends (see [`RunSettings::leak_at_exit`]);
//! a pool thread would outlive the run, and rayon's work stealing would let a thread waiting
//! for one run's renders start rendering another environment in the meantime, holding both in
//! memory.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::Result;
use crate::eval::Overlay;
use crate::manifest::Manifest;
use crate::render::Renderer;

/// How a plan run uses threads (see [`crate::steps::PlanRun::with_settings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunSettings {
    /// Evaluator threads, the calling thread included (default: one per core).
    pub threads: NonZeroUsize,
    /// Whether the extra threads leave their Jsonnet objects to the operating system when
    /// they end instead of collecting them (default: `false`). Only for a process that exits
    /// right after the run (the `tkstep` binary, rendering one environment): collecting costs
    /// ~15% of a whole-plan run, but a long-running host that leaks grows with every run.
    pub leak_at_exit: bool,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
            leak_at_exit: false,
        }
    }
}

impl RunSettings {
    /// Use `threads` evaluator threads (the calling thread included; 0 counts as 1).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = NonZeroUsize::new(threads).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Leave the extra threads' Jsonnet objects to the operating system (see
    /// [`RunSettings::leak_at_exit`]).
    pub fn leak_at_exit(mut self, leak: bool) -> Self {
        self.leak_at_exit = leak;
        self
    }
}

/// What [`render`] gives back: the environment as it is (when asked for), and each job's
/// render by job index.
pub(super) struct Rendered {
    pub before: Option<Result<Vec<Manifest>>>,
    pub jobs: Vec<Result<Vec<Manifest>>>,
}

/// Render the environment as it is (when `as_is`) and the overlays `prepare` returns (by
/// index), on `settings.threads` threads. `prepare` runs on this thread while the others open
/// the environment; what it returns besides the overlays is handed back with the renders.
///
/// If an extra thread cannot open the environment, the others (this one at least) render
/// what it would have.
pub(super) fn render<T>(
    renderer: &Renderer,
    settings: &RunSettings,
    as_is: bool,
    prepare: impl FnOnce() -> Result<(T, Vec<Overlay>)>,
) -> Result<(T, Rendered)> {
    let extra = settings.threads.get() - 1;
    let reopener = renderer.reopener();
    let (job_tx, job_rx) = mpsc::channel::<(usize, Overlay)>();
    let job_rx = Mutex::new(job_rx);
    // Index `None`: the state before any step.
    let (done_tx, done_rx) = mpsc::channel::<(Option<usize>, Result<Vec<Manifest>>)>();
    let prepared = std::thread::scope(|scope| -> Result<(T, usize)> {
        for w in 0..extra {
            let (job_rx, done_tx, reopener) = (&job_rx, done_tx.clone(), &reopener);
            scope.spawn(move || {
                let Ok(own) = reopener.open() else {
                    return;
                };
                if w == 0 && as_is {
                    // The receiver lives until the scope ends: sending cannot fail.
                    let _ = done_tx.send((None, own.render(None)));
                }
                take_jobs(&own, job_rx, &done_tx);
                if settings.leak_at_exit {
                    std::mem::forget(own);
                    crate::eval::leak_thread_objects();
                }
            });
        }
        // Dropped on every path out of this closure (errors and panics included), which
        // closes the queue: the threads end once it is empty.
        let job_tx = job_tx;
        let (kept, overlays) = prepare()?;
        let count = overlays.len();
        for job in overlays.into_iter().enumerate() {
            let _ = job_tx.send(job);
        }
        drop(job_tx);
        take_jobs(renderer, &job_rx, &done_tx);
        Ok((kept, count))
    });
    drop(done_tx);
    let (kept, count) = match prepared {
        Ok(prepared) => prepared,
        // When the environment itself does not render, that is the error, not the step whose
        // adaptation happened to render it first.
        Err(e) => {
            let before = done_rx
                .try_iter()
                .find_map(|(i, r)| i.is_none().then_some(r));
            return Err(match before {
                Some(Err(before)) => before,
                Some(Ok(_)) => e,
                None => renderer.render(None).err().unwrap_or(e),
            });
        }
    };
    let mut before = None;
    let mut jobs: Vec<Option<Result<Vec<Manifest>>>> = (0..count).map(|_| None).collect();
    for (index, result) in done_rx.try_iter() {
        match index {
            None => before = Some(result),
            Some(i) => jobs[i] = Some(result),
        }
    }
    // Unless an extra thread rendered it (none started, or the first failed to open).
    let before = as_is.then(|| before.unwrap_or_else(|| renderer.render(None)));
    let jobs = jobs
        .into_iter()
        .map(|r| r.expect("this thread takes every job left"))
        .collect();
    Ok((kept, Rendered { before, jobs }))
}

/// Render jobs from `queue` until it is closed and empty.
fn take_jobs(
    renderer: &Renderer,
    queue: &Mutex<Receiver<(usize, Overlay)>>,
    done: &Sender<(Option<usize>, Result<Vec<Manifest>>)>,
) {
    loop {
        let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((i, overlay)) = job else {
            break;
        };
        let _ = done.send((Some(i), renderer.render(Some(&overlay))));
    }
}
