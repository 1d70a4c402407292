//! Sending the rows of a bulk run: worker threads (one client session each) take rows from a
//! bounded queue, every attempt waits for the shared rate limiter, and one writer records each
//! finished row in the results file and moves the progress bar. Ctrl-C stops the queue; the rows
//! in flight finish and are recorded.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use connect_core::input::rows::{RowError, Rows};
use connect_core::model::Service;
use connect_core::wire::client::{AttemptGate, GATE_CLOSED, SendError, Session, Settings, is_throttling};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::limiter::Limiter;
use super::results::{self, Outcome, Writer};
use super::{Common, Prepared, prepare};
use crate::error::CliError;

/// How many more times a row whose retries all were throttled is sent.
const THROTTLED_AGAIN: u32 = 5;

/// Everything a bulk run's sending needs.
pub struct Plan<'a> {
    pub common: &'a Common<'a>,
    pub rows: &'a dyn Fn() -> Result<Rows<std::fs::File>, Vec<RowError>>,
    pub done: &'a results::Done,
    pub results: &'a Path,
    pub settings: &'a Settings,
    pub service: &'static Service,
    pub concurrency: usize,
    /// Requests per second (`None`: no limit) and burst.
    pub rate: Option<f64>,
    pub burst: u32,
    /// Rows to send (for the progress bar).
    pub pending: u64,
    pub progress: bool,
}

/// How the sending went.
pub struct Sent {
    pub ok: u64,
    pub failed: u64,
    pub interrupted: bool,
}

/// A finished row, from a worker to the writer, which answers on `recorded` once the row is in
/// the results file: a worker takes its next row only then, so that a kill at any moment leaves
/// at most one applied but unrecorded row per worker (the rows in flight).
struct Finished {
    row: u64,
    hash: String,
    outcome: Option<Outcome>,
    recorded: SyncSender<()>,
}

/// Sends every row that is not done yet.
pub fn send_all(plan: Plan<'_>) -> Result<Sent, CliError> {
    let op = plan.common.op;
    let stop = crate::interrupt::flag_on_interrupt();
    let limiter: Arc<dyn AttemptGate> = Arc::new(Limiter::new(plan.rate, plan.burst, stop));
    // The sessions are opened first: a configuration problem stops the run before any row.
    let sessions = (0..plan.concurrency.max(1))
        .map(|_| Session::open(plan.service, op, plan.settings, Some(limiter.clone())).map_err(CliError::from))
        .collect::<Result<Vec<_>, CliError>>()?;
    let mut writer = Writer::open(plan.results)
        .map_err(|e| CliError::Other(format!("cannot write the results file {}: {e}", plan.results.display())))?;
    let bar = progress_bar(plan.progress, plan.pending);
    let (jobs_tx, jobs_rx) = sync_channel::<Prepared>(sessions.len());
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Finished>();
    let has_output = op.output().is_some();

    let result = std::thread::scope(|scope| {
        for session in sessions {
            let jobs = jobs_rx.clone();
            let done = done_tx.clone();
            scope.spawn(move || work(&session, &jobs, &done, stop, has_output));
        }
        drop(done_tx);
        let writing = scope.spawn(|| write_all(&mut writer, done_rx, &bar, stop));
        let produced = produce(&plan, &jobs_tx, stop);
        drop(jobs_tx);
        let written = writing.join().unwrap_or_else(|_| Err(CliError::Other("the results writer failed".into())));
        produced.and(written)
    });
    bar.finish_and_clear();
    let (ok, failed) = result?;
    Ok(Sent { ok, failed, interrupted: stop.load(Ordering::SeqCst) })
}

/// Reads the rows again and queues those not done yet, until the end or a stop.
fn produce(plan: &Plan<'_>, jobs: &std::sync::mpsc::SyncSender<Prepared>, stop: &AtomicBool) -> Result<(), CliError> {
    let rows = (plan.rows)().map_err(|e| CliError::Other(e.iter().map(ToString::to_string).collect()))?;
    for row in rows {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        // The file was validated; a row that changed since is an error.
        let p = row.and_then(|row| prepare(plan.common, row)).map_err(|e| {
            stop.store(true, Ordering::SeqCst);
            CliError::Other(format!(
                "the rows changed while they were sent: {}",
                e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ))
        })?;
        if plan.done.is_done(p.number, &p.hash) {
            continue;
        }
        if jobs.send(p).is_err() {
            break;
        }
    }
    Ok(())
}

