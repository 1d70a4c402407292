//! One request through the emulator, as the service handles it: signature, routing, injected
//! faults, quotas, input decoding and validation, then the stateful behaviour or a generated
//! output; and the request log.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use connect_core::generated::SERVICE;
use connect_core::input::validate::{ProblemKind, validate};
use connect_core::model::Operation;
use connect_core::wire::rest_json::redact;
use serde_json::{Map, Value, json};

use crate::auth;
use crate::cli::Options;
use crate::output::{self, Answer, Context, generate, op_error};
use crate::resources::{self, Action};
use crate::route::{Router, input_document};
use crate::state::{Persistence, StateError, Store};
use crate::throttle::Limiter;

/// A small deterministic generator (splitmix64) for faults and ids.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A share in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A UUID-shaped id, the `n`th of a seed.
fn id(seed: u64, n: u64) -> String {
    let mut r = Rng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ n);
    let (a, b) = (r.next(), r.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

struct Inner {
    store: Store,
    /// The journal of `--state`, when given.
    persistence: Option<Persistence>,
    limiter: Limiter,
    faults: Rng,
}

/// The emulator: options, routes, state.
pub struct Emulator {
    options: Options,
    router: Router,
    stateful: HashMap<&'static str, (Action, usize)>,
    inner: Mutex<Inner>,
    log: Option<Mutex<File>>,
}

/// A request as it arrived.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// Path and query, as sent.
    pub target: &'a str,
    /// Lowercase names, in order.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Emulator {
    pub fn new(options: Options, store: Store, persistence: Option<Persistence>, log: Option<File>) -> Emulator {
        let inner =
            Inner { store, persistence, limiter: Limiter::new(options.throttle), faults: Rng::new(options.seed) };
        Emulator {
            router: Router::new(&SERVICE.operations().collect::<Vec<_>>()),
            stateful: resources::classify(&SERVICE.operations().collect::<Vec<_>>()),
            inner: Mutex::new(inner),
            log: log.map(Mutex::new),
            options,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes the whole state to the `--state` file, if any, and empties its journal.
    pub fn save(&self) -> Result<(), StateError> {
        let mut inner = self.lock();
        let Inner { store, persistence, .. } = &mut *inner;
        match persistence {
            Some(p) => p.snapshot(store),
            None => Ok(()),
        }
    }

    /// Answers one request and logs it.
    pub fn handle(&self, req: &Incoming<'_>) -> Answer {
        let mut operation = None;
        let mut logged_input = None;
        let answer = self.answer(req, &mut operation, &mut logged_input);
        self.log_line(req, operation, logged_input, &answer);
        answer
    }

    fn answer(
        &self,
        req: &Incoming<'_>,
        operation: &mut Option<&'static Operation>,
        logged: &mut Option<Value>,
    ) -> Answer {
        let (path, query) = match req.target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (req.target, None),
        };
        let caller = match auth::verify(
            &self.options.keys,
            SERVICE.signing_name(),
            req.method,
            req.target,
            req.headers,
            req.body,
        ) {
            Ok(caller) => caller,
            Err(denied) => return output::error(403, denied.code, &denied.message),
        };
        let Some((op, labels)) = self.router.find(req.method, path) else {
            return output::error(
                404,
                "UnknownOperationException",
                &format!("No operation matches {} {path}", req.method),
            );
        };
        *operation = Some(op);
        let mut inner = self.lock();
        let inner = &mut *inner;
        if self.options.fail_rate > 0.0 && inner.faults.unit() < self.options.fail_rate {
            return op_error(op, output::FAULT, 500, "An injected service fault (--fail-rate).");
        }
        if !inner.limiter.admit(&caller.account, &caller.region, op.name(), Instant::now()) {
            return op_error(op, output::THROTTLED, 429, "Rate exceeded");
        }
        let input = match input_document(op, &labels, query, req.headers, req.body) {
            Ok(input) => input,
            Err(e) => return output::error(400, "SerializationException", &e.0),
        };
        let input_value = Value::Object(input.clone());
        if let Some(shape) = op.input() {
            *logged = Some(redact(shape, &input_value));
            if let Err(errors) = validate(&input_value, shape) {
                let problems: Vec<&str> = errors
                    .problems()
                    .iter()
                    .filter(|p| p.kind != ProblemKind::UnknownParameter)
                    .map(|p| p.message.as_str())
                    .collect();
                if !problems.is_empty() {
                    return op_error(op, output::INVALID_INPUT, 400, &problems.join("; "));
                }
            }
            if let Some(mismatch) = crate::patterns::first_mismatch(shape, &input_value) {
                return op_error(op, output::INVALID_INPUT, 400, &mismatch.message());
            }
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let seed = self.options.seed;
        let scope_key = crate::state::scope_key(&caller.account, &caller.region);
        let stateful = self.stateful.get(op.name()).copied();
        // An instance-scoped operation names an instance, and perhaps users, profiles and groups
        // of it, that must exist (the stateful ones check it themselves, with the instance as the
        // resource for instance operations).
        if stateful.is_none() && input.contains_key("InstanceId") {
            let id = resources::instance_id(&input);
            let scope = inner.store.scopes.get(&scope_key);
            let Some(scope) = scope.filter(|s| s.find(resources::INSTANCE, None, id).is_some()) else {
                return op_error(op, output::NOT_FOUND, 404, &format!("Instance not found: {id}"));
            };
            if let Err(answer) = resources::check_named(op, &input, scope) {
                return answer;
            }
        }
        // A request that repeats an idempotency token gets the first one's answer.
        let token = op
            .input()
            .and_then(|s| s.members().iter().find(|m| m.idempotency_token()))
            .and_then(|m| input.get(m.name()))
            .and_then(Value::as_str)
            .filter(|_| stateful.is_some())
            .map(|t| format!("{scope_key}|{}|{t}", op.name()));
        let mut plain = input.clone();
        if let Some(m) = op.input().and_then(|s| s.members().iter().find(|m| m.idempotency_token())) {
            plain.remove(m.name());
        }
        if let Some(first) = token.as_ref().and_then(|t| inner.store.tokens.get(t)) {
            if first["input"] != Value::Object(plain.clone()) && op.errors().any(|e| e.name() == "IdempotencyException")
            {
                return op_error(
                    op,
                    &["IdempotencyException"],
                    409,
                    "The client token was used with other parameters.",
                );
            }
            let doc = first["output"].as_object().cloned().unwrap_or_default();
            return output::success(op, doc);
        }
        let Inner { store, persistence, .. } = inner;
        let Store { scopes, issued, .. } = store;
        let mut ids = || {
            *issued += 1;
            id(seed, *issued)
        };
        let mut cx = Context { account: &caller.account, region: &caller.region, now, ids: &mut ids };
        let result = match stateful {
            Some((action, kind)) => {
                let scope = scopes.entry(scope_key.clone()).or_default();
                resources::run(action, resources::spec(kind), op, &input, scope, &mut cx)
            }
            None => {
                let mut doc = match op.output().map(|shape| generate(shape, "", &mut cx, 0)) {
                    Some(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                // A made-up answer is the only page: no next token, so that paging ends.
                if let Some(token) = op.paginated().and_then(|p| p.output_token) {
                    doc.remove(token);
                }
                Ok((doc, false))
            }
        };
        match result {
            Ok((doc, _)) => {
                let remembered = token.map(|t| (t, json!({"input": plain, "output": doc})));
                if let Some((t, v)) = &remembered {
                    store.tokens.insert(t.clone(), v.clone());
                }
                if let Some(p) = persistence {
                    if let Err(e) = p.record(store, &scope_key, remembered) {
                        eprintln!("connect-emulator: {e}");
                        return op_error(op, output::FAULT, 500, "The emulator could not save its state.");
                    }
                }
                output::success(op, doc)
            }
            Err(answer) => answer,
        }
    }

    fn log_line(&self, req: &Incoming<'_>, op: Option<&'static Operation>, input: Option<Value>, answer: &Answer) {
        let Some(log) = &self.log else { return };
        let headers: Vec<Value> = req
            .headers
            .iter()
            .map(|(n, v)| {
                let v = match n.as_str() {
                    "authorization" => auth::redact_authorization(v),
                    "x-amz-security-token" => "REDACTED".to_owned(),
                    _ => v.clone(),
                };
                json!([n, v])
            })
            .collect();
        // The body as JSON, its `@sensitive` members redacted as in `input`; a body that is not
        // the JSON of a known operation is left out (it could hold anything).
        let body = op
            .and_then(Operation::input)
            .zip(serde_json::from_slice::<Value>(req.body).ok())
            .map(|(shape, doc)| redact(shape, &doc));
        let time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        let line = json!({
            "time": time,
            "method": req.method,
            "target": req.target,
            "headers": headers,
            "body": body,
            "body_bytes": req.body.len(),
            "input": input,
            "operation": op.map(|o| o.name()),
            "status": answer.status,
            "outcome": answer.error.as_deref().unwrap_or("ok"),
        });
        let mut file = log.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(file, "{line}");
        let _ = file.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_distinct_and_reproducible() {
        let a = id(1, 1);
        assert_eq!(a.len(), 36);
        assert_eq!(a.split('-').map(str::len).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert_ne!(a, id(1, 2));
        assert_eq!(a, id(1, 1));
        let mut r = Rng::new(3);
        assert!((0..1000).map(|_| r.unit()).all(|u| (0.0..1.0).contains(&u)));
    }
}
