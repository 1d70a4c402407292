//! What an ELF executable's headers say about how it is loaded: position-independent or at a fixed
//! address, static or with an interpreter, RELRO, an executable stack, and how many relocations
//! (listed, and packed as RELR) the loader (or a static-PIE's own start-up code) applies before
//! `main`. Read from the file's headers and dynamic section as the loader reads them (64-bit
//! little-endian files only: the x86_64 and aarch64 Linux targets), for `cargo xtask bench` and
//! `cargo xtask smoke`.

use std::path::Path;

/// The loading facts of an executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// `ET_DYN`: the kernel may load it anywhere (ASLR), and it relocates itself or is relocated.
    pub position_independent: bool,
    /// A `PT_INTERP` program header names a dynamic loader.
    pub interpreter: bool,
    /// A `PT_DYNAMIC` program header: a dynamic section (relocations, flags).
    pub dynamic: bool,
    /// A `PT_GNU_RELRO` program header: relocated data is made read-only after start-up.
    pub relro: bool,
    /// `PT_GNU_STACK` asks for an executable stack (or is missing, which means the same).
    pub executable_stack: bool,
    /// Relocation entries in `DT_RELA`, `DT_REL` and `DT_JMPREL` (for a static-PIE, all applied
    /// before `main`).
    pub relocations: u64,
    /// Relative relocations packed as bitmaps in `DT_RELR` (not counted above; 0 without it).
    pub packed_relocations: u64,
}

impl Facts {
    /// `static-PIE`, `static, fixed address`, `dynamic PIE` or `dynamic, fixed address`.
    pub fn kind(&self) -> &'static str {
        match (self.position_independent, self.interpreter) {
            (true, false) => "static-PIE",
            (false, false) => "static, fixed address",
            (true, true) => "dynamic PIE",
            (false, true) => "dynamic, fixed address",
        }
    }

    /// One line for a report: the kind, the relocations and the hardening flags.
    pub fn describe(&self) -> String {
        let mut text = format!("{}, {} dynamic relocations", self.kind(), self.relocations);
        if self.packed_relocations > 0 {
            text.push_str(&format!(" (+ {} packed as RELR)", self.packed_relocations));
        }
        text.push_str(if self.relro { ", RELRO" } else { ", no RELRO" });
        text.push_str(if self.executable_stack { ", executable stack" } else { ", NX stack" });
        text
    }
}

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_GNU_STACK: u32 = 0x6474_e551;
const PT_GNU_RELRO: u32 = 0x6474_e552;
const PF_X: u32 = 1;
const DT_NULL: u64 = 0;
const DT_PLTRELSZ: u64 = 2;
const DT_RELASZ: u64 = 8;
const DT_RELAENT: u64 = 9;
const DT_RELSZ: u64 = 18;
const DT_RELENT: u64 = 19;
const DT_PLTREL: u64 = 20;
const DT_RELA: u64 = 7;
const DT_RELRSZ: u64 = 35;
const DT_RELR: u64 = 36;

/// Reads the facts of the executable at `path` (its headers only, not the whole file, which
/// would make the measuring process large: a process it starts counts that in its peak RSS).
pub fn read(path: &Path) -> Result<Facts, String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut read_at = |offset: u64, len: u64| -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(offset)).map_err(|e| e.to_string())?;
        (&mut file).take(len).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        Ok(bytes)
    };
    facts(&mut read_at).map_err(|e| format!("{}: {e}", path.display()))
}

/// The facts of an executable's bytes.
pub fn parse(bytes: &[u8]) -> Result<Facts, String> {
    facts(&mut |offset, len| {
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
        let end = usize::try_from(offset.saturating_add(len)).unwrap_or(usize::MAX).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    })
}

