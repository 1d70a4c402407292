//! `cargo xtask dist [--target TRIPLE]`: the release binary as it is shipped, built with the
//! `dist` profile (fat LTO, one codegen unit).
//!
//! On Linux that is a static musl executable: it starts without the dynamic loader and without
//! glibc's start-up (whose CPU feature probing traps to the hypervisor on virtual machines), and
//! position-independent (static-PIE): the kernel loads it at a random address (ASLR) and it
//! relocates itself at start-up, which the generated API tables leave cheap (they hold no
//! pointers: `connect-core/src/model/stored.rs`). rustc links x86_64's static-PIE itself; Rust's
//! aarch64 musl target has no `static-position-independent-executables`, so there the link goes
//! through the front in [`crate::link`]. Without `--target` it is built for this machine
//! (its musl target on Linux). Other targets are cross-compiled with the C compilers and linkers
//! Debian packages ([`cross_tools`]); macOS targets can be checked but not linked here.
//! [`build_hello`] builds a hello-world program the same way, the baseline of `cargo xtask bench`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the shipped binary for this machine and returns its path.
pub fn build() -> Result<PathBuf, String> {
    build_for(None)
}

/// Builds the shipped binary for `target` (this machine's when `None`) and returns its path.
pub fn build_for(target: Option<&str>) -> Result<PathBuf, String> {
    build_with(target, "dist")
}

/// Builds the binary for `target` as [`build_for`] does, with the cargo profile `profile`
/// (`release` builds the same code without whole-program optimization, much faster; `dev`, the
/// same code unoptimized, faster still, sharing the build scripts and proc-macros the tests
/// built).
pub fn build_with(target: Option<&str>, profile: &str) -> Result<PathBuf, String> {
    build_program(Program::AwsConnect, target, profile)
}

/// Builds a program that prints `hello world` for this machine exactly as [`build`] builds
/// aws-connect (the workspace's `release` and `dist` profiles, the same target and flags) and
/// returns its path: what starting a process costs, the baseline of `cargo xtask bench`.
pub fn build_hello() -> Result<PathBuf, String> {
    let dir = target_dir().join("hello-world");
    let manifest = dir.join("Cargo.toml");
    let workspace = std::fs::read_to_string(crate::workspace_root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read the workspace's Cargo.toml: {e}"))?;
    let contents = format!(
        "# Written by cargo xtask bench: the baseline program, built as `cargo xtask dist` builds aws-connect.\n\
         [package]\nname = \"hello-world\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n{}",
        profiles(&workspace, &["release", "dist"])
    );
    let main = "fn main() {\n    println!(\"hello world\");\n}\n";
    for (path, text) in [(manifest.clone(), contents.as_str()), (dir.join("src/main.rs"), main)] {
        crate::ensure_file_contents(&path, text, crate::Mode::Write)?;
    }
    build_program(Program::Hello(&manifest), None, "dist")
}

/// The `[profile.NAME]` tables of a Cargo manifest, as written there.
fn profiles(manifest: &str, names: &[&str]) -> String {
    let mut out = String::new();
    let mut keep = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = names.iter().any(|n| line.trim() == format!("[profile.{n}]"));
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// What [`build_program`] builds.
#[derive(Clone, Copy)]
enum Program<'a> {
    /// The workspace's `aws-connect`.
    AwsConnect,
    /// The bench's baseline: the package of this manifest, whose binary is `hello-world`.
    Hello(&'a Path),
}

fn build_program(program: Program<'_>, target: Option<&str>, profile: &str) -> Result<PathBuf, String> {
    let root = crate::workspace_root();
    let target_dir = target_dir();
    let target = match target {
        Some(t) => {
            ensure_target(t)?;
            Some(t)
        }
        None => host_musl_target().filter(|target| match ensure_target(target) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("{e}: building the dynamically linked release binary instead");
                false
            }
        }),
    };
    if let Some(target) = target.filter(|t| is_macos(t) && std::env::consts::OS != "macos") {
        return Err(format!(
            "{target} cannot be linked here (no macOS SDK and linker); `cargo xtask dist --check --target {target}` type-checks it"
        ));
    }
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--profile", profile, "--quiet"]);
    let name = match program {
        Program::AwsConnect => {
            cargo.args(["--locked", "-p", "connect-cli", "--bin", "aws-connect"]);
            "aws-connect"
        }
        Program::Hello(manifest) => {
            cargo.arg("--manifest-path").arg(manifest).env("CARGO_TARGET_DIR", &target_dir);
            "hello-world"
        }
    };
    let binary = match target {
        Some(target) => {
            cargo.args(["--target", target]);
            cross_tools(&mut cargo, target)?;
            if target.ends_with("-linux-musl") {
                // Static-PIE (said explicitly where it is the target's default, so that a change of
                // default cannot turn ASLR off; `cargo xtask smoke` checks the result). Given for
                // the target only: with `--target`, build scripts and proc-macros (shared
                // libraries) are built without it, even on a musl host. RELR: the relative
                // relocations packed into a bitmap (a few KB instead of 24 bytes each), which
                // musl's start-up code applies in a tight loop.
                let mut flags =
                    "-C relocation-model=pie -C target-feature=+crt-static -C link-arg=-Wl,-z,pack-relative-relocs"
                        .to_owned();
                if !rustc_links_static_pie(target) {
                    link_through_front(&mut cargo, target)?;
                    // GNU ld before 2.41 packs relocations on x86 only: link with the toolchain's
                    // lld (through the C compiler, as rustc itself runs it) where it is installed,
                    // else the relocations stay unpacked (24 bytes each).
                    if let Some(lld) = rust_lld_dir() {
                        flags.push_str(&format!(" -C link-arg=-fuse-ld=lld -C link-arg=-B{}", lld.display()));
                    }
                }
                set_default(&mut cargo, &format!("CARGO_TARGET_{}_RUSTFLAGS", env_name(target)), &flags);
            }
            target_dir.join(target).join(profile_dir(profile)).join(exe_name(name, target))
        }
        None => target_dir.join(profile_dir(profile)).join(format!("{name}{}", std::env::consts::EXE_SUFFIX)),
    };
    let status = cargo.current_dir(&root).status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --profile {profile} of {name} failed"));
    }
    Ok(binary)
}

