//! `--cli-input-rows`: one input document per row of a JSON Lines or CSV file, read as a stream
//! (one row in memory at a time), typed against the model as command-line values are.
//!
//! - JSON Lines: each non-blank line is a document of the same form as `--cli-input-json`.
//! - CSV: the header names input members by their path in the input document (`UserId`,
//!   `IdentityInfo.FirstName`, or `IdentityInfo` holding shorthand or JSON). Each cell is typed
//!   against its member exactly as that member's value on the command line would be
//!   ([`super::param_value`]); an empty cell leaves the member out.
//!
//! Rows are numbered from 1 in the order of the file (blank JSON Lines and the CSV header are not
//! rows). Every problem names its row, the member and what is wrong.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::InputError;
use super::paramfile::LocalParamFiles;
use crate::compat::repr;
use crate::model::{Kind, Member, Shape};

/// How the rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsFormat {
    /// Comma-separated values with a header of member paths.
    Csv,
    /// JSON Lines: one input document per line.
    Jsonl,
}

impl RowsFormat {
    /// The format named by `--rows-format` (`csv` or `jsonl`).
    pub fn from_name(name: &str) -> Option<RowsFormat> {
        match name {
            "csv" => Some(RowsFormat::Csv),
            "jsonl" => Some(RowsFormat::Jsonl),
            _ => None,
        }
    }

    /// The format a file name's extension says (`.csv`; `.jsonl`, `.ndjson`), in any case.
    pub fn from_path(path: &Path) -> Option<RowsFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(RowsFormat::Csv),
            "jsonl" | "ndjson" => Some(RowsFormat::Jsonl),
            _ => None,
        }
    }
}

/// One problem of one row (or of the CSV header, `row` 0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {problem}", where_(*.row), .member.as_deref().map(|m| format!(", {m}")).unwrap_or_default())]
pub struct RowError {
    /// The row's number (1-based); 0 for the CSV header.
    pub row: u64,
    /// The member (its path in the input document), when the problem is about one.
    pub member: Option<String>,
    /// What is wrong.
    pub problem: String,
}

fn where_(row: u64) -> String {
    if row == 0 { "header".to_owned() } else { format!("row {row}") }
}

/// One row's input document.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based.
    pub number: u64,
    /// The row's members, typed against the model.
    pub document: Map<String, Value>,
}

/// A CSV column: the path of members its cells fill.
#[derive(Debug)]
struct Column {
    header: String,
    path: Vec<&'static Member>,
}

enum Source<R: Read> {
    Jsonl(BufReader<R>),
    Csv { reader: csv::Reader<R>, columns: Vec<Column>, record: csv::StringRecord },
}

/// The rows of a file, in order; each item is a row's document or every problem of that row.
pub struct Rows<R: Read> {
    source: Source<R>,
    number: u64,
    done: bool,
}

/// Starts reading rows of `format` from `reader` for an operation whose input is `shape`. A CSV
/// header whose columns do not name input members fails here, with every bad column.
pub fn read<R: Read>(format: RowsFormat, reader: R, shape: Option<&'static Shape>) -> Result<Rows<R>, Vec<RowError>> {
    let source = match format {
        RowsFormat::Jsonl => Source::Jsonl(BufReader::new(reader)),
        RowsFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(reader);
            let header = reader.headers().map_err(|e| vec![csv_error(0, &e)])?.clone();
            let mut errors = Vec::new();
            let mut columns: Vec<Column> = Vec::new();
            for (i, cell) in header.iter().enumerate() {
                // A byte order mark (spreadsheet exports write one) is not part of the name.
                let name = if i == 0 { cell.trim_start_matches('\u{feff}') } else { cell }.trim();
                match column(name, shape) {
                    Ok(path) => {
                        if columns.iter().any(|c| c.header == name) {
                            errors.push(header_error(name, "the column is given twice"));
                        }
                        columns.push(Column { header: name.to_owned(), path });
                    }
                    Err(problem) => errors.push(header_error(name, &problem)),
                }
            }
            if columns.is_empty() && errors.is_empty() {
                errors.push(RowError { row: 0, member: None, problem: "the CSV file has no header".to_owned() });
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            Source::Csv { reader, columns, record: csv::StringRecord::new() }
        }
    };
    Ok(Rows { source, number: 0, done: false })
}

fn header_error(name: &str, problem: &str) -> RowError {
    RowError { row: 0, member: Some(name.to_owned()), problem: problem.to_owned() }
}

fn csv_error(row: u64, e: &csv::Error) -> RowError {
    RowError { row, member: None, problem: format!("not readable as CSV: {e}") }
}

