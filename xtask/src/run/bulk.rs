//! `cargo xtask bench --bulk`: the figures of `--cli-input-rows` against connect-emulator, with
//! the seed operation (update-user-identity-info) over JSON Lines rows. Each row's `Mobile` is
//! `+1555` and its row number, so the emulator's request log (which redacts names and emails)
//! says which row each request carried.
//!
//! - `overhead`: rows per second with the client's rate limit and the emulator's quotas off;
//! - `quota`: the achieved rate with the same quota on both sides (the documented default over
//!   200 rows, then `--rate 50 --burst 10` against `--throttle 50/10` over 5,000 rows);
//! - `memory`: peak RSS over 1,000,000 rows (streamed);
//! - `kill`: SIGKILL at random moments during a 5,000-row run, `--resume` until it succeeds,
//!   then the request log and the results file are checked row by row.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{EmulatorProcess, Setup, build_emulator, create_user, measure, setup, temp_home, with_test_env};

const CASES: &[&str] = &["overhead", "quota", "memory", "kill"];

struct Options {
    overhead_rows: usize,
    memory_rows: usize,
    cases: Vec<String>,
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut o = Options { overhead_rows: 20_000, memory_rows: 1_000_000, cases: Vec::new() };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |what: &str| -> Result<usize, String> {
            it.next().and_then(|n| n.parse().ok()).ok_or(format!("{what} takes a number"))
        };
        match *arg {
            "--rows" => o.overhead_rows = number("--rows")?,
            "--memory-rows" => o.memory_rows = number("--memory-rows")?,
            case if CASES.contains(&case) => o.cases.push(case.to_owned()),
            other => return Err(format!("unknown bulk case or option {other} (cases: {})", CASES.join(", "))),
        }
    }
    if o.cases.is_empty() {
        o.cases = CASES.iter().map(|c| c.to_string()).collect();
    }
    Ok(o)
}

/// Everything a case needs: the two binaries and a scratch directory.
struct Bench {
    client: PathBuf,
    emulator: PathBuf,
    home: PathBuf,
}

pub fn bench(args: &[&str]) -> Result<(), String> {
    let o = parse(args)?;
    let b = Bench { client: crate::dist::build()?, emulator: build_emulator()?, home: temp_home()? };
    println!("aws-connect: {}\nconnect-emulator: {}", b.client.display(), b.emulator.display());
    println!("machine: {} cores, {}\n", std::thread::available_parallelism().map_or(0, |n| n.get()), super::uname());
    let mut failed = Vec::new();
    for case in &o.cases {
        let result = match case.as_str() {
            "overhead" => overhead(&b, o.overhead_rows),
            "quota" => quota(&b, 200, None).and_then(|()| quota(&b, 5_000, Some((50, 10)))),
            "memory" => memory(&b, o.memory_rows),
            _ => kill(&b, 5_000),
        };
        if let Err(e) = result {
            println!("{case}: FAILED: {e}");
            failed.push(case.clone());
        }
        println!();
    }
    let _ = std::fs::remove_dir_all(&b.home);
    if failed.is_empty() { Ok(()) } else { Err(format!("bulk cases failed: {}", failed.join(", "))) }
}

/// Starts the emulator with `args`, creates an instance and one user.
fn start(b: &Bench, args: &[&str]) -> Result<(EmulatorProcess, Setup, String), String> {
    let emulator = EmulatorProcess::start(&b.emulator, args)?;
    let s = setup(&b.client, &emulator.url, &b.home)?;
    let user = create_user(&b.client, &emulator.url, &b.home, &s, "mary")?;
    Ok((emulator, s, user))
}

/// Writes `rows` rows for the seed operation on one user: row n sets the names and the email to
/// values of n, and `Mobile` to +1555 followed by n.
fn write_rows(path: &Path, rows: usize, s: &Setup, user: &str) -> Result<(), String> {
    let err = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(err)?);
    for n in 1..=rows {
        let row = json!({"InstanceId": s.instance, "UserId": user, "IdentityInfo": {
            "FirstName": format!("First{n}"), "LastName": format!("Last{n}"),
            "Email": format!("user{n}@example.com"), "Mobile": mobile(n)}});
        writeln!(out, "{row}").map_err(err)?;
    }
    out.flush().map_err(err)
}

