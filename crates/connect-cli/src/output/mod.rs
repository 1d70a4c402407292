//! The AWS CLI's output formats (`--output json|text|table|yaml|yaml-stream|off`) and `--query`,
//! over a response document whose key order is the response's.
//!
//! Every format prints nothing for an empty response (`{}`). Formatting happens after `--query`
//! ([`apply_query`]), so a format also meets scalars and `null`.

mod json;
pub mod query;
mod table;
mod text;
mod width;
mod yaml;

use std::fmt;

use serde_json::Value;

pub use width::text_width;

/// An `--output` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
    Table,
    Yaml,
    YamlStream,
    Off,
}

impl Format {
    /// The format named by an `--output` value, as the AWS CLI spells it.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "json" => Format::Json,
            "text" => Format::Text,
            "table" => Format::Table,
            "yaml" => Format::Yaml,
            "yaml-stream" => Format::YamlStream,
            "off" => Format::Off,
            _ => return None,
        })
    }
}

/// The terminal width the AWS CLI assumes when standard output is not a terminal
/// (`awscli.table.determine_terminal_width`'s default).
pub const DEFAULT_TERMINAL_WIDTH: usize = 80;

/// What `--output table` draws for: the terminal's width and whether to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    /// The width tables fit into ([`crate::terminal::stdout_width`]).
    pub width: usize,
    /// `--color on`, or `auto` with standard output a terminal: values bold blue, the bars of
    /// nested sections dim yellow.
    pub color: bool,
    /// In colour, the table goes straight to standard output (not to a pager), where the AWS
    /// CLI's colour library follows each of the formatter's writes with a reset.
    pub reset_after_writes: bool,
}

impl Default for Terminal {
    /// Standard output not a terminal: 80 columns, no colour.
    fn default() -> Self {
        Terminal { width: DEFAULT_TERMINAL_WIDTH, color: false, reset_after_writes: false }
    }
}

/// A document the AWS CLI's formatter cannot print: it raises a Python exception part way
/// (the table formatter on rows of different lengths, the text formatter on a list that mixes
/// objects with other values). The CLI prints what it wrote so far, then the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputError {
    /// What the formatter wrote before it failed (the text formatter streams; the others
    /// write nothing).
    pub partial: String,
    /// The Python exception's message.
    pub message: String,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OutputError {}

/// A `--query` expression that does not compile, or fails on the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// For an expression that does not compile, the AWS CLI's message `Bad value for --query
    /// <expr>: <parser error>` (an argument error); for one that fails while it is evaluated
    /// (an unknown function, a function given the wrong type), the error alone.
    pub message: String,
    /// The expression compiled and failed on the response. The AWS CLI compiles `--query` when it
    /// parses its arguments but only evaluates it on the response, after the request; the error
    /// then goes to its general handler (exit 255).
    pub evaluation: bool,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// `value` formatted as `aws … --output <format>` prints it when standard output is not a
/// terminal (colour off, tables 80 columns wide); `operation_name` titles tables. A document
/// the AWS CLI fails on gives what it printed before failing (see [`try_render`]).
pub fn render(format: Format, value: &Value, operation_name: &str) -> String {
    match try_render(format, value, operation_name, &Terminal::default()) {
        Ok(text) => text,
        Err(e) => e.partial,
    }
}

/// Like [`render`], for the terminal tables are drawn for, and the AWS CLI's failures as errors.
pub fn try_render(
    format: Format,
    value: &Value,
    operation_name: &str,
    terminal: &Terminal,
) -> Result<String, OutputError> {
    if is_empty_object(value) {
        return Ok(String::new());
    }
    match format {
        Format::Json => Ok(json::render(value)),
        Format::Text => text::render(value),
        Format::Table => table::render(value, operation_name, terminal),
        Format::Yaml => Ok(yaml::render(value)),
        Format::YamlStream => Ok(yaml::render(&Value::Array(vec![value.clone()]))),
        Format::Off => Ok(String::new()),
    }
}