/// The members a header cell names: a path of member names through structures.
fn column(name: &str, shape: Option<&'static Shape>) -> Result<Vec<&'static Member>, String> {
    let Some(mut shape) = shape else { return Err("the operation takes no input".to_owned()) };
    let mut path = Vec::new();
    for (i, segment) in name.split('.').enumerate() {
        if i > 0 && !matches!(shape.kind(), Kind::Structure(_) | Kind::Union(_)) {
            return Err(format!(
                "{} is not a structure: give its whole value (shorthand or JSON) in a column named {}",
                path.iter().map(|m: &&Member| m.name()).collect::<Vec<_>>().join("."),
                path.iter().map(|m: &&Member| m.name()).collect::<Vec<_>>().join(".")
            ));
        }
        let Some(member) = shape.members().iter().find(|m| m.name() == segment) else {
            let choices: Vec<&str> = shape.members().iter().map(|m| m.name()).collect();
            return Err(format!("unknown member {segment:?}; valid members: {}", choices.join(", ")));
        };
        path.push(member);
        shape = member.target();
    }
    Ok(path)
}

impl<R: Read> Rows<R> {
    fn next_jsonl(reader: &mut BufReader<R>, number: &mut u64) -> Option<Result<Row, Vec<RowError>>> {
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) if line.trim().is_empty() => continue,
                Ok(_) => break,
                Err(e) => {
                    *number += 1;
                    let problem = format!("cannot be read: {e}");
                    return Some(Err(vec![RowError { row: *number, member: None, problem }]));
                }
            }
        }
        *number += 1;
        let row = *number;
        let error = |problem: String| Some(Err(vec![RowError { row, member: None, problem }]));
        match crate::compat::json_loads::parse(line.trim_end_matches(['\n', '\r'])) {
            Ok(Value::Object(document)) => Some(Ok(Row { number: row, document })),
            Ok(other) => error(format!("expecting a JSON object, received {}", repr::python_type(&other))),
            Err(e) => error(format!("Invalid JSON: {e}")),
        }
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Row, Vec<RowError>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = match &mut self.source {
            Source::Jsonl(reader) => Self::next_jsonl(reader, &mut self.number),
            Source::Csv { reader, columns, record } => match reader.read_record(record) {
                Ok(false) => None,
                Ok(true) => {
                    self.number += 1;
                    Some(csv_row(self.number, columns, record))
                }
                Err(e) => {
                    self.number += 1;
                    // A record of the wrong length is one bad row; other errors end the file.
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        self.done = true;
                    }
                    Some(Err(vec![csv_error(self.number, &e)]))
                }
            },
        };
        if item.is_none() {
            self.done = true;
        }
        item
    }
}

/// The document of one CSV record.
fn csv_row(row: u64, columns: &[Column], record: &csv::StringRecord) -> Result<Row, Vec<RowError>> {
    let mut document = Map::new();
    let mut errors = Vec::new();
    for (column, cell) in columns.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        let Some(member) = column.path.last() else { continue };
        let problem = |problem: String| RowError { row, member: Some(column.header.clone()), problem };
        let value = match super::param_value(member, &[cell.to_owned()], &LocalParamFiles) {
            Ok(value) => value,
            Err(InputError::Param { message, .. }) => {
                errors.push(problem(message));
                continue;
            }
            Err(e) => {
                errors.push(problem(e.to_string()));
                continue;
            }
        };
        if let Err(e) = insert_path(&mut document, &column.path, value) {
            errors.push(problem(e));
        }
    }
    if errors.is_empty() { Ok(Row { number: row, document }) } else { Err(errors) }
}

