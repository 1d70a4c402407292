//! The prompter's history, kept across runs as the AWS CLI v2 keeps its own: a JSON document
//! `{"version": 1, "commands": [...]}` (oldest first, the last 500 kept) in the AWS CLI's cache
//! directory, `~/.aws/cli/cache` (`~` as Python expands it: `HOME`, on Windows `USERPROFILE`,
//! else `HOMEDRIVE` + `HOMEPATH`). aws-connect's command lines are its own, so they go to a file
//! of their own beside the AWS CLI's `prompt_history.json`. As in the AWS CLI, a history that
//! cannot be read is empty, and one that cannot be written is left as it was: neither stops
//! the command.

use std::path::{Path, PathBuf};

use connect_core::compat::json_dumps::{Style, to_compact};
use serde_json::{Value, json};

/// The AWS CLI's history format version.
const VERSION: u64 = 1;
/// How many command lines are kept.
pub const KEPT: usize = 500;
/// The file's name in the cache directory.
const FILE: &str = "aws-connect_prompt_history.json";

/// The history file.
pub struct History {
    path: PathBuf,
}

/// The home directory as Python's `os.path.expanduser("~")` finds it.
fn home() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if cfg!(windows) {
        var("USERPROFILE").map(PathBuf::from).or_else(|| {
            let (drive, path) = (var("HOMEDRIVE")?, var("HOMEPATH")?);
            let mut home = PathBuf::from(drive);
            home.push(path);
            Some(home)
        })
    } else {
        var("HOME").map(PathBuf::from)
    }
}

impl History {
    /// The history in the user's AWS CLI cache directory; `None` without a home directory.
    pub fn in_home() -> Option<History> {
        home().map(|h| History::at(&h.join(".aws").join("cli").join("cache").join(FILE)))
    }

    /// The history in `path`.
    pub fn at(path: &Path) -> History {
        History { path: path.to_owned() }
    }

    /// The command lines, oldest first; none when the file is missing or not a history.
    pub fn load(&self) -> Vec<String> {
        let Ok(text) = std::fs::read_to_string(&self.path) else {
            return Vec::new();
        };
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            return Vec::new();
        };
        doc.get("commands")
            .and_then(Value::as_array)
            .map(|all| all.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// Adds `line` to the file (creating it and its directory), keeping the last [`KEPT`] lines.
    /// Fails silently, as the AWS CLI does.
    pub fn store(&self, line: &str) {
        let _ = self.try_store(line);
    }

    fn try_store(&self, line: &str) -> std::io::Result<()> {
        let mut doc = match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str::<Value>(&text).map_err(std::io::Error::other)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = self.path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                json!({"version": VERSION, "commands": []})
            }
            Err(e) => return Err(e),
        };
        let commands = doc
            .get_mut("commands")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| std::io::Error::other("not a prompt history"))?;
        commands.push(Value::String(line.to_owned()));
        let excess = commands.len().saturating_sub(KEPT);
        commands.drain(..excess);
        // Python's `json.dump`: `", "` and `": "` separators, non-ASCII escaped.
        std::fs::write(&self.path, to_compact(&doc, Style { ensure_ascii: true }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_in_the_aws_cli_format() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cache").join("h.json");
        let history = History::at(&path);
        assert!(history.load().is_empty());
        for i in 0..KEPT + 2 {
            history.store(&format!("op --n {i}"));
        }
        let lines = history.load();
        assert_eq!(lines.len(), KEPT);
        assert_eq!((lines[0].as_str(), lines[KEPT - 1].as_str()), ("op --n 2", "op --n 501"));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        assert_eq!(doc["version"], 1);
        history.store("é");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.starts_with(r#"{"version": 1, "commands": ["op --n 3", "#) && text.ends_with(r#""\u00e9"]}"#),
            "{text}"
        );
        // A file that is not a history is neither read nor overwritten.
        std::fs::write(&path, "not json").expect("write");
        history.store("x");
        assert!(history.load().is_empty());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "not json");
    }
}
