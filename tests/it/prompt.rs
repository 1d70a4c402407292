//! The binary in a real terminal, driven through tmux: the auto-prompt completing an operation,
//! parameters (required ones first), structure keys and enum values from the model, running the
//! seed example (the loopback server must receive exactly the seed request) and recalling it
//! from the history in a second run; `on-partial`; Ctrl-C; and the output pager. tmux is
//! required: these tests fail, not skip, without it (`.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use loopback::{ACCESS_KEY_ID, REGION, Reply, SECRET_ACCESS_KEY, Server, SigCheck};

const OP: &str = "update-user-identity-info";
const TARGET: &str = "/users/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/87654321-2222-1234-1234-111234567891/identity-info";
const BODY: &str = r#"{"IdentityInfo":{"FirstName":"Mary","LastName":"Major","Email":"marym@example.com"}}"#;
const TIMEOUT: Duration = Duration::from_secs(20);

/// A word as a POSIX shell reads it back.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A tmux server of its own (private socket, no configuration file) running one command in a
/// detached 200x50 session; the command's exit code is printed as `[exit N]` when it ends.
struct Terminal {
    _dir: tempfile::TempDir,
    _home: Option<tempfile::TempDir>,
    socket: PathBuf,
}

impl Terminal {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Terminal {
        let home = tempfile::tempdir().expect("temp dir");
        let path = home.path().to_owned();
        Terminal::launch(&path, Some(home), args, env)
    }

    /// [`Terminal::start`] with this home directory.
    fn start_in(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Terminal {
        Terminal::launch(home, None, args, env)
    }

    fn launch(home: &Path, own_home: Option<tempfile::TempDir>, args: &[&str], env: &[(&str, &str)]) -> Terminal {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("tmux.sock");
        let mut line = format!(
            "cd {} && env -i HOME={} PATH={}",
            quote(&home.to_string_lossy()),
            quote(&home.to_string_lossy()),
            quote(&std::env::var("PATH").unwrap_or_default())
        );
        for (k, v) in env {
            line.push_str(&format!(" {k}={}", quote(v)));
        }
        line.push(' ');
        line.push_str(&quote(&crate::common::binary()));
        for a in args {
            line.push(' ');
            line.push_str(&quote(a));
        }
        line.push_str("; echo \"[exit $?]\"; sleep 600");
        let t = Terminal { _dir: dir, _home: own_home, socket };
        let out = t.tmux(&["new-session", "-d", "-s", "t", "-x", "200", "-y", "50", &line]);
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm")
            .output()
            .expect("tmux is required for these tests: install it (apt-get install -y tmux; .ci/run does)")
    }

    /// The whole screen, with wrapped lines joined and trailing blanks removed.
    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-J", "-t", "t"]);
        String::from_utf8_lossy(&out.stdout).lines().map(|l| format!("{}\n", l.trim_end())).collect()
    }

    /// Waits until the screen shows `text` (polling), and returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(start.elapsed() < TIMEOUT, "timed out waiting for {text:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` as it is.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", "--", text]);
    }

    /// Presses keys, named as tmux names them (`Tab`, `Enter`, `C-c`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend(keys);
        self.tmux(&args);
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn credentials() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
}

/// The environment of a run against the loopback server.
fn loopback_env() -> Vec<(&'static str, &'static str)> {
    credentials()
}

fn assert_seed_request(request: &loopback::Captured) {
    assert_eq!((request.method.as_str(), request.target.as_str(), request.body_text()), ("POST", TARGET, BODY));
    assert_eq!(request.signature, SigCheck::Verified);
}

/// The lines of the screen, without trailing blanks, that contain `text`.
fn lines_with<'a>(screen: &'a str, text: &str) -> Vec<&'a str> {
    screen.lines().map(str::trim_end).filter(|l| l.contains(text)).collect()
}

/// The menu's entries: under the command line, from the cursor's column (where the menu opens)
/// up to the gap before the description box (which is beside them, on either side).
/// `line` is the command line up to the cursor, as typed (with its trailing space, if any).
fn menu(screen: &str, line: &str) -> Vec<String> {
    let column = line.chars().count();
    screen
        .lines()
        .skip_while(|l| !line.starts_with(*l) || l.is_empty())
        .skip(1)
        .map(|l| l.chars().skip(column).collect::<String>())
        .map(|cell| cell.split("  ").next().unwrap_or_default().trim().to_owned())
        .filter(|cell| !cell.is_empty())
        .collect()
}

