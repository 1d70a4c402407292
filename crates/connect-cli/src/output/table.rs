//! `--output table`: the AWS CLI's table formatter (`TableFormatter` in `awscli/formatter.py`,
//! `MultiTable` and `Section` in `awscli/table.py`), plain or coloured.
//!
//! The document becomes sections: a title, optional column headers (the sorted keys with scalar
//! values) and rows; nested values become indented sections titled with their key. Columns are
//! as wide as their widest cell plus 4, scaled to the widest section; when that is wider than the
//! terminal, single-row sections turn into two-column (key, value) sections first.
//!
//! In colour (`ColorizedStyler`) the cells of rows are bold blue and the bars that indent nested
//! sections dim yellow; titles and column headers stay plain, and widths are measured without
//! the escapes. The AWS CLI's colour library (colorama, with `autoreset`) wraps standard output
//! once colour is on, and follows every write made to it with a reset: a table written straight
//! to stdout carries those too, one written to the pager does not
//! ([`Terminal::reset_after_writes`]).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::width::text_width;
use super::{OutputError, Terminal, is_scalar, py_str, py_type, truthy};

type Result<T> = std::result::Result<T, String>;

pub fn render(value: &Value, operation_name: &str, terminal: &Terminal) -> std::result::Result<String, OutputError> {
    let mut table = MultiTable::default();
    let fail = |message| OutputError { partial: String::new(), message };
    if !table.build(Some(operation_name), value, 0).map_err(fail)? {
        return Ok(String::new());
    }
    let mut out = Stream { text: String::new(), reset_after_writes: terminal.color && terminal.reset_after_writes };
    table.render(terminal.width, terminal.color, &mut out);
    Ok(out.text)
}

/// colorama's `Style.BRIGHT` and `Fore.BLUE`: the cells of rows.
const ROW_STYLE: &str = "\x1b[1m\x1b[34m";
/// colorama's `Style.DIM` and `Fore.YELLOW`: the bars that indent nested sections.
const INDENT_STYLE: &str = "\x1b[2m\x1b[33m";
/// colorama's `Style.RESET_ALL`.
const RESET: &str = "\x1b[0m";

/// The output, written as the AWS CLI writes it: in pieces, each followed by a reset when
/// colorama wraps the stream.
struct Stream {
    text: String,
    reset_after_writes: bool,
}

impl Stream {
    fn write(&mut self, piece: &str) {
        self.text.push_str(piece);
        if self.reset_after_writes {
            self.text.push_str(RESET);
        }
    }
}

#[derive(Default)]
struct Section {
    /// `None` for a section opened with Python's `None` title: no title line, but `str(None)`
    /// still counts towards the width.
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent_level: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

impl Section {
    fn add_header(&mut self, headers: Vec<String>) {
        self.update_max_widths(&headers);
        if self.num_cols.is_none() {
            self.num_cols = Some(headers.len());
        }
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<()> {
        let n = *self.num_cols.get_or_insert(row.len());
        if row.len() != n {
            return Err(format!("Row should have {n} elements, instead it has {}", row.len()));
        }
        self.update_max_widths(&row);
        self.rows.push(row);
        Ok(())
    }

    fn update_max_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|c| text_width(c)).collect();
        } else {
            for (i, cell) in row.iter().enumerate() {
                let w = text_width(cell);
                match self.max_widths.get_mut(i) {
                    Some(m) => *m = (*m).max(w),
                    None => self.max_widths.push(w),
                }
            }
        }
    }

    fn title_width(&self) -> usize {
        self.title.as_deref().map_or(4, text_width)
    }

    /// Column widths with `padding` added, scaled so that they sum to `max_width`.
    fn column_widths(&self, padding: usize, max_width: Option<i64>) -> Vec<i64> {
        let unscaled: Vec<i64> = self.max_widths.iter().map(|w| (w + padding) as i64).collect();
        let Some(max_width) = max_width else { return unscaled };
        if unscaled.is_empty() {
            return unscaled;
        }
        let scale = max_width as f64 / unscaled.iter().sum::<i64>() as f64;
        let mut scaled: Vec<i64> = unscaled.iter().map(|&w| (scale * w as f64).round_ties_even() as i64).collect();
        let mut off_by = scaled.iter().sum::<i64>() - max_width;
        while off_by != 0 {
            let order: Vec<usize> =
                if off_by < 0 { (0..scaled.len()).rev().collect() } else { (0..scaled.len()).collect() };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled
    }

    fn total_width(&self, padding: usize, outer_padding: usize) -> usize {
        let columns: usize = self.max_widths.iter().map(|w| w + padding).sum();
        let total = columns + 2 + 2 * outer_padding;
        (self.title_width() + 2 + 2 * outer_padding).max(total)
    }
}

