//! The errors a command can end with, the words the AWS CLI uses for them, and their exit codes.

use std::fmt::Write as _;
use std::io::Write as _;

/// The AWS CLI v2's exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    /// Parameter, argument and validation errors.
    pub const PARAM: u8 = 252;
    /// Configuration errors: no region, no credentials.
    pub const CONFIG: u8 = 253;
    /// An error response from the service.
    pub const SERVICE: u8 = 254;
    /// Everything else.
    pub const OTHER: u8 = 255;
    /// Interrupted by Ctrl-C.
    pub const INTERRUPTED: u8 = 130;
    /// Something could not be written to stderr, or the text output to stdout (a closed pipe):
    /// Python, and so the AWS CLI, exits 120 when its standard streams cannot be flushed at exit.
    pub const UNWRITABLE: u8 = 120;
}

/// Set when a write to stderr (or of text output) failed: the exit status becomes
/// [`exit::UNWRITABLE`] (see [`final_code`]).
static UNWRITTEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes that a standard stream could not be written.
pub fn unwritten() {
    UNWRITTEN.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The exit status of the process: `code`, or [`exit::UNWRITABLE`] when a standard stream could
/// not be written, as with the AWS CLI (`aws … --debug 2>&1 | head -c1` exits 120, whether the
/// call succeeded or not).
pub fn final_code(code: u8) -> u8 {
    if UNWRITTEN.load(std::sync::atomic::Ordering::Relaxed) { exit::UNWRITABLE } else { code }
}

/// Writes an error to stderr and returns its exit code. Never panics: a closed stderr is noted
/// ([`unwritten`]).
pub fn report(error: &CliError, format: ErrorFormat) -> u8 {
    let mut stderr = std::io::stderr().lock();
    let text = render(error, format);
    if std::io::Write::write_all(&mut stderr, text.as_bytes())
        .and_then(|()| std::io::Write::flush(&mut stderr))
        .is_err()
    {
        unwritten();
    }
    exit_code(error)
}

/// Writes one diagnostic line (the `--debug` log, a warning) to stderr. A reader that went away
/// (a closed pipe) loses it and is noted ([`unwritten`]): never an error, never a panic.
pub fn log_line(line: &str) {
    let mut stderr = std::io::stderr().lock();
    if writeln!(stderr, "{line}").is_err() {
        unwritten();
    }
}

/// How a command failed.
#[derive(Debug)]
pub enum CliError {
    /// An argument-parser error (missing option value, invalid choice, missing required
    /// options): the message is followed by the usage text.
    Usage(String),
    /// Options the command does not know, with the values that followed them.
    UnknownOptions(Vec<String>),
    /// A parameter that cannot be parsed (`Error parsing parameter '--x': …`) or input that does
    /// not fit the model (`Parameter validation failed:` …): the AWS CLI's ParamValidation class.
    ParamValidation(String),
    /// Configuration problems: no region, no credentials (`NoRegion`, `NoCredentials`).
    Config { code: &'static str, message: String },
    /// An error answer from the service: its code and message, the full sentence the AWS CLI
    /// prints, and the modeled fields beyond the message.
    Service { code: String, message: String, sentence: String, details: Vec<(String, serde_json::Value)> },
    /// Anything else, reported with its message.
    Other(String),
    /// Ctrl-C (or the end of the input while prompting): a newline on stdout, nothing on stderr.
    Interrupted,
}

impl From<connect_core::wire::client::SendError> for CliError {
    fn from(e: connect_core::wire::client::SendError) -> Self {
        use connect_core::wire::client::SendError;
        match e {
            SendError::NoRegion => CliError::Config { code: "NoRegion", message: e.to_string() },
            SendError::NoCredentials => CliError::Config { code: "NoCredentials", message: e.to_string() },
            SendError::Serialize(_) => CliError::ParamValidation(e.to_string()),
            SendError::Service { ref error, .. } => CliError::Service {
                code: error.code.clone(),
                message: error.message.clone(),
                sentence: e.to_string(),
                details: error.details.clone(),
            },
            other => CliError::Other(other.to_string()),
        }
    }
}

/// The usage block the AWS CLI prints after argument errors, for this binary.
pub const USAGE: &str = "usage: aws-connect [options] <command> [parameters]\n\
    To see help text, you can run:\n\
    \n  aws-connect help\
    \n  aws-connect <command> help";

impl From<connect_core::input::InputError> for CliError {
    fn from(e: connect_core::input::InputError) -> Self {
        match e {
            // Python's int()/float() errors are not parameter errors to the AWS CLI.
            connect_core::input::InputError::Conversion(c) => CliError::Other(c.to_string()),
            // Nor is Python's RecursionError for input nested too deep.
            connect_core::input::InputError::TooDeep(message) => CliError::Other(message),
            // Nor is a file after `@=` in shorthand that cannot be loaded.
            connect_core::input::InputError::File(message) => CliError::Other(message),
            other => CliError::ParamValidation(other.to_string()),
        }
    }
}

/// The one place where errors become exit codes.
pub fn exit_code(error: &CliError) -> u8 {
    match error {
        CliError::Usage(_) | CliError::UnknownOptions(_) | CliError::ParamValidation(_) => exit::PARAM,
        CliError::Config { .. } => exit::CONFIG,
        CliError::Service { .. } => exit::SERVICE,
        CliError::Other(_) => exit::OTHER,
        CliError::Interrupted => exit::INTERRUPTED,
    }
}

/// The modeled fields of a service error beyond code and message, as the AWS CLI's enhanced
/// format lists them: simple values as text, small flat collections inline, the rest elided.
fn additional_details(out: &mut String, details: &[(String, serde_json::Value)]) {
    use connect_core::compat::repr::python_str;
    use serde_json::Value;
    const MAX_INLINE_ITEMS: usize = 5;
    let simple = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_));
    if details.is_empty() {
        return;
    }
    out.push_str("\nAdditional error details:\n");
    let mut complex = false;
    for (key, value) in details {
        let text = match value {
            v if simple(v) => python_str(v),
            Value::Array(items) if items.len() < MAX_INLINE_ITEMS && items.iter().all(simple) => {
                format!("[{}]", items.iter().map(python_str).collect::<Vec<_>>().join(", "))
            }
            Value::Object(map) if map.len() < MAX_INLINE_ITEMS && map.values().all(simple) => {
                format!(
                    "{{{}}}",
                    map.iter().map(|(k, v)| format!("{k}: {}", python_str(v))).collect::<Vec<_>>().join(", ")
                )
            }
            _ => {
                complex = true;
                "<complex value>".to_owned()
            }
        };
        let _ = writeln!(out, "{key}: {text}");
    }
    if complex {
        out.push_str("Use \"--cli-error-format json\" or another error format to see the full details.\n");
    }
}

