//! The emulator's state: resources per account and region, kept in creation order with an index
//! by key, and its persistence: a snapshot file (`--state FILE`, written to a temporary file,
//! synced, then renamed over the old one) plus an append-only journal beside it (`FILE.journal`)
//! that gets one synced JSON line per acknowledged change. Loading reads the snapshot and replays
//! the journal; once the journal has grown to half the state's size, a new snapshot is written
//! and the journal emptied. Replaying a change twice gives the same state, so a kill between those two steps (or
//! at any other moment) leaves a state that holds every acknowledged change, at a cost per change
//! that does not grow with the number of resources.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

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

/// What identifies a resource in a scope: kind, instance, id.
type Key = (String, Option<String>, String);

fn key_of(r: &Resource) -> Key {
    (r.kind.clone(), r.instance.clone(), r.id.clone())
}

fn key(kind: &str, instance: Option<&str>, id: &str) -> Key {
    (kind.to_owned(), instance.map(str::to_owned), id.to_owned())
}

/// The resources of one account in one region.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Scope {
    pub resources: Vec<Resource>,
    /// Where each resource is in `resources`.
    #[serde(skip)]
    index: HashMap<Key, usize>,
    /// The resources changed (or removed) since the changes were last taken.
    #[serde(skip)]
    dirty: Vec<Key>,
}

/// Everything the emulator keeps.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Store {
    /// Keyed by `ACCOUNT/REGION`.
    pub scopes: BTreeMap<String, Scope>,
    /// How many ids were handed out, so that ids stay unique across restarts.
    #[serde(default)]
    pub issued: u64,
    /// Answers of requests that carried an idempotency token, by scope, operation and token.
    #[serde(default)]
    pub tokens: BTreeMap<String, Value>,
}

/// One acknowledged change, as a journal line.
#[derive(Debug, Serialize, Deserialize)]
struct Change {
    scope: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    put: Vec<Resource>,
    /// Removed resources: kind, instance, id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    del: Vec<Key>,
    issued: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<(String, Value)>,
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

/// The journal file beside a snapshot file.
pub fn journal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".journal");
    PathBuf::from(p)
}