/// Whether `dist` builds a static-PIE for `target` (this machine's when `None`): for every Linux
/// musl target.
pub fn static_pie(target: Option<&str>) -> bool {
    target.or(host_musl_target()).is_some_and(|t| t.ends_with("-linux-musl"))
}

/// Whether rustc links a static-PIE for `target` itself: its target specification says
/// `static-position-independent-executables` (`rustc --print target-spec-json`), which of the
/// musl targets only x86_64's does.
fn rustc_links_static_pie(target: &str) -> bool {
    target == "x86_64-unknown-linux-musl"
}

/// Makes `cargo xtask` itself the linker of `target` ([`crate::link`]), handing the link on to
/// the linker that would have run: the one the environment or [`cross_tools`] named, else `cc`.
fn link_through_front(cargo: &mut Command, target: &str) -> Result<(), String> {
    let var = format!("CARGO_TARGET_{}_LINKER", env_name(target));
    let chosen = cargo.get_envs().find(|(k, _)| *k == var.as_str()).and_then(|(_, v)| v.map(ToOwned::to_owned));
    let real = chosen.or_else(|| std::env::var_os(&var)).unwrap_or_else(|| "cc".into());
    let front = std::env::current_exe().map_err(|e| format!("cannot find the xtask program to link with: {e}"))?;
    cargo.env(&var, front).env(crate::link::REAL_LINKER, real);
    Ok(())
}

/// The directory of the Rust toolchain's `ld.lld` (a front of `rust-lld` for C compilers'
/// `-fuse-ld=lld`), when the toolchain has one.
fn rust_lld_dir() -> Option<PathBuf> {
    let rustc = |arg: &str| {
        let out = Command::new("rustc").arg(arg).current_dir(crate::workspace_root()).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let sysroot = rustc("--print=sysroot")?;
    let host = rustc("-vV")?.lines().find_map(|l| l.strip_prefix("host: ").map(str::to_owned))?;
    let dir = Path::new(sysroot.trim()).join("lib/rustlib").join(host.trim()).join("bin/gcc-ld");
    dir.join("ld.lld").is_file().then_some(dir)
}

/// `cargo check` of the command-line client for `target` (for targets that cannot be linked
/// here: macOS).
pub fn check(target: &str) -> Result<(), String> {
    ensure_target(target)?;
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["check", "--locked", "--quiet", "-p", "connect-cli", "--target", target]);
    cross_tools(&mut cargo, target)?;
    let status = cargo.current_dir(crate::workspace_root()).status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("cargo check --target {target} failed")) }
}

