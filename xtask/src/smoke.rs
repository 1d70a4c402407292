//! `cargo xtask smoke [--target TRIPLE] [--bin PATH]`: the platform smoke suite. It builds the
//! shipped binary for a target (`cargo xtask dist`) and runs it where it can run here: natively,
//! under qemu-user for another Linux architecture, under Wine for Windows. Each case runs the
//! binary as a user would, against a loopback server that checks SigV4 signatures, in a home
//! directory of its own (`HOME`, or Wine's `%USERPROFILE%`). A Linux binary must also be linked as
//! `cargo xtask dist` promises: static, a position-independent executable (loaded at a random
//! address), RELRO, no executable stack.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use loopback::{ACCESS_KEY_ID, Captured, REGION, Reply, SECRET_ACCESS_KEY, Server, SigCheck};

const INSTANCE: &str = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
const USER: &str = "87654321-2222-1234-1234-111234567891";
const IDENTITY: &str = "FirstName=Mary,LastName=Major,Email=marym@example.com";
/// The body botocore sends for the seed command (its member order is the input's).
const SEED_BODY: &str = r#"{"IdentityInfo": {"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"}}"#;
/// The same identity as a JSON file with Windows line endings.
const IDENTITY_FILE: &str =
    "{\r\n  \"FirstName\": \"Mary\",\r\n  \"LastName\": \"Major\",\r\n  \"Email\": \"marym@example.com\"\r\n}\r\n";