impl Store {
    /// The state in `path` and its journal, or an empty one when neither exists.
    pub fn load(path: &Path) -> Result<Store, StateError> {
        let read_err = |p: &Path, source| StateError::Read { path: p.display().to_string(), source };
        let mut store: Store = match fs::read(path) {
            Ok(text) => serde_json::from_slice(&text)
                .map_err(|source| StateError::Parse { path: path.display().to_string(), source })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Store::default(),
            Err(source) => return Err(read_err(path, source)),
        };
        for scope in store.scopes.values_mut() {
            scope.reindex();
        }
        let journal = journal_path(path);
        match fs::File::open(&journal) {
            Ok(file) => {
                for line in std::io::BufReader::new(file).lines() {
                    let line = line.map_err(|source| read_err(&journal, source))?;
                    // A line cut short was being written when the emulator stopped: its change
                    // was never acknowledged.
                    let Ok(change) = serde_json::from_str::<Change>(&line) else { break };
                    store.apply(change);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(read_err(&journal, source)),
        }
        Ok(store)
    }

    fn apply(&mut self, change: Change) {
        // The index of every scope is current: the snapshot's scopes are indexed before the
        // replay, and a new scope starts empty.
        let scope = self.scopes.entry(change.scope).or_default();
        for r in change.put {
            match scope.index.get(&key_of(&r)) {
                Some(&at) => scope.resources[at] = r,
                None => {
                    scope.index.insert(key_of(&r), scope.resources.len());
                    scope.resources.push(r);
                }
            }
        }
        if !change.del.is_empty() {
            scope.resources.retain(|r| !change.del.contains(&key_of(r)));
            scope.reindex();
        }
        scope.dirty.clear();
        self.issued = self.issued.max(change.issued);
        if let Some((k, v)) = change.token {
            self.tokens.insert(k, v);
        }
    }

    /// Writes the whole state atomically: a temporary file beside `path`, synced, renamed over
    /// it; then empties the journal, whose changes the new snapshot holds.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let err = |source| StateError::Write { path: path.display().to_string(), source };
        let text = serde_json::to_vec(self).map_err(|e| err(std::io::Error::other(e)))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let mut file = fs::File::create(&tmp).map_err(err)?;
        file.write_all(&text).map_err(err)?;
        file.sync_all().map_err(err)?;
        drop(file);
        fs::rename(&tmp, path).map_err(err)?;
        sync_dir(path);
        match fs::OpenOptions::new().write(true).truncate(true).open(journal_path(path)) {
            Ok(f) => f.sync_all().map_err(err)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(err(e)),
        }
        Ok(())
    }

    /// The resources of the scope changed since the last call, as one change to journal (with
    /// the idempotency answer recorded by the request, if any); `None` when nothing changed.
    fn take_change(&mut self, scope_key: &str, token: Option<(String, Value)>) -> Option<Change> {
        let issued = self.issued;
        let scope = self.scopes.get_mut(scope_key)?;
        let mut dirty = std::mem::take(&mut scope.dirty);
        dirty.sort();
        dirty.dedup();
        if dirty.is_empty() && token.is_none() {
            return None;
        }
        let (mut put, mut del) = (Vec::new(), Vec::new());
        for k in dirty {
            match scope.index.get(&k) {
                Some(&at) => put.push(scope.resources[at].clone()),
                None => del.push(k),
            }
        }
        // Keep creation order for resources made by the same request.
        put.sort_by_key(|r| scope.index.get(&key_of(r)).copied().unwrap_or(usize::MAX));
        Some(Change { scope: scope_key.to_owned(), put, del, issued, token })
    }

    /// The number of resources in every scope.
    fn size(&self) -> usize {
        self.scopes.values().map(|s| s.resources.len()).sum()
    }

    #[cfg(test)]
    pub fn scope(&mut self, account: &str, region: &str) -> &mut Scope {
        self.scopes.entry(scope_key(account, region)).or_default()
    }
}

fn sync_dir(path: &Path) {
    // The rename itself is durable once the directory is synced.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// The state file and its open journal.
pub struct Persistence {
    path: PathBuf,
    journal: fs::File,
    /// Lines in the journal since the last snapshot.
    lines: usize,
}

impl Persistence {
    /// Opens (or creates) the journal of the state file `path` for appending.
    pub fn open(path: &Path) -> Result<Persistence, StateError> {
        let journal = journal_path(path);
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal)
            .map_err(|source| StateError::Write { path: journal.display().to_string(), source })?;
        let lines = fs::read(&journal).map_or(0, |t| t.iter().filter(|b| **b == b'\n').count());
        Ok(Persistence { path: path.to_owned(), journal: file, lines })
    }

    /// Records what the last request changed in a scope: one journal line, written with one
    /// call and synced before the answer goes out; a new snapshot once the journal has more than
    /// 1,000 lines and more than half as many as the state has resources (so a snapshot's cost,
    /// spread over the changes since the last one, stays constant per change).
    pub fn record(
        &mut self,
        store: &mut Store,
        scope_key: &str,
        token: Option<(String, Value)>,
    ) -> Result<(), StateError> {
        let Some(change) = store.take_change(scope_key, token) else { return Ok(()) };
        let err = |source| StateError::Write { path: journal_path(&self.path).display().to_string(), source };
        let mut line = serde_json::to_vec(&change).map_err(|e| err(std::io::Error::other(e)))?;
        line.push(b'\n');
        self.journal.write_all(&line).map_err(err)?;
        self.journal.sync_data().map_err(err)?;
        self.lines += 1;
        if self.lines > 1000 && self.lines * 2 > store.size() {
            self.snapshot(store)?;
        }
        Ok(())
    }

    /// Writes the whole state and empties the journal.
    pub fn snapshot(&mut self, store: &Store) -> Result<(), StateError> {
        store.save(&self.path)?;
        self.lines = 0;
        Ok(())
    }
}

/// The key of an account's resources in a region.
pub fn scope_key(account: &str, region: &str) -> String {
    format!("{account}/{region}")
}

impl Scope {
    fn reindex(&mut self) {
        self.index = self.resources.iter().enumerate().map(|(i, r)| (key_of(r), i)).collect();
    }

    pub fn find(&self, kind: &str, instance: Option<&str>, id: &str) -> Option<&Resource> {
        self.index.get(&key(kind, instance, id)).map(|&at| &self.resources[at])
    }

    /// The resource, to change: it is recorded as changed.
    pub fn find_mut(&mut self, kind: &str, instance: Option<&str>, id: &str) -> Option<&mut Resource> {
        let k = key(kind, instance, id);
        let at = *self.index.get(&k)?;
        self.dirty.push(k);
        Some(&mut self.resources[at])
    }

    pub fn by_arn(&self, arn: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.arn == arn)
    }

    /// The resource with an ARN, to change: it is recorded as changed.
    pub fn by_arn_mut(&mut self, arn: &str) -> Option<&mut Resource> {
        let r = self.resources.iter_mut().find(|r| r.arn == arn)?;
        self.dirty.push(key_of(r));
        Some(r)
    }

