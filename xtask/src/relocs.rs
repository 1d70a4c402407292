//! `cargo xtask relocs PATH`: what the relative relocations of a static-PIE built with symbols
//! (`CARGO_PROFILE_DIST_STRIP=false cargo xtask dist`) point at: trait-object vtable entries by
//! kind of function, the file names of panic locations by where the code lives, and other data.
//! It explains the `floor` row of `cargo xtask bench` (README "Speed").

use std::collections::BTreeMap;
use std::path::Path;

use crate::elf::{relr_addresses, u16_at, u32_at, u64_at};

/// One section header: name, address, file offset, size.
struct Section {
    name: String,
    address: u64,
    offset: u64,
    size: u64,
}

/// The report of the binary at `args[0]`.
pub fn run(args: &[&str]) -> Result<(), String> {
    let [path] = args else { return Err("usage: cargo xtask relocs PATH (a binary built with symbols)".into()) };
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    print!("{}", report(Path::new(path), &bytes)?);
    Ok(())
}

/// The report as text: one line per kind, with its count.
pub fn report(path: &Path, bytes: &[u8]) -> Result<String, String> {
    let sections = sections(bytes)?;
    let find = |name: &str| sections.iter().find(|s| s.name == name);
    let relr =
        find(".relr.dyn").ok_or_else(|| format!("{}: no .relr.dyn section (packed relocations)", path.display()))?;
    let symbols = functions(bytes, &sections)?;
    if symbols.is_empty() {
        return Err(format!(
            "{}: no function symbols: build it unstripped (CARGO_PROFILE_DIST_STRIP=false)",
            path.display()
        ));
    }
    let in_section = |address: u64| {
        sections.iter().find(|s| s.address != 0 && (s.address..s.address.saturating_add(s.size)).contains(&address))
    };
    let read = |address: u64, len: u64| -> Option<&[u8]> {
        let s = in_section(address)?;
        slice(bytes, s.offset.checked_add(address - s.address)?, len).ok()
    };
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let addresses = relr_addresses(slice(bytes, relr.offset, relr.size)?);
    for &address in &addresses {
        let target = read(address, 8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()));
        let kind = match target.and_then(|t| in_section(t).map(|s| (t, s.name.as_str()))) {
            Some((t, ".text")) => {
                let i = symbols.partition_point(|(start, _)| *start <= t);
                function_kind(symbols.get(i.wrapping_sub(1)).map_or("", |(_, name)| name))
            }
            Some((t, ".rodata")) => {
                let text = read(t, 120).unwrap_or_default();
                let text = String::from_utf8_lossy(text.split(|&b| b == 0).next().unwrap_or_default());
                location_kind(&text)
            }
            _ => "other (GOT, thread-locals, .data)",
        };
        *counts.entry(kind).or_default() += 1;
    }
    let mut out = format!("{}: {} relocations packed as RELR\n", path.display(), addresses.len());
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (kind, n) in rows {
        out.push_str(&format!("{n:>7}  {kind}\n"));
    }
    Ok(out)
}

/// What a vtable entry pointing at the function `name` (demangled) is for.
fn function_kind(name: &str) -> &'static str {
    let method = name.rsplit("::").next().unwrap_or(name);
    if name.contains("drop_in_place") {
        "function: drop glue"
    } else if name.contains("interceptors::Intercept::") || name.contains("overridden_hooks") {
        "function: AWS SDK interceptor hooks"
    } else if ["fmt", "write_str", "write_char", "write_fmt"].contains(&method) {
        "function: formatting (Debug, Display, fmt::Write)"
    } else if name.contains("core::error::Error::") || ["source", "cause", "description", "provide"].contains(&method) {
        "function: std::error::Error methods"
    } else if name.contains("type_erasure") {
        "function: AWS SDK type erasure (TypeErasedBox)"
    } else {
        "function: other"
    }
}

/// What a pointer to the read-only string `text` is: the file name of a panic location (a source
/// path), by where that code lives, or other data.
fn location_kind(text: &str) -> &'static str {
    if !text.contains(".rs") {
        "read-only data (strings, tables)"
    } else if text.starts_with("crates/connect-core/src/generated/") {
        "panic location: this workspace's generated code"
    } else if text.starts_with("crates/") {
        "panic location: this workspace's hand-written code"
    } else if text.contains('/') {
        "panic location: dependencies and the standard library"
    } else {
        "read-only data (strings, tables)"
    }
}