/// How errors are written (`--cli-error-format`, `AWS_CLI_ERROR_FORMAT`, `cli_error_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorFormat {
    /// `aws-connect: [ERROR]: An error occurred (Code): …`, and a service error's extra fields.
    #[default]
    Enhanced,
    /// As enhanced, without the `An error occurred (Code): ` part.
    Legacy,
    /// The error as a `{Code, Message, …}` document in an output format.
    Document(crate::output::Format),
}

impl ErrorFormat {
    /// The format for a name given on the command line or in the configuration; an unknown name
    /// falls back to enhanced, as in the AWS CLI.
    pub fn from_name(name: &str) -> ErrorFormat {
        use crate::output::Format;
        match name.to_ascii_lowercase().as_str() {
            "legacy" => ErrorFormat::Legacy,
            "json" => ErrorFormat::Document(Format::Json),
            "yaml" => ErrorFormat::Document(Format::Yaml),
            "text" => ErrorFormat::Document(Format::Text),
            "table" => ErrorFormat::Document(Format::Table),
            _ => ErrorFormat::Enhanced,
        }
    }
}

/// The `{Code, Message, …}` document of an error, for the formats that have one.
fn error_info(error: &CliError) -> Option<serde_json::Map<String, serde_json::Value>> {
    use serde_json::Value;
    let pair = |code: &str, message: String| {
        let mut m = serde_json::Map::new();
        m.insert("Code".into(), Value::String(code.to_owned()));
        m.insert("Message".into(), Value::String(message));
        m
    };
    match error {
        CliError::Usage(msg) => Some(pair("ParamValidation", format!("{msg}\n\n{USAGE}\n"))),
        CliError::ParamValidation(msg) => Some(pair("ParamValidation", msg.clone())),
        CliError::Config { code, message } => Some(pair(code, message.clone())),
        CliError::Service { code, message, details, .. } => {
            let mut m = pair(code, message.clone());
            m.extend(details.iter().cloned());
            Some(m)
        }
        CliError::UnknownOptions(_) | CliError::Other(_) | CliError::Interrupted => None,
    }
}

/// The AWS CLI's `write_error`: a blank line, the prefix, the trimmed message.
fn write_error(out: &mut String, message: &str) {
    let _ = write!(out, "\naws-connect: [ERROR]: {}\n", message.trim());
}

/// The text written to stderr for an error.
pub fn render(error: &CliError, format: ErrorFormat) -> String {
    let mut out = String::new();
    if let CliError::UnknownOptions(opts) = error {
        // Never structured, in any format: the usage, then the error.
        let _ = write!(out, "\n{USAGE}\n\n");
        write_error(&mut out, &format!("Unknown options: {}", opts.join(", ")));
        return out;
    }
    let Some(info) = error_info(error) else {
        if let CliError::Other(msg) = error {
            write_error(&mut out, msg);
        }
        return out;
    };
    let message = info.get("Message").and_then(|m| m.as_str()).unwrap_or_default();
    match format {
        ErrorFormat::Legacy => match error {
            CliError::Service { sentence, .. } => write_error(&mut out, sentence),
            _ => write_error(&mut out, message),
        },
        ErrorFormat::Enhanced => {
            match error {
                CliError::Service { sentence, .. } => write_error(&mut out, sentence),
                _ => {
                    let code = info.get("Code").and_then(|c| c.as_str()).unwrap_or("Unknown");
                    write_error(&mut out, &format!("An error occurred ({code}): {message}"));
                }
            }
            if let CliError::Service { details, .. } = error {
                additional_details(&mut out, details);
            }
        }
        ErrorFormat::Document(f) => out = crate::output::render(f, &serde_json::Value::Object(info), "error"),
    }
    out
}
