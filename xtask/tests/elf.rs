//! The ELF reader of `cargo xtask bench` and `smoke` against binutils' `readelf`, on this test's
//! own executable (a dynamically linked program of the host) and on a C program it links with
//! packed relocations.

use std::process::Command;

/// `readelf`'s output for `args`; binutils is the oracle.
fn readelf(args: &[&str], path: &std::path::Path) -> String {
    let out = Command::new("readelf")
        .args(args)
        .arg(path)
        .env("LC_ALL", "C")
        .output()
        .expect("readelf is the oracle of this test: apt-get install binutils");
    assert!(out.status.success(), "readelf {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn facts_match_readelf() {
    let exe = std::env::current_exe().unwrap();
    let facts = xtask::elf::read(&exe).unwrap();

    let header = readelf(&["-h"], &exe);
    let e_type = header.lines().find(|l| l.trim_start().starts_with("Type:")).unwrap();
    assert_eq!(facts.position_independent, e_type.contains("DYN"), "{e_type}");

    let segments = readelf(&["-l", "-W"], &exe);
    let has = |name: &str| segments.lines().any(|l| l.split_whitespace().next() == Some(name));
    assert_eq!(facts.interpreter, has("INTERP"));
    assert_eq!(facts.dynamic, has("DYNAMIC"));
    assert_eq!(facts.relro, has("GNU_RELRO"));
    let stack = segments.lines().find(|l| l.split_whitespace().next() == Some("GNU_STACK")).unwrap();
    assert_eq!(facts.executable_stack, stack.split_whitespace().any(|w| w.contains('E')), "{stack}");

    // "Relocation section '.rela.dyn' at offset 0x… contains N entries", for the sections the
    // dynamic section names (not .relr.dyn, whose entries are bitmaps).
    let relocations: u64 = readelf(&["-r", "-W"], &exe)
        .lines()
        .filter(|l| l.starts_with("Relocation section '.rel") && !l.contains(".relr"))
        .map(|l| l.split_whitespace().rev().nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(facts.relocations, relocations);
    let packed = readelf(&["-d", "-W"], &exe).contains("(RELR)");
    assert_eq!(facts.packed_relocations > 0, packed);
    assert!(facts.relocations > 0, "a dynamically linked program has relocations");
    assert_eq!(facts.kind(), if facts.position_independent { "dynamic PIE" } else { "dynamic, fixed address" });
}

/// A position-independent C program holding a table of 200 function pointers, linked with its
/// relative relocations packed (`-z pack-relative-relocs`) and its symbols, in `dir`.
fn c_program_with_packed_relocations(dir: &std::path::Path) -> std::path::PathBuf {
    let functions: String = (0..200).map(|i| format!("int f{i}(void) {{ return {i}; }}\n")).collect();
    let table: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
    let source = format!(
        "{functions}int (*const table[])(void) = {{ {} }};\nint main(int argc, char **argv) {{ (void)argv; return table[argc](); }}\n",
        table.join(", ")
    );
    std::fs::write(dir.join("table.c"), source).unwrap();
    let exe = dir.join("table");
    let status = Command::new("cc")
        .args(["-O1", "-fPIE", "-pie", "-Wl,-z,pack-relative-relocs", "-o"])
        .arg(&exe)
        .arg(dir.join("table.c"))
        .status()
        .expect("a C compiler is this test's linker: apt-get install gcc (GNU ld 2.38 or later)");
    assert!(status.success(), "cc -Wl,-z,pack-relative-relocs failed: GNU ld 2.38 or later packs relocations");
    exe
}

/// readelf's count of packed relocations: "Relocation section '.relr.dyn' at offset 0x… contains
/// N entries:" then "  M offsets".
fn readelf_packed(exe: &std::path::Path) -> u64 {
    let listing = readelf(&["-r", "-W"], exe);
    listing
        .lines()
        .find_map(|l| l.trim().strip_suffix(" offsets"))
        .unwrap_or_else(|| panic!("readelf lists no packed relocations:\n{listing}"))
        .parse()
        .unwrap()
}

#[test]
fn packed_relocations_match_readelf() {
    let dir = tempfile::tempdir().unwrap();
    let exe = c_program_with_packed_relocations(dir.path());
    let offsets = readelf_packed(&exe);
    let facts = xtask::elf::read(&exe).unwrap();
    assert_eq!(facts.packed_relocations, offsets);
    assert!(offsets >= 200, "{offsets} packed relocations for a table of 200 pointers");
    assert!(facts.describe().contains(&format!("(+ {offsets} packed as RELR)")), "{}", facts.describe());
}

/// `cargo xtask relocs` on the same program: every packed relocation accounted for, and the 200
/// table entries found to point at functions (readelf and the C source are the oracles).
#[test]
fn relocation_report_accounts_for_every_relocation() {
    let dir = tempfile::tempdir().unwrap();
    let exe = c_program_with_packed_relocations(dir.path());
    let report = xtask::relocs::report(&exe, &std::fs::read(&exe).unwrap()).unwrap();
    let mut lines = report.lines();
    let total = format!("{}: {} relocations packed as RELR", exe.display(), readelf_packed(&exe));
    assert_eq!(lines.next(), Some(total.as_str()));
    let rows: Vec<(u64, &str)> = lines
        .map(|l| {
            let (n, kind) = l.trim_start().split_once("  ").unwrap();
            (n.parse().unwrap(), kind)
        })
        .collect();
    assert_eq!(rows.iter().map(|(n, _)| n).sum::<u64>(), readelf_packed(&exe), "{report}");
    let functions: u64 = rows.iter().filter(|(_, k)| k.starts_with("function")).map(|(n, _)| n).sum();
    assert!(functions >= 200, "{report}");

    let stripped = dir.path().join("stripped");
    assert!(Command::new("strip").arg("-o").arg(&stripped).arg(&exe).status().unwrap().success());
    let refused = xtask::relocs::report(&stripped, &std::fs::read(&stripped).unwrap()).unwrap_err();
    assert!(refused.contains("build it unstripped"), "{refused}");
}

#[test]
fn refuses_what_is_not_elf() {
    assert_eq!(xtask::elf::parse(b"#!/bin/sh\n").unwrap_err(), "not an ELF file");
    assert_eq!(xtask::elf::parse(b"\x7fELF\x01\x01").unwrap_err(), "not a 64-bit little-endian ELF file");
    assert!(xtask::elf::parse(b"\x7fELF\x02\x01\x01").unwrap_err().contains("truncated"));
}
