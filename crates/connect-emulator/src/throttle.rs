//! API quotas as Connect documents them: a token bucket per account, region and operation, with
//! the rate and burst generated from `models/quotas.json` (by default 2 requests per second with a
//! burst of 5).

use std::collections::HashMap;
use std::time::Instant;

use connect_core::generated::quotas::documented_quota;

use crate::cli::Throttle;

/// The quota of an operation under a throttle mode, as (rate, burst); `None` when not throttled.
pub fn quota(mode: Throttle, operation: &str) -> Option<(f64, f64)> {
    match mode {
        Throttle::Off => None,
        Throttle::Fixed { rate, burst } => Some((rate, burst)),
        Throttle::Documented => {
            let q = documented_quota(operation);
            Some((q.rate, q.burst))
        }
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every account, region and operation seen.
pub struct Limiter {
    mode: Throttle,
    buckets: HashMap<(String, String, &'static str), Bucket>,
}

impl Limiter {
    pub fn new(mode: Throttle) -> Limiter {
        Limiter { mode, buckets: HashMap::new() }
    }

    /// Takes a token for a request at `now`; `false` when the quota is used up.
    pub fn admit(&mut self, account: &str, region: &str, operation: &'static str, now: Instant) -> bool {
        let Some((rate, burst)) = quota(self.mode, operation) else { return true };
        let bucket = self
            .buckets
            .entry((account.to_owned(), region.to_owned(), operation))
            .or_insert(Bucket { tokens: burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_rate_per_scope() {
        let mut l = Limiter::new(Throttle::Documented);
        let t = Instant::now();
        let admitted = (0..10).filter(|_| l.admit("a", "r", "CreateUser", t)).count();
        assert_eq!(admitted, 5);
        // Another operation, account or region has its own bucket.
        assert!(l.admit("a", "r", "DescribeUser", t));
        assert!(l.admit("b", "r", "CreateUser", t));
        assert!(l.admit("a", "s", "CreateUser", t));
        // Half a second later one more token (2 per second).
        assert!(l.admit("a", "r", "CreateUser", t + Duration::from_millis(500)));
        assert!(!l.admit("a", "r", "CreateUser", t + Duration::from_millis(500)));
        let mut off = Limiter::new(Throttle::Off);
        assert!((0..100).all(|_| off.admit("a", "r", "CreateUser", t)));
        // The documented quotas come from models/quotas.json.
        assert_eq!(quota(Throttle::Documented, "GetMetricData"), Some((5.0, 8.0)));
        assert_eq!(quota(Throttle::Documented, "UpdateUserIdentityInfo"), Some((2.0, 5.0)));
        assert_eq!(quota(Throttle::Fixed { rate: 50.0, burst: 10.0 }, "GetMetricData"), Some((50.0, 10.0)));
    }
}