/// The seed example typed with the help of the menus, from an empty line; returns the line.
fn type_seed(t: &Terminal, url: &str) -> String {
    // An operation from a prefix: the menu shows the matches, described from the model.
    t.type_text("update-user-id");
    let screen = t.wait_for("update-user-identity-info ");
    let op = connect_core::generated::SERVICE.operation(OP).expect("the seed operation");
    let summary = connect_core::model::doc_overview(op.doc());
    let first_words: String = summary.split(' ').take(3).collect::<Vec<_>>().join(" ");
    assert_eq!(menu(&screen, "> aws-connect update-user-id").first().map(String::as_str), Some(OP), "{screen}");
    assert!(screen.contains(&first_words), "the description {summary:?} is not shown:\n{screen}");
    t.keys(&["Tab", "Enter"]);
    // The parameters, required ones first, in the model's order.
    let screen = t.wait_for("--identity-info (required)");
    let entries = menu(&screen, &format!("> aws-connect {OP} "));
    assert_eq!(
        entries[..4],
        ["--identity-info (required)", "--user-id (required)", "--instance-id (required)", "--cli-input-json"],
        "{screen}"
    );
    // The documentation of the operation under the line, with the required parameters.
    t.keys(&["Escape"]);
    let screen = t.wait_for("[Tab] complete");
    assert!(screen.contains(&format!("{OP}: {}", flat(op.doc()))), "{screen}");
    assert!(screen.contains("Required: --identity-info, --user-id, --instance-id"), "{screen}");
    // A parameter from its prefix, then the structure's keys, one at a time.
    t.type_text("--iden");
    t.wait_for("  --identity-info (required)");
    t.keys(&["Tab", "Enter"]);
    let screen = t.wait_for("FirstName=");
    assert_eq!(
        menu(&screen, &format!("> aws-connect {OP} --identity-info ")),
        ["FirstName=", "LastName=", "Email=", "SecondaryEmail=", "Mobile="],
        "{screen}"
    );
    // The documentation of the parameter.
    let member = op.input().and_then(|s| s.member("IdentityInfo")).expect("IdentityInfo");
    t.keys(&["Escape"]);
    let screen = t.wait_for("[Tab] complete");
    assert!(screen.contains(&format!("--identity-info (structure, required): {}", flat(member.doc()))), "{screen}");
    t.type_text("Fi");
    t.wait_for(" FirstName= ");
    t.keys(&["Tab", "Enter"]);
    // The documentation of the member whose value is typed.
    let first = member.target().member("FirstName").expect("FirstName");
    let screen = t.wait_for("--identity-info FirstName=\n");
    assert!(screen.contains(&format!("--identity-info FirstName (string): {}", flat(first.doc()))), "{screen}");
    t.type_text("Mary,");
    // The keys not given yet.
    let screen = t.wait_for("LastName=");
    assert_eq!(
        menu(&screen, &format!("> aws-connect {OP} --identity-info FirstName=Mary,")),
        ["LastName=", "Email=", "SecondaryEmail=", "Mobile="],
        "{screen}"
    );
    t.type_text("LastName=Major,Email=marym@example.com --user-id 87654321-2222-1234-1234-111234567891 ");
    t.type_text(&format!("--instance-id a1b2c3d4-5678-90ab-cdef-EXAMPLE11111 --endpoint-url {url}"));
    let line = format!(
        "> aws-connect {OP} --identity-info FirstName=Mary,LastName=Major,Email=marym@example.com --user-id \
         87654321-2222-1234-1234-111234567891 --instance-id a1b2c3d4-5678-90ab-cdef-EXAMPLE11111 --endpoint-url {url}"
    );
    t.wait_for(&line);
    line
}