/// The C compiler (ring compiles C and assembly), archiver and linker for `target` from Debian's
/// packages, each unless the environment names one already.
fn cross_tools(cargo: &mut Command, target: &str) -> Result<(), String> {
    let var = env_name(target);
    let cc = format!("CC_{}", target.replace('-', "_"));
    let linker = format!("CARGO_TARGET_{var}_LINKER");
    let need = |program: &str, package: &str| -> Result<String, String> {
        crate::which(program)
            .map(|_| program.to_owned())
            .ok_or_else(|| format!("{program} is needed for {target}: apt-get install {package}"))
    };
    let native = std::env::consts::ARCH == target.split('-').next().unwrap_or_default();
    match target {
        t if t.ends_with("-linux-musl") && native => {
            // The musl wrapper when it is installed, else the host's C compiler, which is enough
            // for ring's freestanding sources; rustc links with its own musl start files.
            set_default(cargo, &cc, if crate::which("musl-gcc").is_some() { "musl-gcc" } else { "cc" });
        }
        "aarch64-unknown-linux-musl" => {
            let gcc = need("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")?;
            set_default(cargo, &cc, &gcc);
            set_default(cargo, &linker, &gcc);
        }
        "x86_64-pc-windows-gnu" => {
            let gcc = need("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")?;
            set_default(cargo, &cc, &gcc);
            set_default(cargo, &linker, &gcc);
        }
        t if is_macos(t) && std::env::consts::OS != "macos" => {
            // Type-checking only, but ring's build script still compiles its C sources: clang
            // targets macOS, with musl's headers standing in for the SDK's and a stand-in for the
            // one SDK header ring reads (`TargetConditionals.h`). The objects are never linked.
            let clang = need("clang", "clang")?;
            let musl = PathBuf::from("/usr/include/x86_64-linux-musl");
            if !musl.is_dir() {
                return Err(format!("musl's headers are needed to check {target}: apt-get install musl-dev"));
            }
            let out = Command::new(&clang).arg("-print-resource-dir").output().map_err(|e| e.to_string())?;
            let resource = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("include");
            let stub = std::env::temp_dir().join("aws-connect-macos-check");
            std::fs::create_dir_all(&stub).map_err(|e| e.to_string())?;
            std::fs::write(
                stub.join("TargetConditionals.h"),
                "#define TARGET_OS_MAC 1\n#define TARGET_OS_OSX 1\n#define TARGET_OS_IPHONE 0\n",
            )
            .map_err(|e| e.to_string())?;
            set_default(cargo, &cc, &clang);
            set_default(
                cargo,
                &format!("AR_{}", target.replace('-', "_")),
                if crate::which("llvm-ar").is_some() { "llvm-ar" } else { "ar" },
            );
            set_default(
                cargo,
                &format!("CFLAGS_{}", target.replace('-', "_")),
                &format!("-nostdinc -isystem {} -isystem {} -I{}", resource.display(), musl.display(), stub.display()),
            );
        }
        _ => {}
    }
    Ok(())
}

/// The directory of a profile's output in the target directory (cargo's `dev` profile writes to
/// `debug`).
fn profile_dir(profile: &str) -> &str {
    if profile == "dev" { "debug" } else { profile }
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| crate::workspace_root().join("target"), PathBuf::from)
}

fn set_default(cargo: &mut Command, var: &str, value: &str) {
    if std::env::var_os(var).is_none() {
        cargo.env(var, value);
    }
}

/// A target's name as cargo's environment variables spell it (`AARCH64_UNKNOWN_LINUX_MUSL`).
fn env_name(target: &str) -> String {
    target.to_uppercase().replace('-', "_")
}

fn is_macos(target: &str) -> bool {
    target.ends_with("-apple-darwin")
}

fn exe_name(name: &str, target: &str) -> String {
    if target.contains("-windows-") { format!("{name}.exe") } else { name.to_owned() }
}

/// The musl target for this machine, on Linux.
fn host_musl_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-musl"),
        _ => None,
    }
}

/// Installs the target's standard library with rustup when it is missing.
fn ensure_target(target: &str) -> Result<(), String> {
    // In the workspace, so that a toolchain file there (or cargo's RUSTUP_TOOLCHAIN) applies.
    let root = crate::workspace_root();
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(&root)
        .output()
        .map_err(|e| format!("cannot run rustup (needed for the {target} target): {e}"))?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    eprintln!("installing the {target} standard library with rustup");
    let status = Command::new("rustup")
        .args(["target", "add", target])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("rustup target add {target} failed")) }
}