fn mobile(row: usize) -> String {
    format!("+1555{row:07}")
}

/// The bulk command over `rows_file`, results in `results`, with extra options.
fn bulk_command(b: &Bench, url: &str, rows_file: &Path, results: &Path, extra: &[&str]) -> Command {
    let mut cmd = with_test_env(Command::new(&b.client), &b.home);
    cmd.env("AWS_ENDPOINT_URL", url)
        .arg("update-user-identity-info")
        .arg("--cli-input-rows")
        .arg(rows_file)
        .arg("--results")
        .arg(results)
        .args(["--yes", "--quiet"])
        .args(extra)
        .stdin(Stdio::null());
    cmd
}

/// Reads a results file: per row, how many `ok` and `error` lines it has.
fn read_results(path: &Path) -> Result<BTreeMap<u64, (u32, u32)>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut rows = BTreeMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| format!("a results line is not JSON ({e}): {line}"))?;
        let row = v["row"].as_u64().ok_or(format!("a results line has no row: {line}"))?;
        let entry: &mut (u32, u32) = rows.entry(row).or_default();
        match v["status"].as_str() {
            Some("ok") => entry.0 += 1,
            _ => entry.1 += 1,
        }
    }
    Ok(rows)
}

/// Checks that rows 1..=rows each have exactly one `ok` line and no error.
fn all_ok_once(results: &BTreeMap<u64, (u32, u32)>, rows: usize) -> Result<(), String> {
    let bad: Vec<String> = (1..=rows as u64)
        .filter_map(|r| match results.get(&r) {
            Some((1, 0)) => None,
            other => Some(format!("row {r}: {other:?} (ok, error) lines")),
        })
        .take(5)
        .collect();
    let extra = results.keys().filter(|r| **r == 0 || **r > rows as u64).count();
    if bad.is_empty() && extra == 0 { Ok(()) } else { Err(format!("results: {} {extra} unknown rows", bad.join("; "))) }
}

/// Client overhead: the emulator's quotas off, the client's rate limit off.
fn overhead(b: &Bench, rows: usize) -> Result<(), String> {
    let (emulator, s, user) = start(b, &["--throttle", "off"])?;
    let (rows_file, results) = (b.home.join("overhead.jsonl"), b.home.join("overhead.results.jsonl"));
    write_rows(&rows_file, rows, &s, &user)?;
    let _ = std::fs::remove_file(&results);
    let extra = ["--rate", "off"];
    let sample = measure(&mut bulk_command(b, &emulator.url, &rows_file, &results, &extra))?;
    emulator.stop();
    if sample.code != 0 {
        return Err(format!("exit code {}", sample.code));
    }
    all_ok_once(&read_results(&results)?, rows)?;
    println!(
        "overhead: {rows} rows in {:.2} s = {:.0} rows/s (rate limit off, --throttle off), peak RSS {:.1} MiB, every row ok once",
        sample.wall.as_secs_f64(),
        rows as f64 / sample.wall.as_secs_f64(),
        sample.max_rss_kib as f64 / 1024.0
    );
    println!("  $ aws-connect update-user-identity-info --cli-input-rows ROWS --results RES --yes --quiet --rate off");
    Ok(())
}