/// The facts, reading `len` bytes at an offset with `read_at` (fewer at the end of the file).
fn facts(read_at: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, String>) -> Result<Facts, String> {
    let header = read_at(0, 64)?;
    if header.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err("not an ELF file".into());
    }
    if header.get(4..6) != Some([2, 1].as_slice()) {
        return Err("not a 64-bit little-endian ELF file".into());
    }
    let e_type = u16_at(&header, 16)?;
    let (phoff, phentsize, phnum) = (u64_at(&header, 32)?, u16_at(&header, 54)?, u16_at(&header, 56)?);
    let mut facts = Facts {
        position_independent: e_type == 3,
        interpreter: false,
        dynamic: false,
        relro: false,
        executable_stack: true,
        relocations: 0,
        packed_relocations: 0,
    };
    let headers = read_at(phoff, u64::from(phentsize) * u64::from(phnum))?;
    let mut dynamic = None;
    // (virtual address, file offset, size in the file) of each loaded segment
    let mut loads = Vec::new();
    for i in 0..usize::from(phnum) {
        let at = i * usize::from(phentsize);
        let (p_type, p_flags) = (u32_at(&headers, at)?, u32_at(&headers, at + 4)?);
        match p_type {
            PT_LOAD => loads.push((u64_at(&headers, at + 16)?, u64_at(&headers, at + 8)?, u64_at(&headers, at + 32)?)),
            PT_INTERP => facts.interpreter = true,
            PT_DYNAMIC => dynamic = Some((u64_at(&headers, at + 8)?, u64_at(&headers, at + 32)?)),
            PT_GNU_RELRO => facts.relro = true,
            PT_GNU_STACK => facts.executable_stack = p_flags & PF_X != 0,
            _ => {}
        }
    }
    if let Some((offset, size)) = dynamic {
        facts.dynamic = true;
        let entries = read_at(offset, size)?;
        let (mut rela, mut relaent, mut rel, mut relent) = (0, 24, 0, 16);
        let (mut plt, mut plt_is_rela) = (0, true);
        let (mut relr, mut relr_size) = (None, 0);
        for at in (0..entries.len() / 16).map(|i| i * 16) {
            let (tag, value) = (u64_at(&entries, at)?, u64_at(&entries, at + 8)?);
            match tag {
                DT_NULL => break,
                DT_RELASZ => rela = value,
                DT_RELAENT => relaent = value.max(1),
                DT_RELSZ => rel = value,
                DT_RELENT => relent = value.max(1),
                DT_PLTRELSZ => plt = value,
                DT_PLTREL => plt_is_rela = value == DT_RELA,
                DT_RELR => relr = Some(value),
                DT_RELRSZ => relr_size = value,
                _ => {}
            }
        }
        let plt = if plt_is_rela { plt / relaent } else { plt / relent };
        facts.relocations = rela / relaent + rel / relent + plt;
        if let Some(address) = relr {
            let (vaddr, offset, _) = loads
                .iter()
                .copied()
                .find(|&(vaddr, _, filesz)| (vaddr..vaddr.saturating_add(filesz)).contains(&address))
                .ok_or("DT_RELR points outside the loaded segments")?;
            facts.packed_relocations = relr_addresses(&read_at(offset + (address - vaddr), relr_size)?).len() as u64;
        }
    }
    Ok(facts)
}

/// The addresses a `.relr.dyn` table relocates: an even entry is an address, an odd entry a bitmap
/// of the 63 words after the last address.
pub(crate) fn relr_addresses(table: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut next = 0u64;
    for entry in table.chunks_exact(8).map(|e| u64::from_le_bytes(e.try_into().unwrap_or_default())) {
        if entry & 1 == 0 {
            out.push(entry);
            next = entry.wrapping_add(8);
        } else {
            out.extend((0..63).filter(|bit| entry >> (bit + 1) & 1 == 1).map(|bit| next.wrapping_add(8 * bit)));
            next = next.wrapping_add(63 * 8);
        }
    }
    out
}

fn field<const N: usize>(bytes: &[u8], at: usize) -> Result<[u8; N], String> {
    bytes.get(at..at + N).and_then(|b| b.try_into().ok()).ok_or_else(|| format!("truncated header (offset {at})"))
}

pub(crate) fn u16_at(bytes: &[u8], at: usize) -> Result<u16, String> {
    field(bytes, at).map(u16::from_le_bytes)
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Result<u32, String> {
    field(bytes, at).map(u32::from_le_bytes)
}

pub(crate) fn u64_at(bytes: &[u8], at: usize) -> Result<u64, String> {
    field(bytes, at).map(u64::from_le_bytes)
}
