//! A linker front for musl targets whose Rust target specification does not link a static-PIE
//! (aarch64): rustc links them as static executables at a fixed address, and this front turns
//! that link into a static position-independent one, so that the kernel loads the binary at a
//! random address (ASLR) and musl's start-up code relocates it, as on x86_64.
//!
//! rustc links such a target with musl's `crt1.o` (which does not relocate the program),
//! `crtbegin.o`/`crtend.o`, `-static` and `-no-pie`; a static-PIE needs `rcrt1.o` (whose start-up
//! applies the relocations), `crtbeginS.o`/`crtendS.o` and `-static-pie`. All of these ship in
//! the target's `self-contained` directory. The code itself is position-independent already:
//! `dist` compiles it with `-C relocation-model=pie`, and Rust's standard library and musl are
//! built as PIC. The front is `cargo xtask` itself, run by rustc as the target's linker with
//! [`REAL_LINKER`] naming the C compiler that links; it fails, linking nothing, when rustc's
//! link line is not the one described here, and `cargo xtask smoke` checks the result.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, ExitCode};

/// The environment variable that makes `xtask` act as the linker front, naming the C compiler
/// (gcc driver) that links.
pub const REAL_LINKER: &str = "XTASK_STATIC_PIE_LINKER";

/// Runs the real linker with rustc's arguments (`args`, without the program name) rewritten for a
/// static-PIE.
pub fn run(real: &OsStr, args: impl Iterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.collect();
    match rewrite(&args) {
        Ok(args) => match Command::new(real).args(&args).status() {
            Ok(status) if status.success() => ExitCode::SUCCESS,
            Ok(status) => ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)),
            Err(e) => {
                eprintln!("static-PIE link: cannot run {}: {e}", real.to_string_lossy());
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("static-PIE link: {e}");
            ExitCode::FAILURE
        }
    }
}

/// rustc's arguments for a static link at a fixed address, rewritten for a static-PIE. An error
/// when they do not hold exactly the start files and flags that are replaced, or when rustc passed
/// them in a response file (`@file`), which this front does not read.
pub fn rewrite(args: &[OsString]) -> Result<Vec<OsString>, String> {
    // What rustc passes for a static executable at a fixed address, and what a static-PIE needs
    // instead (rustc's own arguments for x86_64-unknown-linux-musl, which links static-PIEs).
    const START_FILES: &[(&str, &str)] =
        &[("crt1.o", "rcrt1.o"), ("crtbegin.o", "crtbeginS.o"), ("crtend.o", "crtendS.o")];
    let mut out = Vec::with_capacity(args.len());
    let mut replaced = [0usize; 3];
    let (mut is_static, mut no_pie) = (0usize, 0usize);
    for arg in args {
        let text = arg.to_string_lossy();
        if text.starts_with('@') {
            return Err(format!("rustc passed its arguments in a response file ({text}), which is not read here"));
        }
        match text.as_ref() {
            "-static" => {
                is_static += 1;
                out.push("-static-pie".into());
                continue;
            }
            "-no-pie" => {
                no_pie += 1;
                continue;
            }
            "-pie" | "-static-pie" => return Err(format!("the link is already position-independent ({text})")),
            _ => {}
        }
        let path = Path::new(arg);
        let self_contained = path.parent().and_then(Path::file_name) == Some(OsStr::new("self-contained"));
        let start = START_FILES.iter().position(|(from, _)| path.file_name() == Some(OsStr::new(from)));
        match start {
            Some(i) if self_contained => {
                replaced[i] += 1;
                out.push(path.with_file_name(START_FILES[i].1).into_os_string());
            }
            _ => out.push(arg.clone()),
        }
    }
    let missing: Vec<&str> = START_FILES
        .iter()
        .zip(replaced)
        .filter(|&(_, n)| n != 1)
        .map(|((from, _), _)| *from)
        .chain((is_static != 1).then_some("-static"))
        .chain((no_pie != 1).then_some("-no-pie"))
        .collect();
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "rustc's link line is not a static link at a fixed address with musl's start files from the \
             target's self-contained directory: expected exactly one each of {} (the Rust version may link differently)",
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    /// The shape of rustc 1.95's link line for aarch64-unknown-linux-musl
    /// (`rustc --print link-args`), shortened.
    const RUSTC: &[&str] = &[
        "/sc/self-contained/crt1.o",
        "/sc/self-contained/crti.o",
        "/sc/self-contained/crtbegin.o",
        "main.o",
        "-Wl,-Bstatic",
        "-nostartfiles",
        "-o",
        "aws-connect",
        "-static",
        "-no-pie",
        "-Wl,-z,relro,-z,now",
        "/sc/self-contained/crtend.o",
        "/sc/self-contained/crtn.o",
    ];

    #[test]
    fn a_fixed_address_link_becomes_a_static_pie() {
        let out = rewrite(&strings(RUSTC)).unwrap();
        let out: Vec<String> = out.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        insta::assert_debug_snapshot!(out, @r#"
        [
            "/sc/self-contained/rcrt1.o",
            "/sc/self-contained/crti.o",
            "/sc/self-contained/crtbeginS.o",
            "main.o",
            "-Wl,-Bstatic",
            "-nostartfiles",
            "-o",
            "aws-connect",
            "-static-pie",
            "-Wl,-z,relro,-z,now",
            "/sc/self-contained/crtendS.o",
            "/sc/self-contained/crtn.o",
        ]
        "#);
    }

    #[test]
    fn an_unexpected_link_line_is_refused() {
        let without_crt1: Vec<&str> = RUSTC.iter().copied().filter(|a| !a.ends_with("/crt1.o")).collect();
        let e = rewrite(&strings(&without_crt1)).unwrap_err();
        assert!(e.contains("expected exactly one each of crt1.o"), "{e}");
        let pie: Vec<&str> = RUSTC.iter().copied().chain(["-pie"]).collect();
        assert!(rewrite(&strings(&pie)).unwrap_err().contains("already position-independent"));
        let response = strings(&["@/tmp/linker-arguments"]);
        assert!(rewrite(&response).unwrap_err().contains("response file"));
        // A file named crt1.o of the program's own, outside the self-contained directory, is kept.
        let own: Vec<&str> = RUSTC.iter().copied().chain(["objs/crt1.o"]).collect();
        let out = rewrite(&strings(&own)).unwrap();
        assert_eq!(out.last().unwrap(), "objs/crt1.o");
    }
}