    /// Adds a resource at the end.
    pub fn push(&mut self, r: Resource) {
        let k = key_of(&r);
        self.index.insert(k.clone(), self.resources.len());
        self.dirty.push(k);
        self.resources.push(r);
    }

    /// The resources of a kind in an instance (or the instances), in creation order.
    pub fn list<'a>(&'a self, kind: &'a str, instance: Option<&'a str>) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.kind == kind && r.instance.as_deref() == instance)
    }

    /// Removes a resource and, for an instance, everything in it.
    pub fn remove(&mut self, kind: &str, instance: Option<&str>, id: &str) -> bool {
        if !self.index.contains_key(&key(kind, instance, id)) {
            return false;
        }
        let dirty = &mut self.dirty;
        self.resources.retain(|r| {
            let gone = (r.kind == kind && r.instance.as_deref() == instance && r.id == id)
                || (instance.is_none() && r.instance.as_deref() == Some(id));
            if gone {
                dirty.push(key_of(r));
            }
            !gone
        });
        self.reindex();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(kind: &str, instance: Option<&str>, id: &str) -> Resource {
        Resource {
            kind: kind.into(),
            id: id.into(),
            arn: format!("arn:{id}"),
            instance: instance.map(str::to_owned),
            attrs: Map::new(),
        }
    }

    #[test]
    fn save_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(Store::load(&path).unwrap().scopes.is_empty());
        let mut store = Store::default();
        store.scope("123456789012", "us-east-1").push(resource("instance", None, "i"));
        store.issued = 7;
        store.save(&path).unwrap();
        let back = Store::load(&path).unwrap();
        assert_eq!(back.issued, 7);
        assert_eq!(back.scopes["123456789012/us-east-1"].resources[0].arn, "arn:i");
        assert!(back.scopes["123456789012/us-east-1"].find("instance", None, "i").is_some());
        assert!(!dir.path().join("state.json.tmp").exists());
        fs::write(&path, "{").unwrap();
        assert!(matches!(Store::load(&path), Err(StateError::Parse { .. })));
    }

    #[test]
    fn the_journal_replays_changes_and_a_cut_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let key = scope_key("1", "r");
        let mut store = Store::default();
        let mut p = Persistence::open(&path).unwrap();
        store.scope("1", "r").push(resource("instance", None, "i"));
        store.scope("1", "r").push(resource("user", Some("i"), "u1"));
        store.issued = 2;
        p.record(&mut store, &key, None).unwrap();
        store.scope("1", "r").push(resource("user", Some("i"), "u2"));
        store.scope("1", "r").find_mut("user", Some("i"), "u1").unwrap().attrs.insert("Username".into(), "mary".into());
        store.issued = 3;
        p.record(&mut store, &key, Some(("t".into(), Value::from(1)))).unwrap();
        store.scope("1", "r").remove("user", Some("i"), "u2");
        p.record(&mut store, &key, None).unwrap();
        // Nothing changed: no line.
        p.record(&mut store, &key, None).unwrap();
        assert_eq!(fs::read_to_string(journal_path(&path)).unwrap().lines().count(), 3);
        // A change cut short by a kill.
        let mut f = fs::OpenOptions::new().append(true).open(journal_path(&path)).unwrap();
        f.write_all(b"{\"scope\":\"1/r\",\"put\":[{\"ki").unwrap();
        let back = Store::load(&path).unwrap();
        let scope = &back.scopes[&key];
        let ids: Vec<&str> = scope.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["i", "u1"]);
        assert_eq!(scope.find("user", Some("i"), "u1").unwrap().attrs["Username"], "mary");
        assert_eq!((back.issued, back.tokens["t"].clone()), (3, Value::from(1)));
        // A snapshot empties the journal; replaying the journal over a snapshot that already
        // holds its changes gives the same state.
        let journal = fs::read(journal_path(&path)).unwrap();
        p.snapshot(&back).unwrap();
        assert_eq!(fs::read(journal_path(&path)).unwrap().len(), 0);
        fs::write(journal_path(&path), &journal).unwrap();
        let again = Store::load(&path).unwrap();
        let ids: Vec<&str> = again.scopes[&key].resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["i", "u1"]);
    }

    #[test]
    fn removing_an_instance_removes_its_contents() {
        let mut scope = Scope::default();
        scope.push(resource("instance", None, "i"));
        scope.push(resource("user", Some("i"), "u"));
        scope.push(resource("instance", None, "j"));
        assert!(scope.remove("instance", None, "i"));
        assert!(!scope.remove("instance", None, "i"));
        assert!(scope.find("user", Some("i"), "u").is_none());
        assert!(scope.find("instance", None, "j").is_some());
    }
}