/// The section headers of a 64-bit little-endian ELF file, with their names.
fn sections(bytes: &[u8]) -> Result<Vec<Section>, String> {
    if bytes.get(..6) != Some(b"\x7fELF\x02\x01".as_slice()) {
        return Err("not a 64-bit little-endian ELF file".into());
    }
    let (shoff, shentsize, shnum, shstrndx) =
        (u64_at(bytes, 40)?, u16_at(bytes, 58)?, u16_at(bytes, 60)?, u16_at(bytes, 62)?);
    let header = |i: u16| -> Result<(u32, u64, u64, u64), String> {
        let at = usize::try_from(shoff)
            .ok()
            .and_then(|start| start.checked_add(usize::from(i) * usize::from(shentsize)))
            .ok_or("section headers past the end")?;
        Ok((u32_at(bytes, at)?, u64_at(bytes, at + 16)?, u64_at(bytes, at + 24)?, u64_at(bytes, at + 32)?))
    };
    let (_, _, names_offset, names_size) = header(shstrndx)?;
    let names = slice(bytes, names_offset, names_size)?;
    (0..shnum)
        .map(|i| {
            let (name, address, offset, size) = header(i)?;
            let name = names.get(name as usize..).unwrap_or_default();
            let name = String::from_utf8_lossy(name.split(|&b| b == 0).next().unwrap_or_default()).into_owned();
            Ok(Section { name, address, offset, size })
        })
        .collect()
}

/// The function symbols of `.symtab` (address, demangled name without hash), sorted by address.
fn functions(bytes: &[u8], sections: &[Section]) -> Result<Vec<(u64, String)>, String> {
    let (Some(symtab), Some(strtab)) =
        (sections.iter().find(|s| s.name == ".symtab"), sections.iter().find(|s| s.name == ".strtab"))
    else {
        return Ok(Vec::new());
    };
    let (table, names) = (slice(bytes, symtab.offset, symtab.size)?, slice(bytes, strtab.offset, strtab.size)?);
    const STT_FUNC: u8 = 2;
    let mut out: Vec<(u64, String)> = table
        .chunks_exact(24)
        .filter(|sym| sym[4] & 0xf == STT_FUNC)
        .map(|sym| {
            let name = u32::from_le_bytes(sym[..4].try_into().unwrap_or_default()) as usize;
            let name = names.get(name..).unwrap_or_default();
            let name = String::from_utf8_lossy(name.split(|&b| b == 0).next().unwrap_or_default());
            (
                u64::from_le_bytes(sym[8..16].try_into().unwrap_or_default()),
                format!("{:#}", rustc_demangle::demangle(&name)),
            )
        })
        .collect();
    out.sort();
    Ok(out)
}

fn slice(bytes: &[u8], offset: u64, size: u64) -> Result<&[u8], String> {
    let start = usize::try_from(offset).map_err(|e| e.to_string())?;
    let end = start.checked_add(usize::try_from(size).map_err(|e| e.to_string())?).ok_or("section past the end")?;
    bytes.get(start..end).ok_or_else(|| format!("truncated file (a section at offset {offset})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relr_entries_are_addresses_and_bitmaps() {
        // 0x1000; then a bitmap marking the 1st and 3rd words after 0x1008; then 0x2000.
        let table: Vec<u8> = [0x1000u64, 0b1011, 0x2000].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(relr_addresses(&table), [0x1000, 0x1008, 0x1018, 0x2000]);
    }

    #[test]
    fn kinds() {
        assert_eq!(function_kind("core::ptr::drop_in_place<alloc::string::String>"), "function: drop glue");
        assert_eq!(function_kind("<u8 as core::fmt::Debug>::fmt"), "function: formatting (Debug, Display, fmt::Write)");
        assert_eq!(
            location_kind("crates/connect-core/src/generated/types/d.rs"),
            "panic location: this workspace's generated code"
        );
        assert_eq!(
            location_kind("/rustc/abc/library/core/src/str/mod.rs"),
            "panic location: dependencies and the standard library"
        );
        assert_eq!(location_kind("not a path"), "read-only data (strings, tables)");
    }
}