/// The same quota on both sides: the documented default (no options), or RATE/BURST given to both.
fn quota(b: &Bench, rows: usize, given: Option<(u32, u32)>) -> Result<(), String> {
    let log = b.home.join("quota.log.jsonl");
    let _ = std::fs::remove_file(&log);
    let throttle = given.map(|(r, b)| format!("{r}/{b}"));
    let mut args = vec!["--log", log.to_str().unwrap_or_default()];
    if let Some(t) = &throttle {
        args.extend(["--throttle", t.as_str()]);
    }
    let (emulator, s, user) = start(b, &args)?;
    let (rows_file, results) = (b.home.join("quota.jsonl"), b.home.join("quota.results.jsonl"));
    write_rows(&rows_file, rows, &s, &user)?;
    let _ = std::fs::remove_file(&results);
    let (rate_text, burst_text) = given.map_or((String::new(), String::new()), |(r, b)| (r.to_string(), b.to_string()));
    let extra: Vec<&str> =
        if given.is_some() { vec!["--rate", &rate_text, "--burst", &burst_text] } else { Vec::new() };
    let sample = measure(&mut bulk_command(b, &emulator.url, &rows_file, &results, &extra))?;
    emulator.stop();
    if sample.code != 0 {
        return Err(format!("exit code {}", sample.code));
    }
    all_ok_once(&read_results(&results)?, rows)?;
    let (rate, burst) = given.map_or((2.0, 5.0), |(r, b)| (r as f64, b as f64));
    let throttled = std::fs::read_to_string(&log)
        .map_err(|e| e.to_string())?
        .lines()
        .filter(|l| l.contains("\"UpdateUserIdentityInfo\"") && l.contains("\"status\":429"))
        .count();
    let wall = sample.wall.as_secs_f64();
    let achieved = rows as f64 / wall;
    let deviation = (achieved - rate) / rate * 100.0;
    let ideal = (rows as f64 - burst) / rate;
    let sides = match given {
        Some((r, bu)) => format!("--rate {r} --burst {bu} against --throttle {r}/{bu}"),
        None => "defaults on both sides (documented 2/s, burst 5)".to_owned(),
    };
    println!(
        "quota: {rows} rows, {sides}: {wall:.1} s = {achieved:.2} rows/s ({deviation:+.1}% of the quota; a token bucket \
         needs at least {ideal:.1} s), every row ok once, {throttled} answers 429 on the way"
    );
    if deviation.abs() > 5.0 {
        return Err(format!("the achieved rate is {deviation:+.1}% off the quota"));
    }
    Ok(())
}

/// Peak RSS over many rows, with the rate limit and the quotas off.
fn memory(b: &Bench, rows: usize) -> Result<(), String> {
    let (emulator, s, user) = start(b, &["--throttle", "off"])?;
    let (rows_file, results) = (b.home.join("memory.jsonl"), b.home.join("memory.results.jsonl"));
    write_rows(&rows_file, rows, &s, &user)?;
    let _ = std::fs::remove_file(&results);
    let size = std::fs::metadata(&rows_file).map_or(0, |m| m.len());
    let sample = measure(&mut bulk_command(b, &emulator.url, &rows_file, &results, &["--rate", "off"]))?;
    emulator.stop();
    if sample.code != 0 {
        return Err(format!("exit code {}", sample.code));
    }
    all_ok_once(&read_results(&results)?, rows)?;
    let _ = std::fs::remove_file(&rows_file);
    let _ = std::fs::remove_file(&results);
    println!(
        "memory: {rows} rows ({:.0} MiB of JSON Lines) in {:.1} s ({:.0} rows/s): peak RSS {:.1} MiB, every row ok once",
        size as f64 / 1048576.0,
        sample.wall.as_secs_f64(),
        rows as f64 / sample.wall.as_secs_f64(),
        sample.max_rss_kib as f64 / 1024.0
    );
    Ok(())
}

/// A small xorshift generator for the moments of the kills (seeded from the clock, printed).
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The rows the emulator applied, in log order: (line number, row), from successful requests.
fn applied(log: &Path) -> Result<Vec<(usize, u64)>, String> {
    let text = std::fs::read_to_string(log).map_err(|e| format!("cannot read {}: {e}", log.display()))?;
    let mut out = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("log line {at} ({e})"))?;
        if v["operation"] == "UpdateUserIdentityInfo" && v["status"] == 200 {
            let mobile = v["input"]["IdentityInfo"]["Mobile"].as_str().unwrap_or_default();
            let row = mobile.strip_prefix("+1555").and_then(|n| n.parse().ok()).ok_or(format!("log line {at}"))?;
            out.push((at, row));
        }
    }
    Ok(out)
}

