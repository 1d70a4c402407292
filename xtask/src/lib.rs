//! Project automation for aws-connect: `cargo xtask codegen [--check]` generates the core crate's
//! `src/generated/` from the Smithy model, the partition table and the API quotas in `models/`;
//! `dist` builds the shipped binary, which `demo` and `bench` run.

pub mod codegen;
pub mod dist;
pub mod docs;
pub mod elf;
pub mod import;
pub mod link;
pub mod names;
pub mod relocs;
pub mod run;
pub mod smithy;
pub mod smoke;

use std::path::{Path, PathBuf};

/// The model the project ships, relative to the workspace root.
pub const MODEL: &str = "models/connect.json";
/// The AWS partition table the endpoint rules use (botocore's `partitions.json`), relative to the
/// workspace root.
pub const PARTITIONS: &str = "models/partitions.json";
/// Connect's documented API throttling quotas, relative to the workspace root.
pub const QUOTAS: &str = "models/quotas.json";
/// Where generated code goes, relative to the workspace root.
pub const GENERATED_DIR: &str = "crates/connect-core/src/generated";
/// The hand-written module file inside [`GENERATED_DIR`], which codegen leaves alone.
const HAND_WRITTEN: &[&str] = &["mod.rs"];

/// Write the files, or only compare them with what is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// The first file called `name` in a directory of `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

/// An input of the generator: the file it reads, and its name as the generated headers show it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub path: &'a Path,
    pub label: &'a str,
}

/// Generates code from the Smithy model `model`, the partition table `partitions` and the API
/// quotas `quotas` into `out_dir`. In check mode, returns an error with a diff when anything would
/// change.
pub fn codegen(
    model: Source<'_>,
    partitions: Source<'_>,
    quotas: Source<'_>,
    out_dir: &Path,
    mode: Mode,
) -> Result<(), String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let parsed = smithy::parse(&read(model.path)?).map_err(|e| format!("{}: {e}", model.path.display()))?;
    let mut files = codegen::generate(&parsed, model.label).map_err(|e| format!("{}: {e}", model.path.display()))?;
    files.push(codegen::partitions::generate(&read(partitions.path)?, partitions.label).map_err(|e| e.to_string())?);
    files.push(codegen::quotas::generate(&read(quotas.path)?, quotas.label, &parsed).map_err(|e| e.to_string())?);
    let mut problems = Vec::new();
    for file in &files {
        if let Err(p) = ensure_file_contents(&out_dir.join(&file.name), &file.contents, mode) {
            problems.push(p);
        }
    }
    // A file that the generator no longer writes is stale too.
    let mut extra: Vec<String> = existing_files(out_dir, out_dir)
        .into_iter()
        .filter(|n| !HAND_WRITTEN.contains(&n.as_str()) && !files.iter().any(|f| &f.name == n))
        .collect();
    extra.sort();
    for name in extra {
        let path = out_dir.join(&name);
        match mode {
            Mode::Write => std::fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?,
            Mode::Check => problems.push(format!("{} is not generated any more", path.display())),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n\nThe generated code is stale. Run `cargo xtask codegen` and commit the result.",
            problems.join("\n")
        ))
    }
}

/// The files below `dir`, as paths relative to `root` with `/` separators.
fn existing_files(root: &Path, dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            out.extend(existing_files(root, &path));
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out
}

/// Writes `contents` to `path` (write mode) or reports how the file differs (check mode).
pub fn ensure_file_contents(path: &Path, contents: &str, mode: Mode) -> Result<(), String> {
    let old = std::fs::read_to_string(path).ok();
    if old.as_deref() == Some(contents) {
        return Ok(());
    }
    match mode {
        Mode::Write => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("updated {}", path.display());
            Ok(())
        }
        Mode::Check => {
            let old = old.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(old.as_str(), contents)
                .unified_diff()
                .context_radius(2)
                .header(&format!("{} (on disk)", path.display()), &format!("{} (generated)", path.display()))
                .to_string();
            Err(diff)
        }
    }
}