/// A documentation text on one line.
fn flat(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn completes_the_seed_request_then_recalls_it_from_history() {
    let server = Server::start(vec![Reply::empty(200), Reply::empty(200)]);
    let url = server.url();
    let home = tempfile::tempdir().expect("temp dir");
    let t = Terminal::start_in(home.path(), &["--cli-auto-prompt"], &loopback_env());
    let line = type_seed(&t, &url);
    t.wait_for("[Tab] complete");
    t.keys(&["Enter"]);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("[exit 0]"), "{screen}");
    // The accepted line stays on the screen, without the panel.
    assert!(screen.contains(&format!("{line}\n[exit 0]")), "{screen}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_seed_request(&requests[0]);
    let ua = requests[0].header("user-agent").unwrap_or_default();
    assert!(ua.contains(" md/prompt#on "), "{ua}");
    // The history, as the AWS CLI v2 writes its own (Python's json.dump).
    let file = home.path().join(".aws/cli/cache/aws-connect_prompt_history.json");
    let text = std::fs::read_to_string(&file).expect("the history file");
    let command = line.trim_start_matches("> aws-connect ");
    assert_eq!(text, format!(r#"{{"version": 1, "commands": ["{command}"]}}"#));
    drop(t);

    // A second run recalls it with Up.
    let t = Terminal::start_in(home.path(), &["--cli-auto-prompt"], &loopback_env());
    t.wait_for("> aws-connect");
    t.keys(&["Escape"]);
    t.wait_for("[Tab] complete");
    t.keys(&["Up"]);
    t.wait_for(&line);
    t.keys(&["Enter"]);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("[exit 0]"), "{screen}");
    assert_eq!(server.requests().len(), 2);
    assert_seed_request(&server.requests()[1]);
}

#[test]
fn picks_an_enum_value_from_the_menu() {
    let server = Server::start(vec![Reply::empty(200)]);
    let url = server.url();
    let t = Terminal::start(
        &["update-queue-status", "--instance-id", "i", "--queue-id", "q", "--cli-auto-prompt", "--endpoint-url", &url],
        &loopback_env(),
    );
    // The given line, with the parameters not given in the menu.
    let line = format!("> aws-connect update-queue-status --instance-id i --queue-id q --endpoint-url {url}");
    let screen = t.wait_for("--status (required)");
    assert_eq!(menu(&screen, &format!("{line} ")).first().map(String::as_str), Some("--status (required)"), "{screen}");
    t.keys(&["Tab", "Enter"]);
    let screen = t.wait_for("DISABLED");
    assert_eq!(menu(&screen, &format!("{line} --status ")), ["ENABLED", "DISABLED"], "{screen}");
    t.type_text("dis");
    let screen = t.wait_for("--status dis");
    assert_eq!(menu(&screen, &format!("{line} --status dis")), ["DISABLED"], "{screen}");
    t.keys(&["Tab", "Enter"]);
    t.wait_for(&format!("--endpoint-url {url} --status DISABLED\n"));
    t.keys(&["Escape"]);
    let screen = t.wait_for("[Tab] complete");
    assert!(lines_with(&screen, "Required:").is_empty(), "{screen}");
    t.keys(&["Enter"]);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("[exit 0]"), "{screen}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].target.as_str(), requests[0].body_text()),
        ("/queues/i/q/status", r#"{"Status":"DISABLED"}"#)
    );
}

#[test]
fn on_partial_prompts_after_a_parameter_error_with_the_given_values() {
    let server = Server::start(vec![Reply::empty(200)]);
    let url = server.url();
    let mut env = credentials();
    env.push(("AWS_CLI_AUTO_PROMPT", "on-partial"));
    let args = [
        OP,
        "--user-id",
        "87654321-2222-1234-1234-111234567891",
        "--instance-id",
        "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "--endpoint-url",
        &url,
    ];
    let t = Terminal::start(&args, &env);
    // The command line as given, the missing parameter offered; the parameter error not shown.
    let screen = t.wait_for("--identity-info (required)");
    assert!(screen.contains(&format!("> aws-connect {}\n", args.join(" "))), "{screen}");
    assert!(!screen.contains("ERROR"), "{screen}");
    t.type_text("--identity-info FirstName=Mary,LastName=Major,Email=marym@example.com");
    t.wait_for("[Tab] complete");
    t.keys(&["Enter"]);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("[exit 0]"), "{screen}");
    assert_eq!(server.requests().len(), 1);
    assert_seed_request(&server.requests()[0]);
    let ua = server.requests()[0].header("user-agent").map(str::to_owned).unwrap_or_default();
    assert!(ua.contains(" md/prompt#partial "), "{ua}");
}

#[test]
fn ctrl_c_while_prompting_exits_130() {
    let t = Terminal::start(&[OP, "--cli-auto-prompt"], &credentials());
    t.wait_for("> aws-connect update-user-identity-info");
    t.type_text("--user-id u");
    t.wait_for("--user-id (string, required)");
    t.keys(&["C-c"]);
    let screen = t.wait_for("[exit ");
    // The line stays as it was, the panel goes; nothing else is written.
    assert!(screen.contains(&format!("> aws-connect {OP} --user-id u\n[exit 130]")), "{screen:?}");
}

#[test]
fn output_goes_through_the_pager_in_a_terminal() {
    let server = Server::start(vec![Reply::empty(200)]);
    let url = server.url();
    let mut env = credentials();
    env.push(("AWS_PAGER", "sed s/^/PAGED:/"));
    let args = [
        OP,
        "--identity-info",
        "FirstName=Mary",
        "--user-id",
        "u",
        "--instance-id",
        "i",
        "--endpoint-url",
        &url,
        "--query",
        "'shown'",
    ];
    let t = Terminal::start(&args, &env);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("PAGED:\"shown\"") && screen.contains("[exit 0]"), "{screen}");
    drop(t);

    // A pager that cannot start.
    env.pop();
    env.push(("AWS_PAGER", "no-such-pager -x"));
    let t = Terminal::start(&args, &env);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("[exit 253]"), "{screen}");
    assert!(
        screen.contains(
            "Unable to redirect output to pager. Received the following error when opening pager:\n\
             [Errno 2] No such file or directory: 'no-such-pager'"
        ),
        "{screen}"
    );
}

