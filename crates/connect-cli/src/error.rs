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

/// How a command failed. Errors from connect-core are kept as they are (their sources too); how
/// the AWS CLI classes each one, and so its exit code and words, is decided in one place
/// ([`class`]).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// An argument-parser error (missing option value, invalid choice, missing required
    /// options): the message is followed by the usage text.
    #[error("{0}")]
    Usage(String),
    /// Options the command does not know, with the values that followed them.
    #[error("Unknown options: {}", .0.join(", "))]
    UnknownOptions(Vec<String>),
    /// A parameter that cannot be parsed or input that does not fit the model
    /// (`Parameter validation failed:` …): the AWS CLI's ParamValidation class.
    #[error("{0}")]
    ParamValidation(String),
    /// A parameter's value that could not be read (shorthand, JSON, YAML, a file).
    #[error(transparent)]
    Input(#[from] connect_core::input::InputError),
    /// Sending the request failed, or the service answered with an error.
    #[error(transparent)]
    Send(Box<connect_core::wire::client::SendError>),
    /// A configuration problem of the command line itself (a pager that does not exist), with the
    /// code its structured form shows.
    #[error("{message}")]
    Config { code: &'static str, message: String },
    /// Output that could not be written.
    #[error("{message}")]
    Io {
        message: String,
        #[source]
        source: std::io::Error,
    },
    /// Anything else, reported with its message.
    #[error("{0}")]
    Other(String),
    /// Some of a bulk run's rows failed at the service: the summary, reported as its message
    /// (exit 254, as a service error).
    #[error("{0}")]
    RowsFailed(String),
    /// Ctrl-C (or the end of the input while prompting): a newline on stdout, nothing on stderr.
    #[error("interrupted")]
    Interrupted,
    /// Ctrl-C (or Ctrl-D) in the prompter, which showed the line on stderr: nothing more.
    #[error("interrupted")]
    PromptInterrupted,
}

impl From<connect_core::wire::client::SendError> for CliError {
    fn from(e: connect_core::wire::client::SendError) -> Self {
        CliError::Send(Box::new(e))
    }
}

/// The usage block the AWS CLI prints after argument errors, for this binary.
pub const USAGE: &str = "usage: aws-connect [options] <command> [parameters]\n\
    To see help text, you can run:\n\
    \n  aws-connect help\
    \n  aws-connect <command> help";

/// How the AWS CLI classes a failure: what decides its exit code and how it is reported.
#[derive(Debug)]
pub enum Class<'a> {
    /// Arguments and parameters (exit 252); reported as `ParamValidation`.
    Param,
    /// Configuration (exit 253), with the code its structured form shows.
    Config(&'static str),
    /// An error answer of the service (exit 254), when there is one to show.
    Service(Option<&'a connect_core::wire::rest_json::ServiceError>),
    /// Everything else (exit 255): only its message is reported.
    Other,
    /// Ctrl-C (exit 130): nothing is reported.
    Interrupted,
}

/// The one place where an error gets its class (and so its exit code).
pub fn class(error: &CliError) -> Class<'_> {
    use connect_core::input::InputError;
    use connect_core::wire::client::SendError;
    match error {
        CliError::Usage(_) | CliError::UnknownOptions(_) | CliError::ParamValidation(_) => Class::Param,
        CliError::Input(e) => match e {
            // Python's int()/float() errors are not parameter errors to the AWS CLI, nor is
            // Python's RecursionError for input nested too deep, nor a file after `@=` in
            // shorthand that cannot be loaded.
            InputError::Conversion(_) | InputError::TooDeep(_) | InputError::File(_) => Class::Other,
            _ => Class::Param,
        },
        CliError::Send(e) => match e.as_ref() {
            SendError::NoRegion => Class::Config("NoRegion"),
            SendError::NoCredentials => Class::Config("NoCredentials"),
            SendError::Serialize(_) => Class::Param,
            SendError::Service { error, .. } => Class::Service(Some(error)),
            _ => Class::Other,
        },
        CliError::Config { code, .. } => Class::Config(code),
        CliError::Io { .. } | CliError::Other(_) => Class::Other,
        CliError::RowsFailed(_) => Class::Service(None),
        CliError::Interrupted | CliError::PromptInterrupted => Class::Interrupted,
    }
}

/// The one place where errors become exit codes.
pub fn exit_code(error: &CliError) -> u8 {
    match class(error) {
        Class::Param => exit::PARAM,
        Class::Config(_) => exit::CONFIG,
        Class::Service(_) => exit::SERVICE,
        Class::Other => exit::OTHER,
        Class::Interrupted => exit::INTERRUPTED,
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
    match (class(error), error) {
        (_, CliError::UnknownOptions(_)) => None,
        (Class::Param, CliError::Usage(msg)) => Some(pair("ParamValidation", format!("{msg}\n\n{USAGE}\n"))),
        (Class::Param, _) => Some(pair("ParamValidation", error.to_string())),
        (Class::Config(code), _) => Some(pair(code, error.to_string())),
        (Class::Service(Some(service)), _) => {
            // botocore's JSON error parser starts the dict with `Message`, then `Code`; the
            // modeled fields follow (the formats that sort keys do not show this order).
            let mut m = serde_json::Map::new();
            m.insert("Message".into(), Value::String(service.message.clone()));
            m.insert("Code".into(), Value::String(service.code.clone()));
            m.extend(service.details.iter().cloned());
            Some(m)
        }
        (Class::Service(None) | Class::Other | Class::Interrupted, _) => None,
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
        if let Class::Other | Class::Service(None) = class(error) {
            write_error(&mut out, &error.to_string());
        }
        return out;
    };
    let message = info.get("Message").and_then(|m| m.as_str()).unwrap_or_default();
    let service = match class(error) {
        Class::Service(service) => service,
        _ => None,
    };
    match format {
        // A service error is worded by the sentence of its own (`An error occurred (Code) when
        // calling the X operation: …`), in both formats.
        ErrorFormat::Legacy | ErrorFormat::Enhanced if service.is_some() => {
            write_error(&mut out, &error.to_string());
            if let (ErrorFormat::Enhanced, Some(service)) = (format, service) {
                additional_details(&mut out, &service.details);
            }
        }
        ErrorFormat::Legacy => write_error(&mut out, message),
        ErrorFormat::Enhanced => {
            let code = info.get("Code").and_then(|c| c.as_str()).unwrap_or("Unknown");
            write_error(&mut out, &format!("An error occurred ({code}): {message}"));
        }
        ErrorFormat::Document(f) => out = crate::output::render(f, &serde_json::Value::Object(info), "error"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::input::InputError;
    use connect_core::wire::client::SendError;

    #[test]
    fn every_error_has_the_aws_cli_exit_code() {
        let io = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let cases: Vec<(CliError, u8)> = vec![
            (CliError::Usage("u".into()), 252),
            (CliError::UnknownOptions(vec!["--x".into()]), 252),
            (CliError::ParamValidation("p".into()), 252),
            (InputError::Syntax("s".into()).into(), 252),
            (InputError::TooDeep("maximum recursion depth exceeded".into()).into(), 255),
            (InputError::File("f".into()).into(), 255),
            (SendError::NoRegion.into(), 253),
            (SendError::NoCredentials.into(), 253),
            (SendError::ProfileNotFound("p".into()).into(), 255),
            (SendError::Connect { url: "http://x".into() }.into(), 255),
            (CliError::Config { code: "Pager", message: "m".into() }, 253),
            (CliError::Io { message: "m".into(), source: io() }, 255),
            (CliError::Other("o".into()), 255),
            (CliError::RowsFailed("2 rows failed".into()), 254),
            (CliError::Interrupted, 130),
            (CliError::PromptInterrupted, 130),
        ];
        for (error, code) in cases {
            assert_eq!(exit_code(&error), code, "{error:?}");
        }
        assert_eq!(exit_code(&CliError::Interrupted), exit::INTERRUPTED);
    }

    #[test]
    fn errors_keep_their_sources() {
        use std::error::Error as _;
        let e = CliError::Io { message: "cannot write output".into(), source: std::io::ErrorKind::WriteZero.into() };
        assert_eq!(
            e.source().map(|s| s.to_string()),
            Some(std::io::Error::from(std::io::ErrorKind::WriteZero).to_string())
        );
        let e: CliError = SendError::NoRegion.into();
        assert!(matches!(&e, CliError::Send(inner) if matches!(**inner, SendError::NoRegion)));
        assert_eq!(
            render(&e, ErrorFormat::Enhanced),
            format!("\naws-connect: [ERROR]: An error occurred (NoRegion): {}\n", SendError::NoRegion)
        );
        assert_eq!(
            render(&CliError::RowsFailed("2 of 5 rows failed".into()), ErrorFormat::Enhanced),
            "\naws-connect: [ERROR]: 2 of 5 rows failed\n"
        );
        assert_eq!(render(&CliError::Interrupted, ErrorFormat::Enhanced), "");
    }
}
