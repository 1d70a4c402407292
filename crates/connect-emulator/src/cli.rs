//! The emulator's command line: `connect-emulator [--listen ADDR] [--state FILE] [--throttle …] …`.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The test credentials the project's tests and demo sign with, accepted when no
/// `--credentials` is given.
pub const DEFAULT_ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const DEFAULT_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The account of the default credentials.
pub const DEFAULT_ACCOUNT: &str = "123456789012";

pub const USAGE: &str = "usage: connect-emulator [--listen ADDR] [--state FILE] [--throttle documented|off|RATE/BURST]
                        [--fail-rate P] [--latency MS] [--seed N] [--log FILE]
                        [--credentials AKID:SECRET[:ACCOUNT] ...]

A local Amazon Connect: every operation of the model answers, requests are checked (SigV4, input),
instances, users, routing profiles, security profiles and hierarchy groups are kept, quotas enforced.

  --listen ADDR        address to listen on (default 127.0.0.1:0: a free port)
  --state FILE         keep the state in FILE: loaded at start, each change appended to FILE.journal
                       (synced) before it is answered, FILE rewritten when the journal outgrows it
  --throttle MODE      documented (default: the documented quotas), off, or RATE/BURST for every operation
  --fail-rate P        answer that share (0..1) of requests with a 5xx service error
  --latency MS         delay every answer by MS milliseconds
  --seed N             seed of the fault injection and of generated ids (default 1)
  --log FILE           append one JSON line per request to FILE
  --credentials K:S[:A] accept access key K with secret S, for account A (repeatable; default the test
                       credentials AKIDEXAMPLE for account 123456789012)";

/// How requests are throttled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Throttle {
    Documented,
    Off,
    Fixed { rate: f64, burst: f64 },
}

/// One accepted access key.
#[derive(Debug, Clone)]
pub struct Key {
    pub access_key_id: String,
    pub secret: String,
    pub account: String,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub state: Option<PathBuf>,
    pub throttle: Throttle,
    pub fail_rate: f64,
    pub latency_ms: u64,
    pub seed: u64,
    pub log: Option<PathBuf>,
    pub keys: Vec<Key>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CliError {
    #[error("{0}")]
    Help(&'static str),
    #[error("connect-emulator: {0}\n\n{USAGE}")]
    Bad(String),
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, CliError> {
    let mut o = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        state: None,
        throttle: Throttle::Documented,
        fail_rate: 0.0,
        latency_ms: 0,
        seed: 1,
        log: None,
        keys: Vec::new(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if name == "--help" || name == "-h" {
            return Err(CliError::Help(USAGE));
        }
        let mut value = || -> Result<String, CliError> {
            inline.clone().or_else(|| args.next()).ok_or_else(|| CliError::Bad(format!("{name} needs a value")))
        };
        match name.as_str() {
            "--listen" => {
                let v = value()?;
                o.listen = v.parse().map_err(|_| CliError::Bad(format!("--listen: not an address: {v:?}")))?;
            }
            "--state" => o.state = Some(PathBuf::from(value()?)),
            "--log" => o.log = Some(PathBuf::from(value()?)),
            "--throttle" => o.throttle = parse_throttle(&value()?)?,
            "--fail-rate" => {
                let v = value()?;
                o.fail_rate = v
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=1.0).contains(p))
                    .ok_or_else(|| CliError::Bad(format!("--fail-rate: not a share between 0 and 1: {v:?}")))?;
            }
            "--latency" => {
                let v = value()?;
                o.latency_ms =
                    v.parse().map_err(|_| CliError::Bad(format!("--latency: not a number of milliseconds: {v:?}")))?;
            }
            "--seed" => {
                let v = value()?;
                o.seed = v.parse().map_err(|_| CliError::Bad(format!("--seed: not a number: {v:?}")))?;
            }
            "--credentials" => {
                let v = value()?;
                let parts: Vec<&str> = v.splitn(3, ':').collect();
                let key = match parts[..] {
                    [akid, secret] if !akid.is_empty() && !secret.is_empty() => {
                        Key { access_key_id: akid.to_owned(), secret: secret.to_owned(), account: account_of(akid) }
                    }
                    [akid, secret, account]
                        if !akid.is_empty()
                            && !secret.is_empty()
                            && account.len() == 12
                            && account.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        Key { access_key_id: akid.to_owned(), secret: secret.to_owned(), account: account.to_owned() }
                    }
                    _ => {
                        return Err(CliError::Bad(
                            "--credentials: expected ACCESS_KEY_ID:SECRET or ACCESS_KEY_ID:SECRET:ACCOUNT (12 digits)"
                                .into(),
                        ));
                    }
                };
                o.keys.push(key);
            }
            other => return Err(CliError::Bad(format!("unknown argument {other:?}"))),
        }
    }
    if o.keys.is_empty() {
        o.keys.push(Key {
            access_key_id: DEFAULT_ACCESS_KEY_ID.into(),
            secret: DEFAULT_SECRET_ACCESS_KEY.into(),
            account: DEFAULT_ACCOUNT.into(),
        });
    }
    Ok(o)
}

fn parse_throttle(v: &str) -> Result<Throttle, CliError> {
    match v {
        "documented" => Ok(Throttle::Documented),
        "off" => Ok(Throttle::Off),
        _ => {
            let bad = || CliError::Bad(format!("--throttle: expected documented, off or RATE/BURST: {v:?}"));
            let (rate, burst) = v.split_once('/').ok_or_else(bad)?;
            let rate: f64 = rate.parse().map_err(|_| bad())?;
            let burst: f64 = burst.parse().map_err(|_| bad())?;
            if !(rate > 0.0 && rate.is_finite() && burst >= 1.0 && burst.is_finite()) {
                return Err(bad());
            }
            Ok(Throttle::Fixed { rate, burst })
        }
    }
}

/// A stable 12-digit account number for an access key given without one (the test key's is
/// [`DEFAULT_ACCOUNT`]).
fn account_of(akid: &str) -> String {
    if akid == DEFAULT_ACCESS_KEY_ID {
        return DEFAULT_ACCOUNT.to_owned();
    }
    // FNV-1a, reduced to 12 digits.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in akid.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012}", h % 1_000_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options() {
        let o =
            parse(args(&["--throttle", "50/10", "--fail-rate=0.25", "--credentials", "AK:SK:111122223333"])).unwrap();
        assert_eq!(o.throttle, Throttle::Fixed { rate: 50.0, burst: 10.0 });
        assert_eq!(o.fail_rate, 0.25);
        assert_eq!(o.keys[0].account, "111122223333");
        assert_eq!(parse(args(&[])).unwrap().keys[0].access_key_id, DEFAULT_ACCESS_KEY_ID);
        assert!(matches!(parse(args(&["--throttle", "fast"])), Err(CliError::Bad(_))));
        assert!(matches!(parse(args(&["--fail-rate", "2"])), Err(CliError::Bad(_))));
        assert!(matches!(parse(args(&["--listen"])), Err(CliError::Bad(_))));
        assert_eq!(parse(args(&["--credentials", "AK:SK"])).unwrap().keys[0].account.len(), 12);
    }
}