/// Writes a command's formatted output to `out` as the AWS CLI's formatters do when the reader
/// went away (a closed pipe): the buffered formats (json, yaml, yaml-stream, table) ignore it; the
/// text formatter does not, and Python exits 120 for the stream it cannot flush: an error
/// (`[Errno 32] Broken pipe`) whose exit status becomes 120 ([`crate::error::final_code`]). Other
/// write errors are reported as they are.
pub fn write(out: &mut dyn std::io::Write, text: &str, format: Format) -> Result<(), crate::error::CliError> {
    use crate::error::CliError;
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && format != Format::Text => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            crate::error::unwritten();
            Err(CliError::Other("[Errno 32] Broken pipe".into()))
        }
        Err(e) => Err(CliError::Other(format!("cannot write output: {e}"))),
    }
}

fn is_empty_object(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.is_empty())
}

/// Applies a `--query` JMESPath expression to a response, as the AWS CLI does before formatting.
/// An expression nested too deep fails as Python's `RecursionError` does (see [`query`]).
pub fn apply_query(expr: &str, value: &Value) -> Result<Value, QueryError> {
    query::apply(expr, value)
}

/// Compiles a `--query` expression, as the AWS CLI does when it parses its arguments: syntax only;
/// function names and argument types are checked when the expression is evaluated.
pub fn check_query(expr: &str) -> Result<(), QueryError> {
    query::check(expr)
}

pub(crate) use connect_core::compat::repr::{python_str as py_str, truthy, type_name as py_type};

pub(crate) fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_response_prints_nothing() {
        for f in [Format::Json, Format::Text, Format::Table, Format::Yaml, Format::YamlStream, Format::Off] {
            assert_eq!(render(f, &json!({}), "Op"), "", "{f:?}");
        }
    }

    #[test]
    fn null_query_result() {
        assert_eq!(render(Format::Json, &Value::Null, "Op"), "null\n");
        assert_eq!(render(Format::Text, &Value::Null, "Op"), "None\n");
        assert_eq!(render(Format::Yaml, &Value::Null, "Op"), "null\n");
        assert_eq!(render(Format::Table, &Value::Null, "Op"), "");
    }

    #[test]
    fn query_multiselect_hash() {
        let v = apply_query("{a: `1`, b: 'x'}", &json!({})).unwrap();
        assert_eq!(render(Format::Json, &v, "Op"), "{\n    \"a\": 1,\n    \"b\": \"x\"\n}\n");
        assert_eq!(render(Format::Text, &v, "Op"), "1\tx\n");
        let table = render(Format::Table, &v, "GetThing");
        assert!(table.contains("GetThing") && table.contains(" a ") && table.contains(" b "), "{table}");
    }

    #[test]
    fn bad_query() {
        let e = apply_query("a[", &json!({})).unwrap_err();
        assert!(e.message.starts_with("Bad value for --query a[: "), "{}", e.message);
        assert!(!e.evaluation);
        assert_eq!(check_query("a["), Err(e));
    }

    #[test]
    fn functions_are_checked_on_the_response_only() {
        // Python jmespath compiles these; they fail (or not) on the data.
        for expr in ["nope(@)", "length(@)", "abs(@)"] {
            assert_eq!(check_query(expr), Ok(()), "{expr}");
        }
        let e = apply_query("nope(@)", &json!({})).unwrap_err();
        assert_eq!(e, QueryError { message: "Unknown function: nope()".into(), evaluation: true });
        assert_eq!(apply_query("length(@)", &json!({})), Ok(json!(0)));
        assert!(apply_query("abs(@)", &json!({})).unwrap_err().evaluation);
    }

    #[test]
    fn repr() {
        let v = json!([1, 1.5, "it's", "a\"b'c", null, true, {"k": "\u{e9}\n"}]);
        assert_eq!(py_str(&v), r#"[1, 1.5, "it's", 'a"b\'c', None, True, {'k': 'é\n'}]"#);
    }
}
