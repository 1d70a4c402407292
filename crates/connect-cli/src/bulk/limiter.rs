//! The one client-side rate limiter every request of a bulk run goes through (each attempt,
//! retries too): governor's GCRA at `--rate`/`--burst`, slowed down when the service throttles
//! and sped back up as attempts succeed, as the AWS SDKs' adaptive retry mode does.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connect_core::wire::client::{AttemptGate, AttemptOutcome};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// How much a throttling answer multiplies the rate by (the adaptive mode's beta).
const BACK_OFF: f64 = 0.7;
/// How much of the configured rate each success adds back, once slowed down.
const RECOVER_STEP: f64 = 0.1;
/// The slowest the limiter goes, as a share of the configured rate.
const FLOOR: f64 = 0.05;
/// The share of the rate the limiter paces at: a service's bucket counts from when a request
/// arrives, a little after it is sent, so a request sent exactly on the boundary finds a bucket
/// a hair short of a token and is throttled. Pacing 2% below the rate keeps off the boundary.
const MARGIN: f64 = 0.98;
/// How long one wait lasts at most before the stop flag is looked at again.
const POLL: Duration = Duration::from_millis(50);

struct State {
    /// Requests per second now.
    rate: f64,
    limiter: Arc<DefaultDirectRateLimiter>,
}

/// `--rate R --burst B`, adaptive; `None` rate: no limit.
pub struct Limiter {
    max_rate: f64,
    state: Option<Mutex<State>>,
    clock: DefaultClock,
    stop: &'static AtomicBool,
}

fn governor(rate: f64, burst: u32) -> Arc<DefaultDirectRateLimiter> {
    let period = Duration::from_secs_f64(1.0 / (rate * MARGIN));
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
    Arc::new(RateLimiter::direct(quota))
}

impl Limiter {
    /// A limiter of `rate` requests per second with bursts of `burst` (`None`: unlimited); an
    /// attempt waiting for its turn gives up when `stop` is set.
    pub fn new(rate: Option<f64>, burst: u32, stop: &'static AtomicBool) -> Limiter {
        let state = rate.map(|rate| Mutex::new(State { rate, limiter: governor(rate, burst) }));
        Limiter { max_rate: rate.unwrap_or(0.0), state, clock: DefaultClock::default(), stop }
    }

    /// The rate now (requests per second), `None` when unlimited.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.state.as_ref().map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).rate)
    }

    fn set_rate(&self, change: impl FnOnce(f64) -> f64) {
        let Some(state) = &self.state else { return };
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let rate = change(state.rate).clamp(self.max_rate * FLOOR, self.max_rate);
        if (rate - state.rate).abs() > f64::EPSILON {
            state.rate = rate;
            // After a change the burst is one and the bucket starts empty, as the service's
            // is: the next attempt waits a whole period at the new rate. (A new limiter is
            // full: without taking its one token, every change would let an attempt through at
            // once, and throttling answers would bring on more of them.)
            let limiter = governor(rate, 1);
            let _ = limiter.check();
            state.limiter = limiter;
        }
    }
}

impl AttemptGate for Limiter {
    /// Waits for a turn (at once when unlimited); `false` when told to stop.
    fn before_attempt(&self) -> bool {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let Some(state) = &self.state else { return true };
            let limiter = state.lock().unwrap_or_else(|e| e.into_inner()).limiter.clone();
            match limiter.check() {
                Ok(()) => return true,
                Err(not_until) => std::thread::sleep(not_until.wait_time_from(self.clock.now()).min(POLL)),
            }
        }
    }

    fn after_attempt(&self, outcome: AttemptOutcome) {
        match outcome {
            AttemptOutcome::Throttled => self.set_rate(|rate| rate * BACK_OFF),
            AttemptOutcome::Succeeded => self.set_rate(|rate| rate + self.max_rate * RECOVER_STEP),
            AttemptOutcome::Failed => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NEVER: AtomicBool = AtomicBool::new(false);

    #[test]
    fn throttling_slows_down_and_successes_recover() {
        let l = Limiter::new(Some(10.0), 5, &NEVER);
        assert_eq!(l.rate(), Some(10.0));
        l.after_attempt(AttemptOutcome::Throttled);
        assert_eq!(l.rate(), Some(7.0));
        l.after_attempt(AttemptOutcome::Throttled);
        assert!((l.rate().unwrap() - 4.9).abs() < 1e-9);
        l.after_attempt(AttemptOutcome::Failed);
        assert!((l.rate().unwrap() - 4.9).abs() < 1e-9);
        for _ in 0..3 {
            l.after_attempt(AttemptOutcome::Succeeded);
        }
        assert!((l.rate().unwrap() - 7.9).abs() < 1e-9);
        for _ in 0..10 {
            l.after_attempt(AttemptOutcome::Succeeded);
        }
        assert_eq!(l.rate(), Some(10.0));
        for _ in 0..100 {
            l.after_attempt(AttemptOutcome::Throttled);
        }
        assert_eq!(l.rate(), Some(0.5));
        assert_eq!(Limiter::new(None, 5, &NEVER).rate(), None);
    }

    /// After a change of rate the bucket is empty: no attempt goes through at once.
    #[test]
    fn a_change_of_rate_starts_from_an_empty_bucket() {
        let l = Limiter::new(Some(100.0), 5, &NEVER);
        let first = l.state.as_ref().unwrap().lock().unwrap().limiter.clone();
        assert!(first.check().is_ok(), "a new run starts with its burst");
        l.after_attempt(AttemptOutcome::Throttled);
        let changed = l.state.as_ref().unwrap().lock().unwrap().limiter.clone();
        assert!(changed.check().is_err(), "a throttled run waits a period before the next attempt");
    }
}
