//! The emulator's state: resources per account and region, kept in creation order, loaded from and
//! saved to a JSON file (written to a temporary file, synced, then renamed over the old one).

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One stored resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    /// The resource kind (`instance`, `user`, …).
    pub kind: String,
    pub id: String,
    pub arn: String,
    /// The instance the resource belongs to; `None` for instances.
    pub instance: Option<String>,
    /// The resource's members, by their model names (`Username`, `Tags`, …).
    pub attrs: Map<String, Value>,
}

/// The resources of one account in one region.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Scope {
    pub resources: Vec<Resource>,
}

/// Everything the emulator keeps.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Store {
    /// Keyed by `ACCOUNT/REGION`.
    pub scopes: std::collections::BTreeMap<String, Scope>,
    /// How many ids were handed out, so that ids stay unique across restarts.
    #[serde(default)]
    pub issued: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the state file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the state file {path} is not a state the emulator wrote: {source}")]
    Parse { path: String, source: serde_json::Error },
    #[error("cannot write the state file {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

impl Store {
    /// The state in `path`, or an empty one when the file does not exist.
    pub fn load(path: &Path) -> Result<Store, StateError> {
        let text = match fs::read(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
            Err(source) => return Err(StateError::Read { path: path.display().to_string(), source }),
        };
        serde_json::from_slice(&text).map_err(|source| StateError::Parse { path: path.display().to_string(), source })
    }

    /// Writes the state atomically: a temporary file beside `path`, synced, renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let err = |source| StateError::Write { path: path.display().to_string(), source };
        let text = serde_json::to_vec_pretty(self).map_err(|e| err(std::io::Error::other(e)))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let mut file = fs::File::create(&tmp).map_err(err)?;
        file.write_all(&text).map_err(err)?;
        file.sync_all().map_err(err)?;
        drop(file);
        fs::rename(&tmp, path).map_err(err)?;
        // The rename itself is durable once the directory is synced.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    #[cfg(test)]
    pub fn scope(&mut self, account: &str, region: &str) -> &mut Scope {
        self.scopes.entry(scope_key(account, region)).or_default()
    }
}

/// The key of an account's resources in a region.
pub fn scope_key(account: &str, region: &str) -> String {
    format!("{account}/{region}")
}

impl Scope {
    pub fn find(&self, kind: &str, instance: Option<&str>, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.kind == kind && r.instance.as_deref() == instance && r.id == id)
    }

    pub fn find_mut(&mut self, kind: &str, instance: Option<&str>, id: &str) -> Option<&mut Resource> {
        self.resources.iter_mut().find(|r| r.kind == kind && r.instance.as_deref() == instance && r.id == id)
    }

    pub fn by_arn_mut(&mut self, arn: &str) -> Option<&mut Resource> {
        self.resources.iter_mut().find(|r| r.arn == arn)
    }

    /// The resources of a kind in an instance (or the instances), in creation order.
    pub fn list<'a>(&'a self, kind: &'a str, instance: Option<&'a str>) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.kind == kind && r.instance.as_deref() == instance)
    }

    /// Removes a resource and, for an instance, everything in it.
    pub fn remove(&mut self, kind: &str, instance: Option<&str>, id: &str) -> bool {
        let before = self.resources.len();
        self.resources.retain(|r| !(r.kind == kind && r.instance.as_deref() == instance && r.id == id));
        let removed = self.resources.len() != before;
        if removed && instance.is_none() {
            self.resources.retain(|r| r.instance.as_deref() != Some(id));
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(Store::load(&path).unwrap().scopes.is_empty());
        let mut store = Store::default();
        store.scope("123456789012", "us-east-1").resources.push(Resource {
            kind: "instance".into(),
            id: "i".into(),
            arn: "arn".into(),
            instance: None,
            attrs: Map::new(),
        });
        store.issued = 7;
        store.save(&path).unwrap();
        let back = Store::load(&path).unwrap();
        assert_eq!(back.issued, 7);
        assert_eq!(back.scopes["123456789012/us-east-1"].resources[0].arn, "arn");
        assert!(!dir.path().join("state.json.tmp").exists());
        fs::write(&path, "{").unwrap();
        assert!(matches!(Store::load(&path), Err(StateError::Parse { .. })));
    }
}
