//! The binary in a real terminal, driven through tmux: the auto-prompt answering the seed example
//! (the loopback server must receive exactly the seed request), `on-partial`, Ctrl-C, and the
//! output pager. tmux is required: these tests fail, not skip, without it (`.ci/run` installs it).

use std::path::PathBuf;
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
    socket: PathBuf,
}

impl Terminal {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Terminal {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("tmux.sock");
        let mut line = format!(
            "cd {} && env -i HOME={} PATH={}",
            quote(&dir.path().to_string_lossy()),
            quote(&dir.path().to_string_lossy()),
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
        let t = Terminal { _dir: dir, socket };
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

    /// The whole screen, with wrapped lines joined.
    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-J", "-t", "t"]).stdout).into_owned()
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

    /// Waits for `prompt`, then types `answer` and Enter.
    fn answer(&self, prompt: &str, answer: &str) {
        self.wait_for(prompt);
        if !answer.is_empty() {
            self.tmux(&["send-keys", "-t", "t", "-l", answer]);
        }
        self.tmux(&["send-keys", "-t", "t", "Enter"]);
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

/// Answers the prompts of the seed example, then returns the screen once the command ended.
fn answer_seed(t: &Terminal, with_ids: bool) -> String {
    t.answer("--identity-info: ", "");
    t.answer("FirstName: ", "Mary");
    t.answer("LastName: ", "Major");
    t.answer("Email: ", "marym@example.com");
    t.answer("SecondaryEmail: ", "");
    t.answer("Mobile: ", "");
    if with_ids {
        t.answer("--user-id: ", "87654321-2222-1234-1234-111234567891");
        t.answer("--instance-id: ", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
    }
    t.wait_for("[exit ")
}

fn assert_seed_request(server: &Server) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!((req.method.as_str(), req.target.as_str(), req.body_text()), ("POST", TARGET, BODY));
    assert_eq!(req.signature, SigCheck::Verified);
}

#[test]
fn auto_prompt_sends_the_seed_request() {
    let server = Server::start(vec![Reply::empty(200)]);
    let url = server.url();
    let t = Terminal::start(&[OP, "--cli-auto-prompt", "--endpoint-url", &url], &credentials());
    let screen = answer_seed(&t, true);
    assert!(screen.contains("[exit 0]"), "{screen}");
    assert!(screen.contains("--identity-info (structure, required)"), "{screen}");
    assert!(
        screen.contains(&format!(
            "> aws-connect {OP} --identity-info FirstName=Mary,LastName=Major,Email=marym@example.com \
             --user-id 87654321-2222-1234-1234-111234567891 --instance-id a1b2c3d4-5678-90ab-cdef-EXAMPLE11111 \
             --endpoint-url {url}"
        )),
        "{screen}"
    );
    assert_seed_request(&server);
    let ua = server.requests()[0].header("user-agent").map(str::to_owned).unwrap_or_default();
    assert!(ua.contains(" md/prompt#on "), "{ua}");
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
    t.wait_for("--identity-info: ");
    // The parameter error is not shown.
    assert!(!t.screen().contains("ERROR"), "{}", t.screen());
    let screen = {
        t.answer("--identity-info: ", "");
        t.answer("FirstName: ", "Mary");
        t.answer("LastName: ", "Major");
        t.answer("Email: ", "marym@example.com");
        t.answer("SecondaryEmail: ", "");
        t.answer("Mobile: ", "");
        // The given values are the defaults: Enter keeps them.
        t.answer("--user-id [87654321-2222-1234-1234-111234567891]: ", "");
        t.answer("--instance-id [a1b2c3d4-5678-90ab-cdef-EXAMPLE11111]: ", "");
        t.wait_for("[exit ")
    };
    assert!(screen.contains("[exit 0]"), "{screen}");
    assert_seed_request(&server);
    let ua = server.requests()[0].header("user-agent").map(str::to_owned).unwrap_or_default();
    assert!(ua.contains(" md/prompt#partial "), "{ua}");
}

#[test]
fn ctrl_c_while_prompting_exits_130() {
    let t = Terminal::start(&[OP, "--cli-auto-prompt"], &credentials());
    t.wait_for("--identity-info: ");
    t.tmux(&["send-keys", "-t", "t", "C-c"]);
    let screen = t.wait_for("[exit ");
    assert!(screen.contains("[exit 130]"), "{screen}");
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
