//! The results file of a bulk run: one JSON line per finished row, written with one `write` call
//! as the row finishes (a kill at any moment leaves whole lines, and at most one torn last line),
//! and read back by `--resume` to skip the rows already done with the same input.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// How often finished lines are also forced to the disk (they reach the file at once).
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// The hash of a row's input document (after the command-line arguments were merged in, before
/// idempotency tokens were filled): SHA-256 of its JSON text, in hex.
pub fn input_hash(input: &Map<String, Value>) -> String {
    let text = serde_json::to_vec(input).unwrap_or_default();
    let digest = Sha256::digest(&text);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The part of a hash that `--resume` keeps in memory per row (8 bytes; never 0, which means
/// "not done").
fn short(hash: &str) -> u64 {
    u64::from_str_radix(hash.get(..16).unwrap_or(""), 16).unwrap_or(0).max(1)
}

/// The rows a results file records as `ok`, with the hash of the input they were run with.
#[derive(Debug, Default)]
pub struct Done {
    by_row: Vec<u64>,
}

impl Done {
    /// Whether row `row` is recorded as `ok` with input `hash`.
    pub fn is_done(&self, row: u64, hash: &str) -> bool {
        row.checked_sub(1).and_then(|i| self.by_row.get(i as usize)).is_some_and(|&h| h != 0 && h == short(hash))
    }

    /// How many rows are recorded as `ok`.
    #[cfg(test)]
    fn count(&self) -> usize {
        self.by_row.iter().filter(|&&h| h != 0).count()
    }

    fn record(&mut self, row: u64, hash: Option<&str>) {
        let Some(i) = row.checked_sub(1).map(|i| i as usize) else { return };
        if self.by_row.len() <= i {
            self.by_row.resize(i + 1, 0);
        }
        self.by_row[i] = hash.map_or(0, short);
    }
}

/// Reads the rows a results file records as done (the last line about a row counts), up to row
/// `most`. A torn last line (a kill while it was written) is cut off, so that new lines start on a
/// line of their own.
pub fn read_done(path: &Path, most: u64) -> std::io::Result<Done> {
    let mut done = Done::default();
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(e),
    };
    let mut reader = BufReader::new(&mut file);
    let mut line = Vec::new();
    let mut whole = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break;
        }
        whole += n as u64;
        let Ok(Value::Object(record)) = serde_json::from_slice::<Value>(&line) else { continue };
        let Some(row) = record.get("row").and_then(Value::as_u64).filter(|&r| r <= most) else { continue };
        let ok = record.get("status").and_then(Value::as_str) == Some("ok");
        done.record(row, record.get("input_hash").and_then(Value::as_str).filter(|_| ok));
    }
    drop(reader);
    if file.seek(SeekFrom::End(0))? != whole {
        file.set_len(whole)?;
        file.sync_data()?;
    }
    Ok(done)
}

/// Whether a results file exists and holds anything.
pub fn has_content(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

/// Appends one line per finished row.
pub struct Writer {
    file: File,
    path: PathBuf,
    synced: Instant,
}

/// How one row ended.
pub enum Outcome {
    Ok(Option<Map<String, Value>>),
    Error { code: String, message: String },
}

impl Writer {
    pub fn open(path: &Path) -> std::io::Result<Writer> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Writer { file, path: path.to_owned(), synced: Instant::now() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the line of a finished row, in one `write`.
    pub fn write(&mut self, row: u64, hash: &str, outcome: &Outcome) -> std::io::Result<()> {
        let record = match outcome {
            Outcome::Ok(None) => json!({"row": row, "input_hash": hash, "status": "ok"}),
            Outcome::Ok(Some(response)) => {
                json!({"row": row, "input_hash": hash, "status": "ok", "response": response})
            }
            Outcome::Error { code, message } => json!({
                "row": row, "input_hash": hash, "status": "error", "error": {"code": code, "message": message}
            }),
        };
        let mut line = serde_json::to_vec(&record).unwrap_or_default();
        line.push(b'\n');
        self.file.write_all(&line)?;
        if self.synced.elapsed() >= SYNC_EVERY {
            self.sync()?;
        }
        Ok(())
    }

    /// Forces what was written to the disk.
    pub fn sync(&mut self) -> std::io::Result<()> {
        self.synced = Instant::now();
        self.file.sync_data()
    }
}

/// Copies standard input to a temporary file (rows are read twice: validated, then sent).
pub fn spool(mut input: impl Read) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::NamedTempFile::new()?;
    std::io::copy(&mut input, file.as_file_mut())?;
    file.as_file_mut().flush()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_reads_the_last_word_per_row_and_cuts_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let a = input_hash(&Map::new());
        let b = input_hash(json!({"X": 1}).as_object().unwrap());
        assert_eq!(a, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        {
            let mut w = Writer::open(&path).unwrap();
            w.write(1, &a, &Outcome::Ok(None)).unwrap();
            w.write(2, &a, &Outcome::Error { code: "E".into(), message: "m".into() }).unwrap();
            w.write(3, &a, &Outcome::Ok(Some(Map::new()))).unwrap();
            w.write(3, &b, &Outcome::Error { code: "E".into(), message: "m".into() }).unwrap();
            w.write(4, &b, &Outcome::Ok(None)).unwrap();
        }
        let mut text = std::fs::read(&path).unwrap();
        let whole = text.len();
        text.extend_from_slice(br#"{"row": 5, "input_ha"#);
        std::fs::write(&path, &text).unwrap();
        let done = read_done(&path, 4).unwrap();
        assert!(done.is_done(1, &a));
        assert!(!done.is_done(1, &b), "a changed row is run again");
        assert!(!done.is_done(2, &a));
        assert!(!done.is_done(3, &a), "the last line about a row counts");
        assert!(done.is_done(4, &b));
        assert!(!done.is_done(5, &a));
        // Rows past the limit are not kept.
        assert!(!read_done(&path, 3).unwrap().is_done(4, &b));
        assert_eq!(done.count(), 2);
        assert_eq!(std::fs::read(&path).unwrap().len(), whole, "the torn line is cut off");
        assert_eq!(read_done(&dir.path().join("none"), 10).unwrap().count(), 0);
    }
}