/// A worker: sends queued rows one at a time until the queue ends; after a stop, takes the rest
/// of the queue without sending it.
fn work(
    session: &Session<'_>,
    jobs: &Mutex<Receiver<Prepared>>,
    done: &Sender<Finished>,
    stop: &AtomicBool,
    has_output: bool,
) {
    let (recorded, wait_recorded) = sync_channel::<()>(1);
    loop {
        let job = match jobs.lock().unwrap_or_else(|e| e.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        if stop.load(Ordering::SeqCst) {
            continue;
        }
        // A row still throttled after its retries goes again (through the limiter, which has
        // slowed down meanwhile), a few times, before it counts as failed.
        let mut again = THROTTLED_AGAIN;
        let sent = loop {
            match session.send(job.input.clone(), job.paging.as_ref()) {
                Err(SendError::Service { error, .. })
                    if again > 0 && is_throttling(error.status, &error.code) && !stop.load(Ordering::SeqCst) =>
                {
                    again -= 1;
                }
                other => break other,
            }
        };
        let outcome = match sent {
            Ok(response) => Some(Outcome::Ok(has_output.then_some(response))),
            Err(e) => failure(e, stop),
        };
        let finished = Finished { row: job.number, hash: job.hash, outcome, recorded: recorded.clone() };
        if done.send(finished).is_err() || wait_recorded.recv().is_err() {
            return;
        }
    }
}

/// How a row that failed is recorded; `None` for a row stopped before it was sent.
fn failure(e: SendError, stop: &AtomicBool) -> Option<Outcome> {
    let (code, message) = match e {
        SendError::Service { error, .. } => (error.code, error.message),
        SendError::Other(m) if stop.load(Ordering::SeqCst) && m.contains(GATE_CLOSED) => return None,
        e @ (SendError::Connect { .. }
        | SendError::ConnectTimeout { .. }
        | SendError::ReadTimeout { .. }
        | SendError::Closed { .. }
        | SendError::Proxy { .. }
        | SendError::Ssl { .. }) => ("ConnectionError".to_owned(), e.to_string()),
        SendError::Malformed { .. } => ("MalformedResponse".to_owned(), e.to_string()),
        e => ("ClientError".to_owned(), e.to_string()),
    };
    Some(Outcome::Error { code, message })
}

/// Tells a worker, when dropped, that the writer is done with its row.
struct Answer(SyncSender<()>);

impl Drop for Answer {
    fn drop(&mut self) {
        let _ = self.0.try_send(());
    }
}

/// The writer: records each finished row as it comes; on a write error, stops the run.
fn write_all(
    writer: &mut Writer,
    finished: Receiver<Finished>,
    bar: &ProgressBar,
    stop: &AtomicBool,
) -> Result<(u64, u64), CliError> {
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut error = None;
    for f in finished {
        // Answered when this turn ends, written or not (dropping the sender would end the worker).
        let _answer = Answer(f.recorded);
        let Some(outcome) = f.outcome else { continue };
        match &outcome {
            Outcome::Ok(_) => ok += 1,
            Outcome::Error { .. } => failed += 1,
        }
        if error.is_none() {
            if let Err(e) = writer.write(f.row, &f.hash, &outcome) {
                stop.store(true, Ordering::SeqCst);
                error =
                    Some(CliError::Other(format!("cannot write the results file {}: {e}", writer.path().display())));
            }
        }
        bar.set_message(format!("{failed} failed"));
        bar.inc(1);
    }
    if let Err(e) = writer.sync() {
        error.get_or_insert(CliError::Other(format!("cannot write the results file {}: {e}", writer.path().display())));
    }
    match error {
        Some(e) => Err(e),
        None => Ok((ok, failed)),
    }
}

/// The progress bar on stderr (hidden when not wanted).
fn progress_bar(shown: bool, len: u64) -> ProgressBar {
    if !shown {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} rows, {msg}, {per_sec}, ETA {eta}") {
        bar.set_style(style);
    }
    bar.set_message("0 failed");
    bar
}