fn log_lines(log: &Path) -> usize {
    std::fs::read_to_string(log).map_or(0, |t| t.lines().count())
}

/// SIGKILL at random moments, then `--resume` until the run succeeds; every row applied, none
/// twice except those in flight at a kill, one `ok` per row.
fn kill(b: &Bench, rows: usize) -> Result<(), String> {
    let log = b.home.join("kill.log.jsonl");
    let _ = std::fs::remove_file(&log);
    let (emulator, s, user) = start(b, &["--throttle", "off", "--log", log.to_str().unwrap_or_default()])?;
    let (rows_file, results) = (b.home.join("kill.jsonl"), b.home.join("kill.results.jsonl"));
    write_rows(&rows_file, rows, &s, &user)?;
    let _ = std::fs::remove_file(&results);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let mut rng = Xorshift(seed | 1);
    // 1,000 rows per second: a run lasts about 5 s, the kills fall inside it.
    let pace = ["--rate", "1000", "--burst", "10"];
    // Per attempt: the log line where it started, and the rows ok in the results after it.
    let mut attempts: Vec<(usize, BTreeSet<u64>)> = Vec::new();
    let mut kills = 0;
    let mut finished = false;
    for attempt in 0..30 {
        let mut extra: Vec<&str> = pace.to_vec();
        if attempt > 0 {
            extra.push("--resume");
        }
        let started_at = log_lines(&log);
        let mut child = bulk_command(b, &emulator.url, &rows_file, &results, &extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start aws-connect: {e}"))?;
        let status = if attempt < 6 {
            let delay = Duration::from_millis(100 + rng.below(1500));
            let deadline = Instant::now() + delay;
            loop {
                if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                    break Some(status);
                }
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    kills += 1;
                    break None;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        } else {
            Some(child.wait().map_err(|e| e.to_string())?)
        };
        // Requests the emulator had already received finish and are logged.
        std::thread::sleep(Duration::from_millis(300));
        let ok: BTreeSet<u64> = read_results(&results)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, (ok, _))| *ok > 0)
            .map(|(r, _)| r)
            .collect();
        attempts.push((started_at, ok));
        match status {
            Some(s) if s.success() => {
                finished = true;
                break;
            }
            Some(s) if attempt >= 6 => return Err(format!("run {attempt} after the kills exited with {s}")),
            _ => {}
        }
    }
    emulator.stop();
    if !finished {
        return Err("no run succeeded".into());
    }
    // Which attempt applied each row, and how often.
    let starts: Vec<usize> = attempts.iter().map(|(s, _)| *s).collect();
    let attempt_of = |line: usize| starts.iter().rposition(|s| *s <= line).unwrap_or(0);
    let mut per_row: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (line, row) in applied(&log)? {
        per_row.entry(row).or_default().push(attempt_of(line));
    }
    let missing: Vec<u64> = (1..=rows as u64).filter(|r| !per_row.contains_key(r)).take(5).collect();
    if !missing.is_empty() {
        return Err(format!("rows never applied: {missing:?}"));
    }
    // A row applied again in a later attempt must not have been `ok` in the results when the
    // attempt that applied it before ended: it was in flight at that kill.
    let (mut twice, mut wrong) = (0, Vec::new());
    for (row, runs) in &per_row {
        for pair in runs.windows(2) {
            twice += 1;
            let earlier_ok = attempts[pair[0]].1.contains(row);
            if earlier_ok || pair[0] == pair[1] {
                wrong.push(format!("row {row} applied in attempts {runs:?}"));
            }
        }
    }
    if !wrong.is_empty() {
        return Err(format!(
            "rows applied twice though not in flight at a kill: {}",
            wrong[..wrong.len().min(5)].join("; ")
        ));
    }
    all_ok_once(&read_results(&results)?, rows)?;
    println!(
        "kill: {rows} rows, {kills} SIGKILLs at random moments (seed {seed}), {} runs in all: every row applied, {twice} \
         applied again (each in flight at a kill: not ok in the results when it was killed), one ok per row",
        attempts.len()
    );
    Ok(())
}