#[test]
fn no_terminal_no_prompt() {
    let r = crate::common::Env::new().run(&[OP, "--cli-auto-prompt"]);
    assert_eq!(r.code, 252, "{}", r.stderr);
    assert!(r.stderr.contains("not a terminal"), "{}", r.stderr);
    let r = crate::common::Env::new().run(&[OP, "--cli-auto-prompt", "--no-cli-auto-prompt"]);
    insta::assert_snapshot!(r.snapshot(), @r"
    exit_code: 252
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (ParamValidation): Both --cli-auto-prompt and --no-cli-auto-prompt cannot be specified at the same time.
    ");
}

#[test]
fn ctrl_c_during_a_request_exits_130_with_a_newline() {
    let server = Server::start(vec![Reply::delay(Duration::from_secs(30), Reply::empty(200))]);
    let url = server.url();
    let args =
        [OP, "--identity-info", "FirstName=Mary", "--user-id", "u", "--instance-id", "i", "--endpoint-url", &url];
    let t = Terminal::start(&args, &credentials());
    let start = Instant::now();
    while server.requests().is_empty() {
        assert!(start.elapsed() < TIMEOUT, "the request was not sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    t.tmux(&["send-keys", "-t", "t", "C-c"]);
    let screen = t.wait_for("[exit ");
    // The terminal echoes ^C; the newline after it is ours.
    assert!(screen.contains("^C\n[exit 130]"), "{screen:?}");
    assert!(!screen.contains("ERROR"), "{screen}");
}

#[test]
fn no_pager_without_a_terminal() {
    let server = Server::start(vec![Reply::empty(200)]);
    let url = server.url();
    let mut env = crate::common::Env::new();
    for (k, v) in credentials() {
        env = env.var(k, v);
    }
    let env = env.var("AWS_PAGER", "no-such-pager");
    let args =
        [OP, "--identity-info", "FirstName=Mary", "--user-id", "u", "--instance-id", "i", "--endpoint-url", &url];
    let mut args = args.to_vec();
    args.extend(["--query", "'shown'"]);
    let r = env.run(&args);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "\"shown\"\n", ""));
}