#[derive(Default)]
struct MultiTable {
    sections: Vec<Section>,
}

impl MultiTable {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    fn new_section(&mut self, title: Option<&str>, indent_level: usize) {
        self.sections.push(Section { title: title.map(str::to_owned), indent_level, ..Section::default() });
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<()> {
        self.current().add_row(row)
    }

    /// `TableFormatter._build_table`: false when there is nothing to print.
    fn build(&mut self, title: Option<&str>, current: &Value, indent_level: usize) -> Result<bool> {
        if !truthy(current) {
            return Ok(false);
        }
        if title.is_some() {
            self.new_section(title, indent_level);
        }
        match current {
            Value::Array(items) => {
                if items.first().is_some_and(Value::is_object) {
                    self.sub_table_from_list(items, indent_level, title)?;
                } else {
                    for item in items {
                        match item {
                            Value::Array(cells) if cells.iter().all(is_scalar) => {
                                self.add_row(cells.iter().map(py_str).collect())?;
                            }
                            // Python iterates a dict's keys, which are all scalars.
                            Value::Object(map) => self.add_row(map.keys().cloned().collect())?,
                            Value::Array(_) => {
                                self.build(None, item, 0)?;
                            }
                            scalar => self.add_row(vec![py_str(scalar)])?,
                        }
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent_level)?,
            _ => {}
        }
        Ok(true)
    }

    fn sub_table_from_dict(&mut self, map: &Map<String, Value>, indent_level: usize) -> Result<()> {
        let (headers, more) = group_scalar_keys(map);
        if headers.len() == 1 {
            let value = map.get(&headers[0]).map(py_str).unwrap_or_default();
            self.add_row(vec![headers[0].clone(), value])?;
        } else if !headers.is_empty() {
            let row = headers.iter().map(|k| map.get(k).map(py_str).unwrap_or_default()).collect();
            self.current().add_header(headers);
            self.add_row(row)?;
        }
        for key in more {
            if let Some(v) = map.get(&key) {
                self.build(Some(&key), v, indent_level + 1)?;
            }
        }
        Ok(())
    }

    fn sub_table_from_list(&mut self, items: &[Value], indent_level: usize, title: Option<&str>) -> Result<()> {
        let (headers, more) = group_scalar_keys_from_list(items)?;
        self.current().add_header(headers.clone());
        for (i, element) in items.iter().enumerate() {
            let Value::Object(map) = element else {
                return Err(format!("'{}' object has no attribute 'get'", py_type(element)));
            };
            if i > 0 && !more.is_empty() {
                self.new_section(title, indent_level);
                self.current().add_header(headers.clone());
            }
            self.add_row(headers.iter().map(|h| map.get(h).map(py_str).unwrap_or_default()).collect())?;
            for key in &more {
                if let Some(v) = map.get(key) {
                    self.build(Some(key), v, indent_level + 1)?;
                }
            }
        }
        Ok(())
    }

    fn render(&mut self, terminal_width: usize, color: bool, out: &mut Stream) {
        let mut max_width = self.max_width();
        if max_width > terminal_width {
            self.convert_to_vertical();
            max_width = self.max_width();
        }
        out.write(&format!("{}\n", "-".repeat(max_width)));
        for section in &self.sections {
            render_section(section, max_width as i64, color, out);
        }
    }

    fn max_width(&self) -> usize {
        self.sections.iter().map(|s| s.total_width(4, s.indent_level)).max().unwrap_or(0)
    }

    /// Single-row sections with headers become one (header, value) row per column.
    fn convert_to_vertical(&mut self) {
        for section in &mut self.sections {
            if section.rows.len() == 1 && !section.headers.is_empty() {
                let mut vertical =
                    Section { title: section.title.clone(), indent_level: section.indent_level, ..Section::default() };
                for (header, cell) in section.headers.iter().zip(&section.rows[0]) {
                    // Two cells per row always fit the new section.
                    let _ = vertical.add_row(vec![header.clone(), cell.clone()]);
                }
                *section = vertical;
            }
        }
    }
}

/// The sorted keys with scalar values and the sorted keys with other values.
fn group_scalar_keys(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut more = Vec::new();
    for (k, v) in map {
        if is_scalar(v) { headers.push(k.clone()) } else { more.push(k.clone()) }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

fn group_scalar_keys_from_list(items: &[Value]) -> Result<(Vec<String>, Vec<String>)> {
    let mut headers = BTreeSet::new();
    let mut more = BTreeSet::new();
    for item in items {
        match item {
            Value::Object(map) => {
                let (h, m) = group_scalar_keys(map);
                headers.extend(h);
                more.extend(m);
            }
            // Python iterates the element and indexes it with what it finds.
            Value::String(s) if s.is_empty() => {}
            Value::Array(a) if a.is_empty() => {}
            Value::String(_) => return Err("string indices must be integers, not 'str'".into()),
            Value::Array(_) => return Err("list indices must be integers or slices, not dict".into()),
            other => return Err(format!("'{}' object is not iterable", py_type(other))),
        }
    }
    Ok((headers.into_iter().collect(), more.into_iter().collect()))
}

/// Writes one line of a section as `IndentedStream` does: the indentation bars, the line, the
/// bars again, the newline (four writes).
fn indented_line(out: &mut Stream, bars: &str, line: &str) {
    out.write(bars);
    out.write(line);
    out.write(bars);
    out.write("\n");
}

fn render_section(section: &Section, max_width: i64, color: bool, out: &mut Stream) {
    let indent = section.indent_level;
    let bar = if color { format!("{INDENT_STYLE}|{RESET}") } else { "|".to_owned() };
    let bars = bar.repeat(indent);
    let write_line = |out: &mut Stream, line: &str| indented_line(out, &bars, line);
    let max_width = max_width - 2 * indent as i64;
    if let Some(title) = section.title.as_deref().filter(|t| !t.is_empty()) {
        write_line(out, &center_text(title, max_width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            write_line(out, &format!("+{}+", dashes(max_width - 2)));
        }
    }
    if !section.headers.is_empty() {
        let widths = section.column_widths(4, Some(max_width));
        write_line(out, &line_break(&widths));
        let mut line = String::new();
        for (i, (width, header)) in widths.iter().zip(&section.headers).enumerate() {
            line.push_str(&center_text(header, *width, if i == 0 { "|" } else { "" }, "|"));
        }
        write_line(out, &line);
    }
    if !section.rows.is_empty() {
        let widths = section.column_widths(4, Some(max_width));
        if widths.is_empty() {
            return;
        }
        write_line(out, &line_break(&widths));
        for row in &section.rows {
            let mut line = String::new();
            for (i, (width, cell)) in widths.iter().zip(row).enumerate() {
                let styled = if color { format!("{ROW_STYLE}{cell}{RESET}") } else { cell.clone() };
                line.push_str(&align_left(&styled, text_width(cell), *width, if i == 0 { "|" } else { "" }, "|"));
            }
            write_line(out, &line);
        }
        write_line(out, &line_break(&widths));
    }
}

fn dashes(n: i64) -> String {
    "-".repeat(n.max(0) as usize)
}

fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

/// `+-----+------+`
fn line_break(widths: &[i64]) -> String {
    let mut line = String::new();
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            line.push('+');
            line.push_str(&dashes(w - 2));
        } else {
            line.push_str(&dashes(w - 1));
        }
        line.push('+');
    }
    line
}

/// `awscli.table.center_text`.
fn center_text(text: &str, length: i64, left_edge: &str, right_edge: &str) -> String {
    let text_length = text_width(text) as i64;
    let char_start = length.div_euclid(2) - text_length.div_euclid(2) - 1;
    let mut out = format!("{left_edge}{}{text}", spaces(char_start));
    let so_far = text_width(left_edge) as i64 + char_start + text_length;
    out.push_str(&spaces(length - text_width(right_edge) as i64 - so_far));
    out.push_str(right_edge);
    out
}

/// `awscli.table.align_left` with a left padding of 2, for `text` (perhaps styled) that takes
/// `text_length` columns.
fn align_left(text: &str, text_length: usize, length: i64, left_edge: &str, right_edge: &str) -> String {
    let text_length = text_length as i64;
    let computed = text_length + 2 + text_width(left_edge) as i64 + text_width(right_edge) as i64;
    let padding = if length - computed >= 0 { 2 } else { 0 };
    let so_far = left_edge.chars().count() as i64 + padding + text_length;
    format!(
        "{left_edge}{}{text}{}{right_edge}",
        spaces(padding),
        spaces(length - so_far - right_edge.chars().count() as i64)
    )
}
