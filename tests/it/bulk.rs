//! `--cli-input-rows` end to end against `connect-emulator` (a local Connect that keeps users,
//! enforces quotas, injects faults and logs every request it receives): CSV and JSON Lines,
//! header paths, shorthand and JSON cells, typing errors, explicit arguments over rows,
//! validation before anything is sent (the emulator's log stays empty), dry runs, throttling and
//! 5xx recovery, results and `--resume`, output-bearing and paginated operations, Ctrl-C in a
//! real terminal (tmux) and SIGKILL at random moments.
//!
//! The emulator binary must be built (`cargo build -p connect-emulator`; `cargo test --workspace`
//! builds it): these tests fail, not skip, without it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Run, binary};

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";

/// A running emulator with a request log, stopped when dropped.
struct Emulator {
    child: Child,
    url: String,
    log: PathBuf,
    dir: tempfile::TempDir,
}

fn emulator_binary() -> PathBuf {
    let path = Path::new(&binary()).with_file_name("connect-emulator");
    let fallback = Path::new(env!("CARGO_BIN_EXE_aws-connect")).with_file_name("connect-emulator");
    let path = if path.exists() { path } else { fallback };
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p connect-emulator` (cargo test --workspace does)",
        path.display()
    );
    path
}

impl Emulator {
    fn start(args: &[&str]) -> Emulator {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new(emulator_binary())
            .args(["--listen", "127.0.0.1:0", "--log"])
            .arg(&log)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("connect-emulator runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("first line");
        let url =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("first line: {line:?}")).to_owned();
        Emulator { child, url, log, dir }
    }

    /// The requests it received: (operation, outcome, input), in order.
    fn requests(&self) -> Vec<(String, String, Value)> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("log line");
                (
                    v["operation"].as_str().unwrap_or_default().to_owned(),
                    v["outcome"].as_str().unwrap_or_default().to_owned(),
                    v["input"].clone(),
                )
            })
            .collect()
    }

    /// Forgets the requests logged so far.
    fn clear_log(&self) {
        std::fs::write(&self.log, "").expect("clear log");
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write file");
        p.to_string_lossy().into_owned()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary());
        cmd.args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_REGION", REGION)
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .current_dir(self.dir.path());
        cmd
    }

    /// Runs aws-connect against this emulator.
    fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self.command(args).envs(env.iter().copied()).stdin(Stdio::null()).output().expect("aws-connect runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 0, "{args:?}\n{}", r.snapshot());
        r.stdout.trim().to_owned()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An instance with `users` users (created with a bulk run of `create-user`, an operation with
/// output): (instance id, user ids in row order).
fn instance_with_users(e: &Emulator, users: usize) -> (String, Vec<String>) {
    let instance = e.ok(&[
        "create-instance",
        "--identity-management-type",
        "CONNECT_MANAGED",
        "--instance-alias",
        "bulk",
        "--inbound-calls-enabled",
        "--outbound-calls-enabled",
        "--query",
        "Id",
        "--output",
        "text",
    ]);
    let rp = e.ok(&[
        "list-routing-profiles",
        "--instance-id",
        &instance,
        "--query",
        "RoutingProfileSummaryList[0].Id",
        "--output",
        "text",
    ]);
    let sp = e.ok(&[
        "list-security-profiles",
        "--instance-id",
        &instance,
        "--query",
        "SecurityProfileSummaryList[?Name=='Agent'].Id",
        "--output",
        "text",
    ]);
    let rows: String = (0..users)
        .map(|i| {
            format!(
                "{}\n",
                json!({"Username": format!("agent{i}"), "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                       "SecurityProfileIds": [sp], "RoutingProfileId": rp})
            )
        })
        .collect();
    let file = e.write("users.jsonl", &rows);
    let r = e.run(&["create-user", "--instance-id", &instance, "--cli-input-rows", &file, "--rate", "off"]);
    assert_eq!(r.code, 0, "{}", r.snapshot());
    let results = read_results(&e.path("users.results.jsonl"));
    assert_eq!(results.len(), users);
    let mut ids = vec![String::new(); users];
    for r in results {
        assert_eq!(r["status"], "ok", "{r}");
        let row = r["row"].as_u64().expect("row") as usize;
        // The results file holds each response.
        assert!(
            r["response"]["UserArn"].as_str().is_some_and(|a| a.ends_with(r["response"]["UserId"].as_str().unwrap())),
            "{r}"
        );
        ids[row - 1] = r["response"]["UserId"].as_str().expect("UserId").to_owned();
    }
    e.clear_log();
    (instance, ids)
}

fn read_results(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"))).collect()
}

fn identity(e: &Emulator, instance: &str, user: &str) -> Value {
    let out = e.ok(&["describe-user", "--instance-id", instance, "--user-id", user, "--query", "User.IdentityInfo"]);
    serde_json::from_str(&out).expect("json")
}

/// The row numbers recorded `ok` in a results file, with how often.
fn ok_rows(results: &[Value]) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    for r in results.iter().filter(|r| r["status"] == "ok") {
        *counts.entry(r["row"].as_u64().expect("row")).or_default() += 1;
    }
    counts
}

#[test]
fn csv_header_paths_shorthand_and_json_cells_with_explicit_arguments_winning() {
    let e = Emulator::start(&["--throttle", "off"]);
    let (instance, users) = instance_with_users(&e, 3);
    // A member path, a shorthand cell and a JSON cell; InstanceId in the rows loses to the
    // command line's --instance-id; an empty cell leaves the member out.
    let csv = format!(
        "UserId,InstanceId,IdentityInfo.FirstName,IdentityInfo\n\
         {},wrong-instance,Mary,\"LastName=Major,Email=marym@example.com\"\n\
         {},wrong-instance,,\"{{\"\"FirstName\"\": \"\"Li\"\", \"\"LastName\"\": \"\"Wei\"\"}}\"\n\
         {},,Jo,\n",
        users[0], users[1], users[2]
    );
    let rows = e.write("names.csv", &csv);
    let r = e.run(&["update-user-identity-info", "--instance-id", &instance, "--cli-input-rows", &rows]);
    assert_eq!(r.code, 0, "{}", r.snapshot());
    assert_eq!(r.stdout, "");
    let results_path = e.path("names.results.jsonl");
    assert_eq!(
        r.stderr,
        format!(
            "update-user-identity-info: 3 rows: 3 ok, 0 failed, 0 already done; results in {}\n",
            results_path.display()
        )
    );
    assert_eq!(
        identity(&e, &instance, &users[0]),
        json!({"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"})
    );
    assert_eq!(identity(&e, &instance, &users[1]), json!({"FirstName": "Li", "LastName": "Wei"}));
    assert_eq!(identity(&e, &instance, &users[2])["FirstName"], "Jo");
    // Every request went to the instance of the command line.
    let sent: Vec<_> = e.requests().into_iter().filter(|(op, ..)| op == "UpdateUserIdentityInfo").collect();
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|(_, outcome, input)| outcome == "ok" && input["InstanceId"] == instance.as_str()));
    // One line per row; the operation has no output, so no response.
    let results = read_results(&results_path);
    assert_eq!(ok_rows(&results), BTreeMap::from([(1, 1), (2, 1), (3, 1)]));
    assert!(
        results.iter().all(|r| r.get("response").is_none() && r["input_hash"].as_str().is_some_and(|h| h.len() == 64))
    );
}

#[test]
fn json_lines_and_standard_input() {
    let e = Emulator::start(&["--throttle", "off"]);
    let (instance, users) = instance_with_users(&e, 2);
    let rows: String = users
        .iter()
        .enumerate()
        .map(|(i, u)| format!("{}\n", json!({"UserId": u, "IdentityInfo": {"FirstName": format!("N{i}")}})))
        .collect();
    let results = e.path("stdin-results.jsonl");
    let mut child = e
        .command(&[
            "update-user-identity-info",
            "--instance-id",
            &instance,
            "--cli-input-rows",
            "-",
            "--rows-format",
            "jsonl",
            "--results",
            &results.to_string_lossy(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), rows.as_bytes()).expect("write rows");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(identity(&e, &instance, &users[0])["FirstName"], "N0");
    assert_eq!(identity(&e, &instance, &users[1])["FirstName"], "N1");
    assert_eq!(ok_rows(&read_results(&results)).len(), 2);
}

#[test]
fn invalid_rows_are_all_listed_and_nothing_is_sent() {
    let e = Emulator::start(&["--throttle", "off"]);
    let (instance, users) = instance_with_users(&e, 1);
    // Row 1 is fine; row 2 has bad shorthand; row 3 lacks the required UserId; row 4 has a name
    // over the model's length limit (255).
    let csv = format!(
        "UserId,IdentityInfo\n{u},FirstName=A\n{u},FirstName\n,FirstName=B\n{u},FirstName={long}\n",
        u = users[0],
        long = "x".repeat(256)
    );
    let rows = e.write("bad.csv", &csv);
    let r = e.run(&["update-user-identity-info", "--instance-id", &instance, "--cli-input-rows", &rows]);
    assert_eq!(r.code, 252, "{}", r.snapshot());
    assert_eq!(r.stdout, "");
    let expected = "row 2, IdentityInfo: Expected: '=', received: 'EOF' for input:\n FirstName\n         ^\n\
         row 3, input: Missing required parameter in input: \"UserId\"\n\
         row 4, IdentityInfo.FirstName: Invalid length for parameter IdentityInfo.FirstName, value: 256, valid max length: 255\n";
    assert!(r.stderr.starts_with(expected), "{}", r.stderr);
    assert!(r.stderr.contains("3 of 4 rows are invalid (listed above); nothing was sent.\n"), "{}", r.stderr);
    assert_eq!(e.requests(), [], "nothing is sent when a row is invalid");
    assert!(!e.path("bad.results.jsonl").exists());

    // A header that names no member, and a cell that is not a number.
    let rows = e.write("bad2.csv", "UserId,IdentityInfo.Nickname\nu,x\n");
    let r = e.run(&["update-user-identity-info", "--instance-id", &instance, "--cli-input-rows", &rows]);
    assert_eq!(r.code, 252, "{}", r.snapshot());
    assert!(
        r.stderr.starts_with("header, IdentityInfo.Nickname: unknown member \"Nickname\"; valid members: FirstName, LastName, Email, SecondaryEmail, Mobile"),
        "{}",
        r.stderr
    );
    let rows = e.write("bad3.csv", "InstanceId,MaxResults\ni,many\n");
    let r = e.run(&["list-users", "--cli-input-rows", &rows]);
    assert_eq!(r.code, 252, "{}", r.snapshot());
    assert!(
        r.stderr.starts_with("row 1, MaxResults: invalid literal for int() with base 10: 'many'\n"),
        "{}",
        r.stderr
    );
    assert_eq!(e.requests(), []);
}

#[test]
fn dry_run_prints_the_requests_and_sends_nothing() {
    let e = Emulator::start(&["--throttle", "off"]);
    let rows = e.write("rows.csv", "UserId,IdentityInfo.FirstName\nu-1,Mary\nu-2,Jo\n");
    let r = e.run(&["update-user-identity-info", "--instance-id", "i-1", "--cli-input-rows", &rows, "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.snapshot());
    let lines: Vec<Value> = r.stdout.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["method"], "POST");
    assert_eq!(lines[0]["path"], "/users/i-1/u-1/identity-info");
    assert_eq!(
        lines[0]["body"],
        json!({"IdentityInfo": {"FirstName": "*** Sensitive Data Redacted ***"}}),
        "sensitive values are redacted"
    );
    assert_eq!(lines[1]["path"], "/users/i-1/u-2/identity-info");
    assert_eq!(e.requests(), []);
    assert!(!e.path("rows.results.jsonl").exists());
    // A rows file that is not there, or whose name says no format, is a parameter error.
    let r = e.run(&["update-user-identity-info", "--cli-input-rows", "missing.csv"]);
    assert_eq!(r.code, 252, "{}", r.snapshot());
    assert!(r.stderr.contains("argument --cli-input-rows: cannot read missing.csv: "), "{}", r.stderr);
    let r = e.run(&["update-user-identity-info", "--cli-input-rows", "rows.txt"]);
    assert_eq!(r.code, 252, "{}", r.snapshot());
    // Bulk options without --cli-input-rows are refused.
    let r = e.run(&[
        "update-user-identity-info",
        "--user-id",
        "u",
        "--instance-id",
        "i",
        "--identity-info",
        "FirstName=A",
        "--resume",
    ]);
    assert_eq!(r.code, 252, "{}", r.snapshot());
    assert!(r.stderr.contains("argument --resume: only with --cli-input-rows"), "{}", r.stderr);
    assert_eq!(e.requests(), []);
}

#[test]
fn throttling_slows_the_shared_limiter_down_and_every_row_finishes() {
    // The service allows 5 per second (burst 2); the client is told 20 per second (burst 10).
    let e = Emulator::start(&["--throttle", "5/2"]);
    let rows: String = (0..30).map(|i| format!("{}\n", json!({"InstanceId": format!("i-{i}")}))).collect();
    let rows = e.write("rows.jsonl", &rows);
    let r =
        e.run(&["describe-instance", "--cli-input-rows", &rows, "--rate", "20", "--burst", "10", "--concurrency", "4"]);
    assert_eq!(r.code, 254, "{}", r.snapshot());
    let results = read_results(&e.path("rows.results.jsonl"));
    assert_eq!(results.len(), 30);
    // Unknown instances: each row failed at the service with its own error, none throttled.
    assert!(
        results.iter().all(|r| r["status"] == "error" && r["error"]["code"] == "ResourceNotFoundException"),
        "{results:?}"
    );
    let requests = e.requests();
    let throttled = requests.iter().filter(|(_, outcome, _)| outcome == "ThrottlingException").count();
    assert!(throttled > 0, "the client's rate was over the service's: some requests were throttled");
    assert_eq!(requests.len() - throttled, 30, "each row was answered once");
}

#[test]
fn server_errors_are_retried_per_row() {
    let e = Emulator::start(&["--throttle", "off", "--fail-rate", "0.3", "--seed", "7"]);
    let rows: String = (0..20).map(|i| format!("{}\n", json!({"InstanceId": format!("i-{i}")}))).collect();
    let rows = e.write("rows.jsonl", &rows);
    let r =
        e.run_with(&["describe-instance", "--cli-input-rows", &rows, "--rate", "off"], &[("AWS_MAX_ATTEMPTS", "10")]);
    let results = read_results(&e.path("rows.results.jsonl"));
    assert_eq!(results.len(), 20, "{}", r.snapshot());
    // Every row got through the injected 500s to the service's real answer.
    assert!(results.iter().all(|r| r["error"]["code"] == "ResourceNotFoundException"), "{results:?}");
    let requests = e.requests();
    assert!(requests.iter().any(|(_, outcome, _)| outcome != "ResourceNotFoundException"), "faults were injected");
    assert_eq!(requests.iter().filter(|(_, outcome, _)| outcome == "ResourceNotFoundException").count(), 20);
}

#[test]
fn results_and_resume_rerun_failed_and_changed_rows_only() {
    let e = Emulator::start(&["--throttle", "off"]);
    let (instance, users) = instance_with_users(&e, 3);
    let csv = |second: &str, third: &str| {
        format!("UserId,IdentityInfo.FirstName\n{},A\n{second},B\n{},{third}\n", users[0], users[2])
    };
    let rows = e.write("rows.csv", &csv("no-such-user", "C"));
    let args = ["update-user-identity-info", "--instance-id", &instance, "--cli-input-rows", &rows];
    let r = e.run(&args);
    assert_eq!(r.code, 254, "{}", r.snapshot());
    let results_path = e.path("rows.results.jsonl");
    let results = read_results(&results_path);
    let failed: Vec<&Value> = results.iter().filter(|r| r["status"] == "error").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["row"], 2);
    assert_eq!(failed[0]["error"]["code"], "ResourceNotFoundException");
    assert!(r.stderr.contains("1 of 3 rows failed"), "{}", r.stderr);

    // Without --resume an existing results file is not overwritten.
    let again = e.run(&args);
    assert_eq!(again.code, 252, "{}", again.snapshot());

    // Fix row 2 and change row 3: resume sends exactly those two.
    e.clear_log();
    std::fs::write(&rows, csv(&users[1], "Changed")).expect("rewrite");
    let mut resume = args.to_vec();
    resume.push("--resume");
    let r = e.run(&resume);
    assert_eq!(r.code, 0, "{}", r.snapshot());
    assert!(r.stderr.contains("3 rows: 2 ok, 0 failed, 1 already done"), "{}", r.stderr);
    let sent: BTreeSet<String> =
        e.requests().iter().map(|(_, _, input)| input["UserId"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(sent, BTreeSet::from([users[1].clone(), users[2].clone()]));
    assert_eq!(identity(&e, &instance, &users[2])["FirstName"], "Changed");
    // Row 3 has two ok lines (two different inputs); the last one counts.
    let results = read_results(&results_path);
    assert_eq!(ok_rows(&results), BTreeMap::from([(1, 1), (2, 1), (3, 2)]));

    // Nothing left: a third run sends nothing.
    e.clear_log();
    let r = e.run(&resume);
    assert_eq!(r.code, 0, "{}", r.snapshot());
    assert_eq!(e.requests(), []);
}

#[test]
fn paginated_operations_paginate_per_row_into_the_results() {
    let e = Emulator::start(&["--throttle", "off"]);
    let (instance, users) = instance_with_users(&e, 3);
    let rows = e.write("rows.jsonl", &format!("{}\n", json!({"InstanceId": instance})));
    let r = e.run(&["list-users", "--cli-input-rows", &rows, "--page-size", "1"]);
    assert_eq!(r.code, 0, "{}", r.snapshot());
    let results = read_results(&e.path("rows.results.jsonl"));
    assert_eq!(results.len(), 1);
    let listed: BTreeSet<&str> = results[0]["response"]["UserSummaryList"]
        .as_array()
        .expect("the merged list")
        .iter()
        .map(|u| u["Id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(listed, users.iter().map(String::as_str).collect());
    assert!(e.requests().len() >= 3, "one request per page: {:?}", e.requests());
}

/// A tmux server of its own running one command line; the exit code is printed as `[exit N]`.
struct Terminal {
    dir: tempfile::TempDir,
}

impl Terminal {
    fn start(e: &Emulator, args: &[&str]) -> Terminal {
        let dir = tempfile::tempdir().expect("temp dir");
        let quote = |w: &str| format!("'{}'", w.replace('\'', r"'\''"));
        let mut line = format!(
            "cd {} && env -i TERM=xterm HOME={} PATH={} AWS_ACCESS_KEY_ID={ACCESS_KEY_ID} AWS_SECRET_ACCESS_KEY={} AWS_REGION={REGION} AWS_ENDPOINT_URL={} AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true {}",
            quote(&e.dir.path().to_string_lossy()),
            quote(&e.dir.path().to_string_lossy()),
            quote(&std::env::var("PATH").unwrap_or_default()),
            quote(SECRET_ACCESS_KEY),
            quote(&e.url),
            quote(&binary())
        );
        for a in args {
            line.push(' ');
            line.push_str(&quote(a));
        }
        line.push_str("; echo \"[exit $?]\"; sleep 600");
        let t = Terminal { dir };
        let out = t.tmux(&["new-session", "-d", "-s", "t", "-x", "200", "-y", "50", &line]);
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        t
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(self.dir.path().join("tmux.sock"))
            .args(["-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm")
            .output()
            .expect("tmux is required for these tests: install it (apt-get install -y tmux; .ci/run does)")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-J", "-t", "t"]).stdout).into_owned()
    }

    fn wait_for(&self, what: impl Fn(&str) -> bool, label: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if what(&screen) {
                return screen;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {label}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

#[test]
fn ctrl_c_in_a_terminal_finishes_the_rows_in_flight_and_resume_completes() {
    // 2 requests per second: the run takes a while.
    let e = Emulator::start(&["--throttle", "off", "--latency", "200"]);
    let rows: String = (0..40).map(|i| format!("{}\n", json!({"InstanceId": format!("i-{i}")}))).collect();
    let rows = e.write("rows.jsonl", &rows);
    let t = Terminal::start(&e, &["describe-instance", "--cli-input-rows", &rows, "--rate", "4", "--burst", "1"]);
    // On a terminal it asks first.
    t.wait_for(|s| s.contains("Run describe-instance on 40 rows? [y/N]"), "the question");
    t.tmux(&["send-keys", "-t", "t", "y", "Enter"]);
    // The progress bar, then Ctrl-C.
    t.wait_for(|s| s.contains("/40 rows, ") && !s.contains(" 0/40 rows"), "progress");
    t.tmux(&["send-keys", "-t", "t", "C-c"]);
    let screen = t.wait_for(|s| s.contains("[exit "), "the exit");
    assert!(screen.contains("[exit 130]"), "{screen}");
    assert!(screen.contains("not run (interrupted)"), "{screen}");
    let results_path = e.path("rows.results.jsonl");
    let results = read_results(&results_path);
    assert!(!results.is_empty() && results.len() < 40, "{}", results.len());
    // Every request the emulator answered is in the results file: nothing in flight was lost.
    assert_eq!(e.requests().len(), results.len());

    let r = e.run(&["describe-instance", "--cli-input-rows", &rows, "--resume", "--rate", "off"]);
    assert_eq!(r.code, 254, "{}", r.snapshot());
    let results = read_results(&results_path);
    let rows_seen: BTreeSet<u64> = results.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(rows_seen, (1..=40).collect());
}

#[test]
fn sigkill_at_random_moments_then_resume_applies_every_row_once() {
    let e = Emulator::start(&["--throttle", "off", "--latency", "20"]);
    let n = 200;
    let (instance, users) = instance_with_users(&e, n);
    let rows: String = users
        .iter()
        .enumerate()
        .map(|(i, u)| format!("{}\n", json!({"UserId": u, "IdentityInfo": {"FirstName": format!("F{i}")}})))
        .collect();
    let rows = e.write("rows.jsonl", &rows);
    let args = [
        "update-user-identity-info",
        "--instance-id",
        &instance,
        "--cli-input-rows",
        &rows,
        "--rate",
        "off",
        "--resume",
    ];
    let mut kills = 0;
    let mut seed = 0x2545_f491_u64;
    loop {
        let mut child =
            e.command(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("runs");
        if kills < 5 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            std::thread::sleep(Duration::from_millis(100 + seed % 300));
            if child.try_wait().expect("wait").is_none() {
                child.kill().expect("SIGKILL");
                child.wait().expect("reaped");
                kills += 1;
                continue;
            }
        }
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(0));
        break;
    }
    assert!(kills > 0, "the run was killed at least once");
    let results = read_results(&e.path("rows.results.jsonl"));
    // Exactly one ok per row.
    assert_eq!(ok_rows(&results), (1..=n as u64).map(|r| (r, 1)).collect());
    // The service saw every row; a row seen twice was in flight at a kill (at most the
    // concurrency, 4, per kill).
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    for (_, outcome, input) in e.requests() {
        assert_eq!(outcome, "ok");
        *applied.entry(input["UserId"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    assert_eq!(applied.keys().cloned().collect::<BTreeSet<_>>(), users.iter().cloned().collect());
    let twice = applied.values().filter(|&&c| c > 1).count();
    assert!(twice <= kills * 4, "{twice} rows applied twice after {kills} kills");
}