/// Puts `value` at `path` in `document`, making the structures on the way.
fn insert_path(document: &mut Map<String, Value>, path: &[&'static Member], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else { return Ok(()) };
    let mut here = document;
    for (i, m) in parents.iter().enumerate() {
        let slot = here.entry(m.name().to_owned()).or_insert_with(|| Value::Object(Map::new()));
        here = match slot {
            Value::Object(map) => map,
            _ => {
                let parent: Vec<&str> = path[..=i].iter().map(|m| m.name()).collect();
                return Err(format!(
                    "the column {} already gives {} a value that is not a structure",
                    parent.join("."),
                    parent.join(".")
                ));
            }
        };
    }
    match here.get_mut(last.name()) {
        // A whole structure given in one column and some of its members in others: the members'
        // columns add to (and win over) the whole.
        Some(Value::Object(existing)) => match value {
            Value::Object(more) => {
                existing.extend(more);
                Ok(())
            }
            _ => Err(format!("conflicts with another column that gives {}", last.name())),
        },
        Some(_) => Err(format!("conflicts with another column that gives {}", last.name())),
        None => {
            here.insert(last.name().to_owned(), value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static TEXT: Shape = Shape::new("Text", Kind::String);
    static NUMBER: Shape = Shape::new("Number", Kind::Integer);
    static TEXTS: Shape = Shape::new("Texts", Kind::List(&TEXT));
    static INFO: Shape = Shape::new(
        "Info",
        Kind::Structure(&[
            Member::new("First", "first", &TEXT),
            Member::new("Last", "last", &TEXT),
            Member::new("Age", "age", &NUMBER),
        ]),
    );
    static INPUT: Shape = Shape::new(
        "Input",
        Kind::Structure(&[
            Member::new("Id", "id", &TEXT),
            Member::new("Info", "info", &INFO),
            Member::new("Tags", "tags", &TEXTS),
            Member::new("Count", "count", &NUMBER),
        ]),
    );

    fn rows(format: RowsFormat, text: &str) -> Vec<Result<Value, Vec<String>>> {
        let rows = match read(format, text.as_bytes(), Some(&INPUT)) {
            Ok(rows) => rows,
            Err(e) => return vec![Err(e.iter().map(ToString::to_string).collect())],
        };
        rows.map(|r| match r {
            Ok(row) => Ok(json!({"row": row.number, "doc": row.document})),
            Err(e) => Err(e.iter().map(ToString::to_string).collect()),
        })
        .collect()
    }

    #[test]
    fn csv_cells_are_typed_by_their_paths() {
        let got =
            rows(RowsFormat::Csv, "Id,Info.First,Info.Age,Tags,Count\na,Mary,41,x,3\nb,,,\"[\"\"p\"\",\"\"q\"\"]\",\n");
        assert_eq!(
            got,
            [
                Ok(
                    json!({"row": 1, "doc": {"Id": "a", "Info": {"First": "Mary", "Age": 41}, "Tags": ["x"], "Count": 3}})
                ),
                Ok(json!({"row": 2, "doc": {"Id": "b", "Tags": ["p", "q"]}})),
            ]
        );
    }

    #[test]
    fn csv_structures_take_shorthand_or_json_and_members_add_to_them() {
        let got =
            rows(RowsFormat::Csv, "Info,Info.Last\n\"First=Mary,Age=7\",Major\n\"{\"\"First\"\": \"\"Jo\"\"}\",\n");
        assert_eq!(
            got,
            [
                Ok(json!({"row": 1, "doc": {"Info": {"First": "Mary", "Age": 7, "Last": "Major"}}})),
                Ok(json!({"row": 2, "doc": {"Info": {"First": "Jo"}}})),
            ]
        );
    }

    #[test]
    fn csv_problems_name_row_member_and_problem() {
        let got = rows(RowsFormat::Csv, "Id,Count,Info\na,x,ok\nb,2,\"First=\"\nc,3\n");
        assert_eq!(
            got,
            [
                Err(vec![
                    "row 1, Count: invalid literal for int() with base 10: 'x'".to_owned(),
                    "row 1, Info: Expected: '=', received: 'EOF' for input:\n ok\n  ^".to_owned(),
                ]),
                Ok(json!({"row": 2, "doc": {"Id": "b", "Count": 2, "Info": {"First": ""}}})),
                Err(vec![
                    "row 3: not readable as CSV: CSV error: record 3 (line: 4, byte: 34): found record with 2 fields, but the previous record has 3 fields".to_owned()
                ]),
            ]
        );
        assert_eq!(rows(RowsFormat::Csv, "\u{feff}Id\nx\n"), [Ok(json!({"row": 1, "doc": {"Id": "x"}}))]);
        let got = rows(RowsFormat::Csv, "Id,Nope,Info.Bad,Id.X\n");
        assert_eq!(
            got,
            [Err(vec![
                "header, Nope: unknown member \"Nope\"; valid members: Id, Info, Tags, Count".to_owned(),
                "header, Info.Bad: unknown member \"Bad\"; valid members: First, Last, Age".to_owned(),
                "header, Id.X: Id is not a structure: give its whole value (shorthand or JSON) in a column named Id"
                    .to_owned(),
            ])]
        );
    }

    #[test]
    fn json_lines_are_documents() {
        let got = rows(RowsFormat::Jsonl, "{\"Id\": \"a\"}\n\n[1]\n{\"Id\":\n{\"Count\": 1}");
        assert_eq!(
            got,
            [
                Ok(json!({"row": 1, "doc": {"Id": "a"}})),
                Err(vec!["row 2: expecting a JSON object, received <class 'list'>".to_owned()]),
                Err(vec!["row 3: Invalid JSON: Expecting value: line 1 column 7 (char 6)".to_owned()]),
                Ok(json!({"row": 4, "doc": {"Count": 1}})),
            ]
        );
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(RowsFormat::from_path(Path::new("a/users.CSV")), Some(RowsFormat::Csv));
        assert_eq!(RowsFormat::from_path(Path::new("users.jsonl")), Some(RowsFormat::Jsonl));
        assert_eq!(RowsFormat::from_path(Path::new("users.txt")), None);
        assert_eq!(RowsFormat::from_name("jsonl"), Some(RowsFormat::Jsonl));
    }
}
