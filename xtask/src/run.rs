//! `cargo xtask demo` and `cargo xtask bench`: the seed command against the local emulator, and
//! whole-process measurements of aws-connect beside the AWS CLI, against the emulator too; the
//! bulk figures live in `run/bulk.rs`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use loopback::{ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};

mod bulk;

/// The seed document's example.
const SEED: &[&str] = &[
    "update-user-identity-info",
    "--identity-info",
    "FirstName=Mary,LastName=Major,Email=marym@example.com",
    "--user-id",
    "87654321-2222-1234-1234-111234567891",
    "--instance-id",
    "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
];

/// A command with the loopback server's credentials and region, and nothing else of the
/// machine's AWS configuration.
fn with_test_env(mut cmd: Command, home: &std::path::Path) -> Command {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env("PAGER", "cat");
    cmd
}

fn temp_home() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("aws-connect-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// A running `connect-emulator`, killed when dropped.
pub(crate) struct EmulatorProcess {
    child: std::process::Child,
    pub url: String,
}

impl EmulatorProcess {
    /// Starts `binary` on a free port with `args` and reads the URL it prints first.
    pub fn start(binary: &std::path::Path, args: &[&str]) -> Result<EmulatorProcess, String> {
        use std::io::BufRead;
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).map_err(|e| format!("reading the emulator: {e}"))?;
        let url = line.trim().strip_prefix("listening on ").map(str::to_owned);
        let mut process = EmulatorProcess { child, url: String::new() };
        process.url = url.ok_or(format!("unexpected first line of the emulator {line:?}"))?;
        Ok(process)
    }

    /// Stops it with SIGTERM (so that it writes what it keeps) and waits for it.
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child's pid, which has not been waited for.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `cargo xtask demo`: starts `connect-emulator` (a local Connect), creates an instance and a user
/// with aws-connect, shows `describe-user`, runs the seed command with `--debug`, and shows
/// `describe-user` again.
pub fn demo(build: bool) -> Result<(), String> {
    let [binary, emulator] = dev_binaries(build, ["aws-connect", "connect-emulator"])?;
    let home = temp_home()?;
    let emulator = EmulatorProcess::start(&emulator, &[])?;
    println!("connect-emulator: listening on {}\n", emulator.url);
    let result = demo_script(&binary, &emulator.url, &home);
    drop(emulator);
    let _ = std::fs::remove_dir_all(home);
    result
}

/// Runs aws-connect against the endpoint `url` and returns its trimmed standard output; `show`
/// echoes the command and its output (and lets its standard error through).
pub(crate) fn aws_connect(
    binary: &std::path::Path,
    url: &str,
    home: &std::path::Path,
    args: &[&str],
    show: bool,
) -> Result<String, String> {
    if show {
        println!("$ aws-connect {}", args.join(" "));
    }
    let out = with_test_env(Command::new(binary), home)
        .env("AWS_ENDPOINT_URL", url)
        .args(args)
        .stdin(Stdio::null())
        .stderr(if show { Stdio::inherit() } else { Stdio::piped() })
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if show || !out.status.success() {
        print!("{stdout}");
    }
    if !out.status.success() {
        return Err(format!(
            "aws-connect {}: exit code {}: {}",
            args.first().unwrap_or(&""),
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(stdout.trim().to_owned())
}

/// What the demo and the benchmarks create first: an instance, its default routing profile and
/// Agent security profile.
pub(crate) struct Setup {
    pub instance: String,
    pub routing: String,
    pub security: String,
}

/// Creates an instance with aws-connect and finds its default profiles.
pub(crate) fn setup(binary: &std::path::Path, url: &str, home: &std::path::Path) -> Result<Setup, String> {
    let run = |args: &[&str]| aws_connect(binary, url, home, args, false);
    let instance = run(&[
        "create-instance",
        "--identity-management-type",
        "CONNECT_MANAGED",
        "--instance-alias",
        "demo",
        "--inbound-calls-enabled",
        "--outbound-calls-enabled",
        "--query",
        "Id",
        "--output",
        "text",
    ])?;
    let routing = run(&[
        "list-routing-profiles",
        "--instance-id",
        &instance,
        "--query",
        "RoutingProfileSummaryList[0].Id",
        "--output",
        "text",
    ])?;
    let security = run(&[
        "list-security-profiles",
        "--instance-id",
        &instance,
        "--query",
        "SecurityProfileSummaryList[?Name=='Agent'].Id",
        "--output",
        "text",
    ])?;
    Ok(Setup { instance, routing, security })
}

/// Creates a user with aws-connect and returns its id.
pub(crate) fn create_user(
    binary: &std::path::Path,
    url: &str,
    home: &std::path::Path,
    s: &Setup,
    username: &str,
) -> Result<String, String> {
    let args = [
        "create-user",
        "--instance-id",
        &s.instance,
        "--username",
        username,
        "--phone-config",
        "PhoneType=SOFT_PHONE",
        "--security-profile-ids",
        &s.security,
        "--routing-profile-id",
        &s.routing,
        "--query",
        "UserId",
        "--output",
        "text",
    ];
    aws_connect(binary, url, home, &args, false)
}

/// The seed command with the ids of a user and its instance.
fn seed_for<'a>(user: &'a str, instance: &'a str) -> Vec<&'a str> {
    let mut seed: Vec<&str> = SEED.to_vec();
    let user_at = seed.iter().position(|a| *a == "--user-id").map_or(0, |i| i + 1);
    let instance_at = seed.iter().position(|a| *a == "--instance-id").map_or(0, |i| i + 1);
    seed[user_at] = user;
    seed[instance_at] = instance;
    seed
}

/// The demo's commands against the emulator at `url`.
fn demo_script(binary: &std::path::Path, url: &str, home: &std::path::Path) -> Result<(), String> {
    let run = |args: &[&str]| aws_connect(binary, url, home, args, true).map(|_| ());
    let s = setup(binary, url, home)?;
    let user = create_user(binary, url, home, &s, "mary")?;
    let describe = ["describe-user", "--user-id", &user, "--instance-id", &s.instance, "--query", "User.IdentityInfo"];
    println!("Created instance {} and user {user} (mary).\n\nBefore:", s.instance);
    run(&describe)?;
    println!("\nThe seed command, with --debug:");
    let mut seed = seed_for(&user, &s.instance);
    seed.push("--debug");
    run(&seed)?;
    println!("\nAfter:");
    run(&describe)
}

/// Builds aws-connect and connect-emulator in the dev profile (quick to build, and shared with
/// the tests' build; `cargo xtask dist` makes the optimized binary) unless `build` is false (the
/// test of the demo, which cargo has built them for), and returns their paths.
fn dev_binaries(build: bool, names: [&str; 2]) -> Result<[PathBuf; 2], String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target"));
    let paths = names.map(|name| target.join("debug").join(format!("{name}{}", std::env::consts::EXE_SUFFIX)));
    if !build {
        return match paths.iter().find(|p| !p.exists()) {
            Some(missing) => Err(format!("{} is missing: build it with `cargo build --workspace`", missing.display())),
            None => Ok(paths),
        };
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "-p", "connect-cli", "-p", "connect-emulator"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the build failed".into());
    }
    Ok(paths)
}

/// Builds connect-emulator optimized for the benchmarks, which measure the client beside it (the
/// release profile: optimized, quick to build) and returns its path.
pub(crate) fn build_emulator() -> Result<PathBuf, String> {
    let root = crate::workspace_root();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--locked", "--quiet", "-p", "connect-emulator"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building connect-emulator failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release").join(format!("connect-emulator{}", std::env::consts::EXE_SUFFIX)))
}

/// One measured process: wall time and peak resident memory.
struct Sample {
    wall: Duration,
    max_rss_kib: u64,
    code: i32,
}

/// Runs `cmd` to completion, measuring it with `wait4` (peak RSS of that child alone).
fn measure(cmd: &mut Command) -> Result<Sample, String> {
    let start = Instant::now();
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| format!("cannot start: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, which nothing else waits for; the pointers are valid.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if rc != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Ok(Sample { wall, max_rss_kib: usage.ru_maxrss as u64, code })
}

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
    rss_mib: f64,
}

fn stats(samples: &[Sample]) -> Stats {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    let mut rss: Vec<u64> = samples.iter().map(|s| s.max_rss_kib).collect();
    rss.sort();
    Stats {
        median: walls[walls.len() / 2],
        min: walls[0],
        max: walls[walls.len() - 1],
        rss_mib: rss[rss.len() / 2] as f64 / 1024.0,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `cargo xtask bench [--runs N] [--bin PATH]... [--bulk [--rows N]]`: a hello-world program built
/// the same way (the baseline: what starting a process costs), then skeleton, the seed request
/// against connect-emulator and the help page, for aws-connect and the installed `aws`, side by
/// side; with `--bin`, for each of the given aws-connect binaries instead of the one `dist`
/// builds, their runs interleaved. With `--bulk`, the figures of `--cli-input-rows` against the
/// emulator instead.
pub fn bench(args: &[&str]) -> Result<(), String> {
    const USAGE: &str =
        "usage: cargo xtask bench [--runs N] [--bin PATH]... | cargo xtask bench --bulk [--rows N] [CASE...]";
    if let ["--bulk", rest @ ..] = args {
        return bulk::bench(rest).map_err(|e| if e.is_empty() { USAGE.into() } else { e });
    }
    let (mut runs, mut binaries) = (30, Vec::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (*arg, it.next()) {
            ("--runs", Some(n)) => runs = n.parse().map_err(|_| format!("--runs takes a number, not {n}"))?,
            ("--bin", Some(path)) => binaries.push(PathBuf::from(path)),
            _ => return Err(USAGE.into()),
        }
    }
    if binaries.is_empty() {
        binaries.push(crate::dist::build()?);
    }
    let hello = crate::dist::build_hello()?;
    let emulator_binary = build_emulator()?;
    let home = temp_home()?;
    let aws = crate::which("aws").map(unshim);
    // The emulator without quotas: every run of both clients is answered at once.
    let emulator = EmulatorProcess::start(&emulator_binary, &["--throttle", "off"])?;
    let url = emulator.url.clone();
    let s = setup(&binaries[0], &url, &home)?;
    let user = create_user(&binaries[0], &url, &home, &s, "mary")?;

    let mut seed = seed_for(&user, &s.instance);
    seed.extend(["--endpoint-url", &url]);
    let skeleton = [SEED[0], "--generate-cli-skeleton"];
    let help = [SEED[0], "help"];
    let cases: [(&str, &[&str]); 3] = [("skeleton", &skeleton), ("seed request", &seed), ("help", &help)];

    println!(
        "{runs} runs each of aws-connect, {} of aws; wall time median (min–max), peak RSS median",
        runs.clamp(1, 10)
    );
    for (i, binary) in binaries.iter().enumerate() {
        let label = if binaries.len() > 1 { format!(" [{}]", i + 1) } else { String::new() };
        println!("aws-connect{label}: {} ({})", binary.display(), elf_facts(binary));
    }
    println!("hello world: {} ({})", hello.display(), elf_facts(&hello));
    if let Some(aws) = &aws {
        println!("aws: {}", aws.display());
    }
    println!("machine: {} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), uname());
    println!();
    let baseline = stats(&measure_all(&[hello], &home, &[], runs, "hello world", 0)?[0]);
    println!("{:<14} {:<34} {:<34} ratio (wall)", "case", "aws-connect", "aws");
    println!("{:<14} {:<34}", "hello world", summary(&baseline));
    // The floor of the binary itself: an argument that is not UTF-8 ends the run (exit code 255)
    // before any argument is parsed; what remains is loading and relocating the program.
    #[cfg(unix)]
    let mut floors = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let not_utf8 = [std::ffi::OsStr::from_bytes(b"\xff")];
        let samples = measure_all(&binaries, &home, &not_utf8, runs, "floor", 255)?;
        for (i, samples) in samples.iter().enumerate() {
            let o = stats(samples);
            let label = if binaries.len() > 1 { format!("floor [{}]", i + 1) } else { "floor".to_owned() };
            println!("{label:<14} {:<34}", summary(&o));
            floors.push(o.median);
        }
    }
    let mut skeletons = Vec::new();
    for (name, args) in cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        let args = &args[..];
        let ours = measure_all(&binaries, &home, args, runs, name, 0)?;
        let (theirs_text, theirs) = match &aws {
            Some(aws) => {
                let mut full = vec![std::ffi::OsStr::new("connect")];
                full.extend_from_slice(args);
                let n = runs.clamp(1, 10);
                let theirs = (0..n)
                    .map(|_| measure(with_test_env(Command::new(aws), &home).args(&full)))
                    .collect::<Result<Vec<_>, _>>()?;
                let t = stats(&theirs);
                (summary(&t), Some(t.median))
            }
            None => ("(aws not installed)".to_owned(), None),
        };
        for (i, samples) in ours.iter().enumerate() {
            let o = stats(samples);
            let ratio = theirs.map_or("-".to_owned(), |t| format!("{:.0}×", t.as_secs_f64() / o.median.as_secs_f64()));
            let label = if binaries.len() > 1 { format!("{name} [{}]", i + 1) } else { name.to_owned() };
            let theirs_text = if i == 0 { theirs_text.as_str() } else { "" };
            println!("{label:<14} {:<34} {theirs_text:<34} {ratio}", summary(&o));
            if name == "skeleton" {
                skeletons.push(o.median);
            }
        }
    }
    for (i, median) in skeletons.iter().enumerate() {
        let label = if binaries.len() > 1 { format!(" [{}]", i + 1) } else { String::new() };
        println!(
            "\nskeleton{label} / hello world: {:.2}× (wall time medians)",
            median.as_secs_f64() / baseline.median.as_secs_f64()
        );
        #[cfg(unix)]
        println!(
            "floor{label} / hello world: {:.2}× (loading and relocating aws-connect, before its main work)",
            floors[i].as_secs_f64() / baseline.median.as_secs_f64()
        );
    }
    emulator.stop();
    let _ = std::fs::remove_dir_all(home);
    Ok(())
}

/// `runs` runs of each binary with `args`, interleaved (one run of each in turn, so that a change
/// in the machine's load affects them alike), checked to exit with `code`.
fn measure_all(
    binaries: &[PathBuf],
    home: &std::path::Path,
    args: &[&std::ffi::OsStr],
    runs: usize,
    name: &str,
    code: i32,
) -> Result<Vec<Vec<Sample>>, String> {
    let mut samples: Vec<Vec<Sample>> = binaries.iter().map(|_| Vec::with_capacity(runs)).collect();
    for _ in 0..runs {
        for (binary, samples) in binaries.iter().zip(&mut samples) {
            let sample = measure(with_test_env(Command::new(binary), home).args(args))?;
            if sample.code != code {
                return Err(format!("{} ({name}) exited with {}", binary.display(), sample.code));
            }
            samples.push(sample);
        }
    }
    Ok(samples)
}

fn summary(s: &Stats) -> String {
    format!("{} ({}–{}) {:.1} MiB", ms(s.median), ms(s.min), ms(s.max), s.rss_mib)
}

/// How the binary is linked, for the report.
fn elf_facts(binary: &std::path::Path) -> String {
    crate::elf::read(binary).map_or_else(|e| e, |f| f.describe())
}

/// A pyenv shim is a shell script that finds the real program: measure the program itself.
fn unshim(path: PathBuf) -> PathBuf {
    if !path.to_string_lossy().contains("/shims/") {
        return path;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match Command::new("pyenv").args(["which", &name]).output() {
        Ok(out) if out.status.success() => PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()),
        _ => path,
    }
}

fn uname() -> String {
    let out = Command::new("uname").args(["-srm"]).output().ok();
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    format!("{} {model}", out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default())
}
