//! Running tasks in parallel with a time limit per task.
//!
//! An environment can take for ever: an import of a FIFO that nobody writes, a Jsonnet loop
//! that does not end. Jsonnet evaluation cannot be interrupted, and a thread cannot be killed,
//! so every task runs on a thread of its own and the caller stops *waiting* for it once its time
//! is up: the task is reported as timed out and the thread is abandoned (detached). It may go
//! on using a core and memory until it ends or the process exits (the `tkstep` binary exits
//! right after the run); its result, if it ever comes, is dropped. An abandoned task no longer
//! counts against `jobs`, so the run moves on at full width.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Stack size of the worker threads: as much as a main thread gets on Linux, so that
/// environments run as deep on a worker as they do on their own (the evaluator grows its own
/// stack beyond that as needed).
pub(super) const WORKER_STACK: usize = 8 * 1024 * 1024;

/// How a task ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome<T> {
    /// It finished in time with this result.
    Done(T),
    /// It was still running when its time was up (after this long).
    TimedOut(Duration),
    /// It panicked (a bug): the panic's message.
    Panicked(String),
}

/// `f` over `items`, at most `jobs` at once (`None`: one per core), each on its own thread
/// and given at most `limit` (`None`: no limit); outcomes in input order. `done` is called on
/// the calling thread as each outcome arrives (for progress reports).
pub(crate) fn map_bounded<I, T, F>(
    items: &[I],
    jobs: Option<usize>,
    limit: Option<Duration>,
    f: F,
    mut done: impl FnMut(&Outcome<T>, &I),
) -> Vec<Outcome<T>>
where
    I: Clone + Send + 'static,
    T: Send + 'static,
    F: Fn(&I) -> T + Send + Sync + 'static,
{
    let jobs = jobs
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1);
    let f = Arc::new(f);
    let (tx, rx) = mpsc::channel::<(usize, Outcome<T>)>();
    let mut outcomes: Vec<Option<Outcome<T>>> = items.iter().map(|_| None).collect();
    // Started and not yet finished nor abandoned: (index, start time).
    let mut running: Vec<(usize, Instant)> = Vec::new();
    let mut next = 0;
    let mut left = items.len();
    while left > 0 {
        while running.len() < jobs && next < items.len() {
            let i = next;
            next += 1;
            let (item, task, tx) = (items[i].clone(), Arc::clone(&f), tx.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("tkstep-task-{i}"))
                .stack_size(WORKER_STACK)
                .spawn(move || {
                    let outcome = match catch_unwind(AssertUnwindSafe(|| task(&item))) {
                        Ok(value) => Outcome::Done(value),
                        Err(panic) => Outcome::Panicked(panic_message(panic.as_ref())),
                    };
                    // The receiver is gone when the task was abandoned: nothing to do.
                    let _ = tx.send((i, outcome));
                });
            if spawned.is_ok() {
                running.push((i, Instant::now()));
            } else {
                // No thread to be had (resource limits): run it here, without a time limit.
                let outcome = match catch_unwind(AssertUnwindSafe(|| f(&items[i]))) {
                    Ok(value) => Outcome::Done(value),
                    Err(panic) => Outcome::Panicked(panic_message(panic.as_ref())),
                };
                done(&outcome, &items[i]);
                outcomes[i] = Some(outcome);
                left -= 1;
            }
        }
        if running.is_empty() {
            continue;
        }
        let received = match limit {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(limit) => {
                let first_deadline = running.iter().map(|(_, start)| *start + limit).min();
                let wait =
                    first_deadline.map_or(limit, |d| d.saturating_duration_since(Instant::now()));
                rx.recv_timeout(wait)
            }
        };
        match received {
            Ok((i, outcome)) => {
                running.retain(|(j, _)| *j != i);
                if outcomes[i].is_none() {
                    done(&outcome, &items[i]);
                    outcomes[i] = Some(outcome);
                    left -= 1;
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let Some(limit) = limit else { continue };
                let now = Instant::now();
                let (expired, still): (Vec<_>, Vec<_>) = running
                    .into_iter()
                    .partition(|(_, start)| now.duration_since(*start) >= limit);
                running = still;
                for (i, _) in expired {
                    let outcome = Outcome::TimedOut(limit);
                    done(&outcome, &items[i]);
                    outcomes[i] = Some(outcome);
                    left -= 1;
                }
            }
            // Cannot happen while `tx` lives here; never wait for ever all the same.
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::TimedOut(Duration::ZERO)))
        .collect()
}

/// The text of a panic's payload (`panic!("…")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order() {
        let items: Vec<u64> = (0..20).collect();
        let out = map_bounded(&items, Some(3), None, |i| i * 2, |_, _| {});
        let want: Vec<Outcome<u64>> = (0..20).map(|i| Outcome::Done(i * 2)).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn a_task_over_its_time_is_abandoned_and_the_others_finish() {
        let items: Vec<u64> = vec![0, 1, 2, 3];
        let start = Instant::now();
        let mut seen = 0;
        let out = map_bounded(
            &items,
            Some(2),
            Some(Duration::from_millis(300)),
            |&i| {
                if i == 1 {
                    // Stands for an evaluation that never ends.
                    std::thread::sleep(Duration::from_secs(3600));
                }
                i
            },
            |_, _| seen += 1,
        );
        assert_eq!(seen, 4);
        assert_eq!(out[0], Outcome::Done(0));
        assert_eq!(out[1], Outcome::TimedOut(Duration::from_millis(300)));
        assert_eq!(out[2..], [Outcome::Done(2), Outcome::Done(3)]);
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
