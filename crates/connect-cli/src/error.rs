//! The errors a command can end with, the words the AWS CLI uses for them, and their exit codes.

use std::fmt::Write as _;

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
    /// An error answer from the service, with the modeled fields beyond its message.
    Service { message: String, details: Vec<(String, serde_json::Value)> },
    /// Anything else, reported with its message.
    Other(String),
}

impl From<connect_core::client::SendError> for CliError {
    fn from(e: connect_core::client::SendError) -> Self {
        use connect_core::client::SendError;
        match e {
            SendError::NoRegion => CliError::Config { code: "NoRegion", message: e.to_string() },
            SendError::NoCredentials => CliError::Config { code: "NoCredentials", message: e.to_string() },
            SendError::Serialize(_) => CliError::ParamValidation(e.to_string()),
            SendError::Service { ref error, .. } => {
                let details = error.details.clone();
                CliError::Service { message: e.to_string(), details }
            }
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
    }
}

/// The modeled fields of a service error beyond code and message, as the AWS CLI's enhanced
/// format lists them: simple values as text, small flat collections inline, the rest elided.
fn additional_details(out: &mut String, details: &[(String, serde_json::Value)]) {
    use connect_core::validate::python_str;
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

/// The text written to stderr for an error, in the AWS CLI's default (`enhanced`) format.
pub fn render(error: &CliError) -> String {
    let mut out = String::new();
    match error {
        CliError::Usage(msg) => {
            let _ = write!(out, "\naws-connect: [ERROR]: An error occurred (ParamValidation): {msg}\n\n{USAGE}\n");
        }
        CliError::UnknownOptions(opts) => {
            let _ = write!(out, "\n{USAGE}\n\n\naws-connect: [ERROR]: Unknown options: {}\n", opts.join(", "));
        }
        CliError::ParamValidation(msg) => {
            let _ = write!(out, "\naws-connect: [ERROR]: An error occurred (ParamValidation): {}\n", msg.trim());
        }
        CliError::Config { code, message } => {
            let _ = write!(out, "\naws-connect: [ERROR]: An error occurred ({code}): {message}\n");
        }
        CliError::Service { message, details } => {
            let _ = write!(out, "\naws-connect: [ERROR]: {}\n", message.trim());
            additional_details(&mut out, details);
        }
        CliError::Other(msg) => {
            let _ = write!(out, "\naws-connect: [ERROR]: {}\n", msg.trim());
        }
    }
    out
}
