//! `cargo xtask dist`: the release binary as it is shipped.
//!
//! On Linux that is a static musl executable linked at a fixed address: it starts without the
//! dynamic loader, without glibc's start-up (whose CPU feature probing traps to the hypervisor on
//! virtual machines), and without relocating the generated API tables, so a command that sends
//! nothing costs little more than starting a process. Elsewhere it is `cargo build --release`.

use std::path::PathBuf;
use std::process::Command;

/// Builds the shipped binary and returns its path.
pub fn build() -> Result<PathBuf, String> {
    let root = crate::workspace_root();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--release", "--locked", "--quiet", "-p", "connect-cli", "--bin", "aws-connect"]);
    let target = musl_target().filter(|target| match ensure_target(target) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("{e}: building the dynamically linked release binary instead");
            false
        }
    });
    let binary = match target {
        Some(target) => {
            cargo.args(["--target", target]);
            // Linked at a fixed address. Given for the target only: with `--target`, build
            // scripts and proc-macros (shared libraries) are built without it, even on a musl host.
            let flags_var = format!("CARGO_TARGET_{}_RUSTFLAGS", target.to_uppercase().replace('-', "_"));
            if std::env::var_os(&flags_var).is_none() {
                cargo.env(&flags_var, "-C relocation-model=static");
            }
            // ring compiles C and assembly: with the musl wrapper when it is installed, else with
            // the host's C compiler, which is enough for ring's freestanding sources.
            let cc_var = format!("CC_{}", target.replace('-', "_"));
            if std::env::var_os(&cc_var).is_none() {
                cargo.env(&cc_var, if crate::which("musl-gcc").is_some() { "musl-gcc" } else { "cc" });
            }
            target_dir.join(target).join("release/aws-connect")
        }
        None => target_dir.join("release/aws-connect"),
    };
    let status = cargo.current_dir(&root).status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    Ok(binary)
}

/// The musl target for this machine, on Linux.
fn musl_target() -> Option<&'static str> {
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