/// `cargo xtask smoke` with its arguments.
pub fn run(args: &[&str]) -> Result<(), String> {
    let (mut target, mut bin, mut profile) = (None, None, "dist");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--target" => target = Some(*it.next().ok_or("--target takes a target triple")?),
            "--bin" => {
                // Absolute: the cases run in directories of their own.
                let path = PathBuf::from(it.next().ok_or("--bin takes a path")?);
                bin = Some(std::fs::canonicalize(&path).map_err(|e| format!("--bin {}: {e}", path.display()))?)
            }
            "--profile" => profile = it.next().ok_or("--profile takes a cargo profile (dist, release, dev)")?,
            other => {
                return Err(format!(
                    "unknown option {other}\nusage: cargo xtask smoke [--target TRIPLE] [--profile dist|release|dev] [--bin PATH]"
                ));
            }
        }
    }
    let binary = match bin {
        Some(bin) => bin,
        None => crate::dist::build_with(target, profile)?,
    };
    let work = std::env::temp_dir().join(format!("aws-connect-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let mut platform = Platform::new(target, &binary, &work)?;
    platform.static_pie = crate::dist::static_pie(target);
    println!("smoke: {} ({})", binary.display(), platform.describe());
    let mut failed = Vec::new();
    let linux = platform.os_arch.starts_with("linux/");
    let only_linux: &[(&str, Case)] = if linux { LINUX_CASES } else { &[] };
    let cases: Vec<&(&str, Case)> = CASES.iter().chain(only_linux).collect();
    for (name, case) in cases.iter().copied() {
        match case(&platform) {
            Ok(()) => println!("ok    {name}"),
            Err(e) => {
                println!("FAIL  {name}: {e}");
                failed.push(*name);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    if failed.is_empty() {
        println!("smoke: {} cases passed", cases.len());
        Ok(())
    } else {
        Err(format!("smoke: {} of {} cases failed: {}", failed.len(), cases.len(), failed.join(", ")))
    }
}

type Case = fn(&Platform) -> Result<(), String>;

const CASES: &[(&str, Case)] = &[
    ("version", version),
    ("help", help),
    ("skeleton", skeleton),
    ("seed request, SigV4 verified", seed_request),
    ("service error, exit 254", service_error),
    ("--output table (as aws prints it)", output_table),
    ("file:// relative, CRLF", file_relative),
    ("file://~/ in the home directory", file_home),
    ("file:// missing, exit 252", file_missing),
    ("credentials and config in the home directory", home_config),
];

/// The cases of Linux binaries only.
const LINUX_CASES: &[(&str, Case)] = &[("static-PIE (ASLR), RELRO, NX stack", linked_as_dist)];

/// How the binary runs here, and where its home directory is.
struct Platform {
    binary: PathBuf,
    /// The emulator that runs it (`qemu-aarch64`, `wine64`), if any.
    runner: Option<PathBuf>,
    /// Wine's prefix, for a Windows binary.
    wine_prefix: Option<PathBuf>,
    /// The home directory as the binary names it, and where that is on this machine.
    home: String,
    home_here: PathBuf,
    /// A scratch directory, the working directory of every run.
    work: PathBuf,
    /// What `--version` names: `linux/aarch64`, `windows/x86_64`.
    os_arch: String,
    /// Whether `cargo xtask dist` makes a static-PIE of this target.
    static_pie: bool,
}

impl Platform {
    fn new(target: Option<&str>, binary: &Path, work: &Path) -> Result<Platform, String> {
        let (arch, os) = match target {
            Some(t) => {
                let arch = t.split('-').next().unwrap_or_default().to_owned();
                let os = if t.contains("-windows-") {
                    "windows"
                } else if t.contains("-linux-") {
                    "linux"
                } else {
                    return Err(format!("{t} cannot run here: the smoke suite runs Linux and Windows targets"));
                };
                (arch, os.to_owned())
            }
            None => (std::env::consts::ARCH.to_owned(), std::env::consts::OS.to_owned()),
        };
        let mut platform = Platform {
            binary: binary.to_owned(),
            runner: None,
            wine_prefix: None,
            home: String::new(),
            home_here: work.join("home"),
            work: work.to_owned(),
            os_arch: format!("{os}/{arch}"),
            static_pie: false,
        };
        if os == "windows" {
            let wine = ["wine64", "wine"]
                .iter()
                .find_map(|w| crate::which(w))
                .or_else(|| Some(PathBuf::from("/usr/lib/wine/wine64")).filter(|p| p.is_file()))
                .ok_or("Wine is needed to run a Windows binary: apt-get install wine64")?;
            // A prefix of its own, kept between runs in the target directory (creating one takes
            // a while).
            let prefix = crate::dist::target_dir().join("smoke-wine");
            platform.runner = Some(wine);
            platform.wine_prefix = Some(prefix.clone());
            // Wine sets %USERPROFILE% itself: ask it, then find that directory in the prefix.
            let out = platform
                .raw(&["cmd", "/c", "echo %USERPROFILE%"])
                .output()
                .map_err(|e| format!("cannot run Wine: {e}"))?;
            let profile = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            let rest = profile
                .strip_prefix("C:\\")
                .ok_or_else(|| format!("Wine's %USERPROFILE% is {profile:?}, not on drive C:"))?;
            platform.home_here = prefix.join("drive_c").join(rest.replace('\\', "/"));
            wine_process_prng(&prefix)?;
            platform.home = profile;
            let _ = std::fs::remove_dir_all(platform.home_here.join(".aws"));
        } else {
            if arch != std::env::consts::ARCH {
                let qemu = format!("qemu-{arch}");
                platform.runner = Some(
                    crate::which(&qemu)
                        .ok_or(format!("{qemu} is needed to run an {arch} binary: apt-get install qemu-user"))?,
                );
            }
            platform.home = platform.home_here.display().to_string();
        }
        std::fs::create_dir_all(&platform.home_here).map_err(|e| format!("cannot create the home directory: {e}"))?;
        Ok(platform)
    }

    fn describe(&self) -> String {
        match &self.runner {
            Some(runner) => format!("{} under {}, home {}", self.os_arch, runner.display(), self.home),
            None => format!("{}, home {}", self.os_arch, self.home),
        }
    }

    /// A program run by the runner (or directly), with nothing of this machine's environment
    /// but `PATH`.
    fn raw(&self, args: &[&str]) -> Command {
        let mut cmd = match &self.runner {
            Some(runner) => {
                let mut cmd = Command::new(runner);
                cmd.args(args);
                cmd
            }
            None => {
                let mut cmd = Command::new(args[0]);
                cmd.args(&args[1..]);
                cmd
            }
        };
        cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).stdin(Stdio::null());
        if let Some(prefix) = &self.wine_prefix {
            cmd.env("WINEPREFIX", prefix).env("WINEDEBUG", "-all");
        }
        cmd
    }

    /// aws-connect with `args`, in the scratch directory, with only the home directory, the
    /// pager off and (unless `from_home_only`) the test credentials and region in its environment.
    fn run(&self, args: &[&str], from_home_only: bool) -> Result<Output, String> {
        let binary = self.binary.display().to_string();
        let mut all = vec![binary.as_str()];
        all.extend_from_slice(args);
        let mut cmd = self.raw(&all);
        cmd.current_dir(&self.work).env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_PAGER", "");
        if self.wine_prefix.is_none() {
            cmd.env("HOME", &self.home_here);
        }
        if !from_home_only {
            cmd.env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
                .env("AWS_REGION", REGION);
        }
        cmd.output().map_err(|e| format!("cannot run {binary}: {e}"))
    }

    /// Writes `contents` to `name` in the home directory.
    fn write_home(&self, name: &str, contents: &str) -> Result<(), String> {
        let path = self.home_here.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

/// Rust's standard library draws random numbers with `ProcessPrng` from `bcryptprimitives.dll`
/// (Windows 10 and later), which Wine before 9.0 (Debian 12 has 8.0) lacks: the prefix gets a
/// stand-in made with MinGW, on top of `RtlGenRandom`, which Wine has.
fn wine_process_prng(prefix: &Path) -> Result<(), String> {
    let dll = prefix.join("drive_c/windows/system32/bcryptprimitives.dll");
    if dll.exists() {
        return Ok(());
    }
    const SOURCE: &str = "#include <windows.h>\n\
        BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);\n\
        __declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {\n\
            while (length > 0) {\n\
                ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;\n\
                if (!SystemFunction036(data, n)) return FALSE;\n\
                data += n;\n\
                length -= n;\n\
            }\n\
            return TRUE;\n\
        }\n";
    let source = prefix.join("process-prng.c");
    std::fs::write(&source, SOURCE).map_err(|e| format!("cannot write {}: {e}", source.display()))?;
    let gcc = crate::which("x86_64-w64-mingw32-gcc")
        .ok_or("x86_64-w64-mingw32-gcc is needed: apt-get install gcc-mingw-w64-x86-64")?;
    let status = Command::new(gcc)
        .args(["-shared", "-O2", "-s", "-o"])
        .arg(&dll)
        .arg(&source)
        .arg("-ladvapi32")
        .status()
        .map_err(|e| format!("cannot run x86_64-w64-mingw32-gcc: {e}"))?;
    if status.success() { Ok(()) } else { Err("building the ProcessPrng stand-in for Wine failed".into()) }
}

/// The run's stdout, if it exited with `code` (else an error with both streams).
fn expect(out: &Output, code: i32) -> Result<String, String> {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(code) {
        return Err(format!("exit code {:?}, expected {code}\nstdout: {stdout}\nstderr: {stderr}", out.status.code()));
    }
    Ok(stdout)
}

/// The seed command, with the identity given as `identity`, sent to `url`.
fn seed_args<'a>(identity: &'a str, url: &'a str) -> Vec<&'a str> {
    vec![
        "update-user-identity-info",
        "--identity-info",
        identity,
        "--user-id",
        USER,
        "--instance-id",
        INSTANCE,
        "--endpoint-url",
        url,
    ]
}

/// The one request the seed command sent: signed, to the right path, with botocore's body.
fn check_seed_request(requests: &[Captured]) -> Result<(), String> {
    let [request] = requests else {
        return Err(format!("{} requests, expected 1", requests.len()));
    };
    if request.signature != SigCheck::Verified {
        return Err(format!("signature: {:?}", request.signature));
    }
    let path = format!("/users/{INSTANCE}/{USER}/identity-info");
    if request.method != "POST" || request.target != path {
        return Err(format!("{} {}, expected POST {path}", request.method, request.target));
    }
    let body = String::from_utf8_lossy(&request.body);
    let sent: serde_json::Value = serde_json::from_str(&body).map_err(|e| format!("body {body:?}: {e}"))?;
    let expected: serde_json::Value = serde_json::from_str(SEED_BODY).map_err(|e| e.to_string())?;
    if sent != expected {
        return Err(format!("body {body}, expected {SEED_BODY}"));
    }
    Ok(())
}

/// The ELF headers say: static (no interpreter), position-independent where `dist` makes a
/// static-PIE (`ET_DYN`, so the kernel loads it at a random address, and it relocates itself,
/// from packed RELR relocations), RELRO, a stack that is not executable.
fn linked_as_dist(p: &Platform) -> Result<(), String> {
    let facts = crate::elf::read(&p.binary)?;
    let expected = if p.static_pie { "static-PIE" } else { "static, fixed address" };
    if facts.kind() != expected || !facts.relro || facts.executable_stack {
        return Err(format!("{}, expected {expected} with RELRO and an NX stack", facts.describe()));
    }
    if p.static_pie && facts.packed_relocations == 0 {
        return Err(format!("{}: the relocations are not packed (RELR), as `dist` links them", facts.describe()));
    }
    Ok(())
}

fn version(p: &Platform) -> Result<(), String> {
    let stdout = expect(&p.run(&["--version"], false)?, 0)?;
    let expected = format!("aws-connect/{} {}", env!("CARGO_PKG_VERSION"), p.os_arch);
    if stdout.trim_end() != expected {
        return Err(format!("{stdout:?}, expected {expected:?}"));
    }
    Ok(())
}

fn help(p: &Platform) -> Result<(), String> {
    let stdout = expect(&p.run(&["help"], false)?, 0)?;
    if !stdout.contains("update-user-identity-info") {
        return Err("the help page does not list update-user-identity-info".into());
    }
    let stdout = expect(&p.run(&["update-user-identity-info", "help"], false)?, 0)?;
    if !stdout.contains("--identity-info") {
        return Err("the operation's help page does not list --identity-info".into());
    }
    Ok(())
}

fn skeleton(p: &Platform) -> Result<(), String> {
    let stdout = expect(&p.run(&["update-user-identity-info", "--generate-cli-skeleton"], false)?, 0)?;
    let value: serde_json::Value = serde_json::from_str(&stdout).map_err(|e| format!("not JSON ({e}): {stdout}"))?;
    let keys: Vec<&str> = value.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    // The input shape's members, in the model's order.
    if keys != ["IdentityInfo", "UserId", "InstanceId"] {
        return Err(format!("keys {keys:?}"));
    }
    Ok(())
}

fn seed_request(p: &Platform) -> Result<(), String> {
    let server = Server::start(vec![Reply::empty(200)]);
    let stdout = expect(&p.run(&seed_args(IDENTITY, &server.url()), false)?, 0)?;
    if !stdout.is_empty() {
        return Err(format!("stdout {stdout:?}, expected nothing"));
    }
    check_seed_request(&server.requests())
}

fn service_error(p: &Platform) -> Result<(), String> {
    let server = Server::start(vec![Reply::error(404, "ResourceNotFoundException", "User not found")]);
    let out = p.run(&seed_args(IDENTITY, &server.url()), false)?;
    expect(&out, 254)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = "An error occurred (ResourceNotFoundException) when calling the UpdateUserIdentityInfo operation: User not found";
    if !stderr.contains(message) {
        return Err(format!("stderr {stderr:?} does not say {message:?}"));
    }
    Ok(())
}

/// `describe-user --output table` prints what the installed `aws` prints for the same answer.
fn output_table(p: &Platform) -> Result<(), String> {
    let answer = r#"{"User": {"Id": "87654321-2222-1234-1234-111234567891", "Username": "mary",
        "IdentityInfo": {"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"},
        "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": false, "AfterContactWorkTimeLimit": 0},
        "SecurityProfileIds": ["sp-1", "sp-2"], "RoutingProfileId": "rp-1", "Tags": {"team": "blue"}}}"#;
    let server = Server::start(vec![Reply::json(200, answer)]);
    let url = server.url();
    let args =
        ["describe-user", "--user-id", USER, "--instance-id", INSTANCE, "--endpoint-url", &url, "--output", "table"];
    let ours = expect(&p.run(&args, false)?, 0)?;
    let aws = crate::which("aws")
        .ok_or("the table's oracle is the AWS CLI: python3 -m pip install -r .ci/requirements.txt")?;
    let home = std::env::temp_dir().join(format!("aws-connect-smoke-aws-{}", std::process::id()));
    let out = Command::new(aws)
        .arg("connect")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .map_err(|e| format!("cannot run aws: {e}"))?;
    let theirs = expect(&out, 0)?;
    if ours != theirs {
        return Err(format!("aws-connect printed\n{ours}\naws printed\n{theirs}"));
    }
    Ok(())
}

fn file_relative(p: &Platform) -> Result<(), String> {
    std::fs::write(p.work.join("identity.json"), IDENTITY_FILE).map_err(|e| e.to_string())?;
    let server = Server::start(vec![Reply::empty(200)]);
    expect(&p.run(&seed_args("file://identity.json", &server.url()), false)?, 0)?;
    check_seed_request(&server.requests())
}

fn file_home(p: &Platform) -> Result<(), String> {
    p.write_home("identity.json", IDENTITY_FILE)?;
    let server = Server::start(vec![Reply::empty(200)]);
    expect(&p.run(&seed_args("file://~/identity.json", &server.url()), false)?, 0)?;
    check_seed_request(&server.requests())
}

fn file_missing(p: &Platform) -> Result<(), String> {
    let server = Server::start(vec![Reply::empty(200)]);
    let out = p.run(&seed_args("file://missing.json", &server.url()), false)?;
    expect(&out, 252)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = "Unable to load paramfile file://missing.json: [Errno 2] No such file or directory: 'missing.json'";
    if !stderr.contains(message) {
        return Err(format!("stderr {stderr:?} does not say {message:?}"));
    }
    if !server.requests().is_empty() {
        return Err("a request was sent".into());
    }
    Ok(())
}

/// Credentials and region only from `.aws/credentials` and `.aws/config` in the home directory
/// (Windows line endings), for a named profile.
fn home_config(p: &Platform) -> Result<(), String> {
    let region = "eu-west-2";
    p.write_home(
        ".aws/credentials",
        &format!("[smoke]\r\naws_access_key_id = {ACCESS_KEY_ID}\r\naws_secret_access_key = {SECRET_ACCESS_KEY}\r\n"),
    )?;
    p.write_home(".aws/config", &format!("[profile smoke]\r\nregion = {region}\r\n"))?;
    let server = Server::builder().region(region).start(vec![Reply::empty(200)]);
    let url = server.url();
    let mut args = seed_args(IDENTITY, &url);
    args.extend(["--profile", "smoke"]);
    let result = expect(&p.run(&args, true)?, 0).and_then(|_| check_seed_request(&server.requests()));
    let _ = std::fs::remove_dir_all(p.home_here.join(".aws"));
    result
}
