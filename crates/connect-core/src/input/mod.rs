//! From command-line text to the operation's input document, the way the AWS CLI gets there:
//! parameter files, shorthand or JSON, typing against the model, and `--cli-input-json|yaml`
//! merged under the explicit arguments.

pub mod paramfile;
pub mod rows;
pub mod shorthand;
pub mod validate;
pub mod yaml;

use serde_json::{Map, Value};

use crate::compat::repr;
use crate::model::{Kind, Member, Shape};
use paramfile::get_paramfile;
use shorthand::{Node, ParamFiles, ShorthandError};

/// Why the input could not be built. The CLI maps these to the AWS CLI's exit codes: parameter
/// errors are 252, uncaught conversion errors 255.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// `Error parsing parameter '<param>': <message>`.
    #[error("Error parsing parameter '{param}': {message}")]
    Param {
        /// The option as the user wrote it (`--identity-info`).
        param: String,
        /// What is wrong with its value.
        message: String,
    },
    /// A parameter-syntax problem that is not about one value.
    #[error("{0}")]
    Syntax(String),
    /// A value Python's `int()`/`float()` refused while typing shorthand or a scalar argument: the
    /// AWS CLI does not treat these as parameter errors.
    #[error("{0}")]
    Conversion(#[from] repr::ConversionError),
    /// Shorthand, JSON or YAML nested deeper than its parser follows: Python's `RecursionError`,
    /// which the AWS CLI does not treat as a parameter error either.
    #[error("{0}")]
    TooDeep(String),
    /// A file named after `@=` inside shorthand that cannot be loaded. The AWS CLI does not
    /// catch this loader error while parsing shorthand, so it is not a parameter error either:
    /// the message is the loader's own, without `Error parsing parameter`.
    #[error("{0}")]
    File(String),
}

fn param_error(param: &str, message: impl Into<String>) -> InputError {
    InputError::Param { param: param.to_owned(), message: message.into() }
}

/// The value of a top-level parameter given on the command line as `--<member> VALUES…` (one value
/// unless the member is a list).
pub fn param_value(member: &'static Member, values: &[String], files: &dyn ParamFiles) -> Result<Value, InputError> {
    let cli_name = format!("--{}", member.cli_name());
    let shape = member.target();
    // A single value may name a file whose contents become the value.
    let loaded: Vec<String> = match values {
        [one] => match get_paramfile(one).map_err(|e| param_error(&cli_name, e.to_string()))? {
            Some(Node::Str(s)) => vec![s],
            Some(Node::Bytes(b)) => vec![String::from_utf8_lossy(&b).into_owned()],
            Some(other) => vec![other.to_json().to_string()],
            None => vec![one.clone()],
        },
        many => many.to_vec(),
    };
    let is_list = matches!(shape.kind(), Kind::List(_));
    if supports_shorthand(shape) && !looks_like_json(loaded.first().map_or("", String::as_str)) {
        let parse = |text: &str| {
            shorthand::parse(text, files).map_err(|e| match e {
                ShorthandError::TooDeep { .. } => InputError::TooDeep(e.to_string()),
                ShorthandError::ParamFile(f) => InputError::File(f.to_string()),
                e => param_error(&cli_name, e.to_string()),
            })
        };
        let parsed = if is_list {
            Value::Array(loaded.iter().map(|v| parse(v).map(|n| n.to_json())).collect::<Result<_, _>>()?)
        } else {
            parse(loaded.first().map_or("", String::as_str))?.to_json()
        };
        return Ok(back_compat(parsed, shape)?);
    }
    if is_list {
        let Kind::List(element) = shape.kind() else { unreachable!("checked above") };
        if let [one] = loaded.as_slice() {
            if one.trim_start().starts_with('[') {
                return json_arg(&cli_name, one);
            }
        }
        return loaded
            .iter()
            .map(|v| match unpack(element, v, &cli_name) {
                Err(InputError::Conversion(_)) => Err(param_error(&cli_name, loaded[0].clone())),
                other => other,
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    unpack(shape, loaded.first().map_or("", String::as_str), &cli_name)
}

/// The AWS CLI's unpacking of a value that is not shorthand: JSON for structures and maps, the
/// scalar conversions otherwise.
fn unpack(shape: &'static Shape, value: &str, cli_name: &str) -> Result<Value, InputError> {
    match shape.kind() {
        Kind::Structure(_) | Kind::Union(_) | Kind::Map { .. } => {
            if value.trim_start().starts_with('{') {
                json_arg(cli_name, value)
            } else {
                Err(param_error(cli_name, format!("Invalid JSON:\n{value}")))
            }
        }
        Kind::List(_) => {
            if value.trim_start().starts_with('[') {
                json_arg(cli_name, value)
            } else {
                Err(param_error(cli_name, format!("Invalid JSON:\n{value}")))
            }
        }
        Kind::Integer | Kind::Long => Ok(repr::int(value)?),
        Kind::Float | Kind::Double => Ok(repr::float(value)?),
        Kind::Boolean => Ok(Value::Bool(bool_arg(&Value::String(value.to_owned())))),
        Kind::String | Kind::Enum(_) | Kind::Timestamp(_) => Ok(Value::String(value.to_owned())),
    }
}

fn json_arg(cli_name: &str, value: &str) -> Result<Value, InputError> {
    crate::compat::json_loads::parse(value).map_err(|e| {
        if e.is_too_deep() {
            InputError::TooDeep(e.message.to_owned())
        } else {
            param_error(cli_name, format!("Invalid JSON: {e}\nJSON received: {value}"))
        }
    })
}

/// The AWS CLI's boolean conversion of a scalar argument: `false` in any case is false, any other
/// non-empty value is true.
pub fn bool_arg(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty() && !s.eq_ignore_ascii_case("false"),
        Value::Null => false,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Whether the AWS CLI reads a parameter of this shape as shorthand: structures and maps, and lists
/// of structures, lists or maps.
pub fn supports_shorthand(shape: &Shape) -> bool {
    match shape.kind() {
        Kind::Structure(_) | Kind::Union(_) | Kind::Map { .. } => true,
        Kind::List(element) => {
            matches!(element.kind(), Kind::Structure(_) | Kind::Union(_) | Kind::List(_) | Kind::Map { .. })
        }
        _ => false,
    }
}

fn looks_like_json(value: &str) -> bool {
    value.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')).starts_with(['[', '{'])
}

/// Types parsed shorthand against the model, as the AWS CLI's back-compat visitor does: numbers
/// and booleans from text, a lone value promoted to a one-element list.
pub fn back_compat(value: Value, shape: &'static Shape) -> Result<Value, repr::ConversionError> {
    match (shape.kind(), value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => {
            let mut out = Map::with_capacity(map.len());
            for (key, v) in map {
                let v = match members.iter().find(|m| m.name() == key) {
                    Some(m) => back_compat(v, m.target())?,
                    None => v,
                };
                out.insert(key, v);
            }
            Ok(Value::Object(out))
        }
        (Kind::List(element), Value::Array(items)) => {
            items.into_iter().map(|v| back_compat(v, element)).collect::<Result<_, _>>().map(Value::Array)
        }
        // A scalar where a list belongs becomes a list of it, unconverted.
        (Kind::List(_), Value::Null) => Ok(Value::Null),
        (Kind::List(_), v) => Ok(Value::Array(vec![v])),
        (Kind::Map { value: v_shape, .. }, Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| back_compat(v, v_shape).map(|v| (k, v)))
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object),
        (Kind::Integer | Kind::Long, Value::String(s)) => repr::int(&s),
        (Kind::Integer | Kind::Long, v @ (Value::Array(_) | Value::Object(_))) => {
            Err(repr::conversion_type_error("int", &v))
        }
        (Kind::Float | Kind::Double, Value::String(s)) => repr::float(&s),
        (Kind::Float | Kind::Double, v @ (Value::Array(_) | Value::Object(_))) => {
            Err(repr::conversion_type_error("float", &v))
        }
        (Kind::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
        (Kind::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
        (_, v) => Ok(v),
    }
}

/// Which `--cli-input-*` option carried a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CliInputFormat {
    /// `--cli-input-json`.
    Json,
    /// `--cli-input-yaml`.
    Yaml,
}

impl CliInputFormat {
    fn name(self) -> &'static str {
        match self {
            CliInputFormat::Json => "cli-input-json",
            CliInputFormat::Yaml => "cli-input-yaml",
        }
    }
}

/// Reads the document of `--cli-input-json` or `--cli-input-yaml` (a `file://` value names a file).
pub fn cli_input(format: CliInputFormat, value: &str) -> Result<Map<String, Value>, InputError> {
    let name = format.name();
    let text = match get_paramfile(value).map_err(|e| param_error(&format!("--{name}"), e.to_string()))? {
        Some(Node::Str(s)) => s,
        Some(Node::Bytes(b)) => String::from_utf8_lossy(&b).into_owned(),
        Some(other) => other.to_json().to_string(),
        None => value.to_owned(),
    };
    let doc = match format {
        CliInputFormat::Json => crate::compat::json_loads::parse(&text).map_err(|e| match e.is_too_deep() {
            true => InputError::TooDeep(e.message.to_owned()),
            false => param_error(name, "Invalid JSON received."),
        })?,
        CliInputFormat::Yaml => crate::input::yaml::parse(&text).map_err(|e| match e.is_too_deep() {
            true => InputError::TooDeep(e.to_string()),
            false => param_error(name, "Invalid YAML received."),
        })?,
    };
    match doc {
        Value::Object(map) => Ok(map),
        other => Err(param_error(
            &format!("--{name}"),
            format!("Invalid type: expecting map, received {}", repr::python_type(&other)),
        )),
    }
}

/// Fills every top-level `@idempotencyToken` member that was not given with a fresh random UUID,
/// as the AWS CLI does before validating.
pub fn fill_idempotency_tokens(shape: &Shape, input: &mut Map<String, Value>) {
    for m in shape.members().iter().filter(|m| m.idempotency_token()) {
        if !input.contains_key(m.name()) {
            input.insert(m.name().to_owned(), Value::String(uuid4()));
        }
    }
}

/// A random (version 4) UUID.
pub fn uuid4() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The AWS CLI's merge: the document's top-level keys are added where the command line did not
/// give the parameter (no deep merge). The order is the AWS CLI's, which botocore keeps on the
/// wire: `explicit` as given (the CLI builds it in the argument table's order, the model's), then
/// the document's other keys in the document's order.
pub fn merge(explicit: Map<String, Value>, document: Map<String, Value>) -> Map<String, Value> {
    let mut out = explicit;
    for (key, value) in document {
        out.entry(key).or_insert(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::paramfile::LocalParamFiles;
    use serde_json::json;

    static TEXT: Shape = Shape::new("Text", Kind::String);
    static NUMBER: Shape = Shape::new("Number", Kind::Integer);
    static RATIO: Shape = Shape::new("Ratio", Kind::Double);
    static FLAG: Shape = Shape::new("Flag", Kind::Boolean);
    static TEXTS: Shape = Shape::new("Texts", Kind::List(&TEXT));
    static NUMBERS: Shape = Shape::new("Numbers", Kind::List(&NUMBER));
    static THING: Shape = Shape::new(
        "Thing",
        Kind::Structure(&[
            Member::new("Name", "name", &TEXT),
            Member::new("Count", "count", &NUMBER),
            Member::new("Ratio", "ratio", &RATIO),
            Member::new("On", "on", &FLAG),
            Member::new("Tags", "tags", &TEXTS),
            Member::new("Sizes", "sizes", &NUMBERS),
        ]),
    );
    static THINGS: Shape = Shape::new("Things", Kind::List(&THING));
    static THING_ARG: Member = Member::new("Thing", "thing", &THING);
    static THINGS_ARG: Member = Member::new("Things", "things", &THINGS);
    static COUNT_ARG: Member = Member::new("Count", "count", &NUMBER);
    static TEXTS_ARG: Member = Member::new("Texts", "texts", &TEXTS);

    fn arg(member: &'static Member, values: &[&str]) -> Result<Value, InputError> {
        let values: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        param_value(member, &values, &LocalParamFiles)
    }

    #[test]
    fn shorthand_is_typed_against_the_model() {
        let v = arg(&THING_ARG, &["Name=x,Count=3,Ratio=1.5,On=TRUE,Tags=a,Sizes=[1,2],Other=5"]).unwrap();
        assert_eq!(
            v,
            json!({"Name": "x", "Count": 3, "Ratio": 1.5, "On": true, "Tags": ["a"], "Sizes": [1, 2], "Other": "5"})
        );
        // A promoted scalar is not converted, as in the AWS CLI.
        assert_eq!(arg(&THING_ARG, &["Sizes=7"]).unwrap(), json!({"Sizes": ["7"]}));
        // Booleans other than true/false stay text for validation to report.
        assert_eq!(arg(&THING_ARG, &["On=yes"]).unwrap(), json!({"On": "yes"}));
    }

    #[test]
    fn json_and_shorthand_agree() {
        let a = arg(&THING_ARG, &["Name=x,Count=3"]).unwrap();
        let b = arg(&THING_ARG, &[r#" {"Name": "x", "Count": 3}"#]).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn lists_take_one_value_each() {
        assert_eq!(arg(&TEXTS_ARG, &["a", "b"]).unwrap(), json!(["a", "b"]));
        assert_eq!(arg(&TEXTS_ARG, &[r#"["a","b"]"#]).unwrap(), json!(["a", "b"]));
        assert_eq!(arg(&THINGS_ARG, &["Name=a", "Name=b"]).unwrap(), json!([{"Name": "a"}, {"Name": "b"}]));
    }

    #[test]
    fn errors() {
        let e = arg(&THING_ARG, &["{\"Name\":"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Error parsing parameter '--thing': Invalid JSON: Expecting value: line 1 column 9 (char 8)\nJSON received: {\"Name\":"
        );
        let e = arg(&THING_ARG, &["Name"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Error parsing parameter '--thing': Expected: '=', received: 'EOF' for input:\n Name\n    ^"
        );
        assert!(matches!(arg(&COUNT_ARG, &["x"]).unwrap_err(), InputError::Conversion(_)));
        assert!(matches!(arg(&THING_ARG, &["Count=x"]).unwrap_err(), InputError::Conversion(_)));
        let e = arg(&THING_ARG, &["file:///nonexistent/x.json"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Error parsing parameter '--thing': Unable to load paramfile file:///nonexistent/x.json: [Errno 2] No such file or directory: '/nonexistent/x.json'"
        );
    }

    #[test]
    fn cli_input_documents() {
        assert_eq!(
            cli_input(CliInputFormat::Json, r#"{"A": 1}"#).unwrap(),
            json!({"A": 1}).as_object().unwrap().clone()
        );
        assert_eq!(
            cli_input(CliInputFormat::Json, "{").unwrap_err().to_string(),
            "Error parsing parameter 'cli-input-json': Invalid JSON received."
        );
        assert_eq!(
            cli_input(CliInputFormat::Json, "[1]").unwrap_err().to_string(),
            "Error parsing parameter '--cli-input-json': Invalid type: expecting map, received <class 'list'>"
        );
        assert_eq!(
            cli_input(CliInputFormat::Yaml, "just text").unwrap_err().to_string(),
            "Error parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'str'>"
        );
        assert_eq!(
            cli_input(CliInputFormat::Yaml, "a: [").unwrap_err().to_string(),
            "Error parsing parameter 'cli-input-yaml': Invalid YAML received."
        );
    }

    #[test]
    fn too_deep_is_not_a_parameter_error() {
        // Found by the no_panic property test: deep nesting overflowed the stack.
        let too_deep = |r: Result<_, InputError>| matches!(r, Err(InputError::TooDeep(_)));
        assert!(too_deep(arg(&THING_ARG, &[&format!("Tags={}", "[".repeat(100_000))])));
        assert!(too_deep(arg(&THING_ARG, &[&"{\"Tags\":[".repeat(100_000)])));
        assert!(too_deep(arg(&TEXTS_ARG, &[&"[".repeat(100_000)])));
        assert!(too_deep(cli_input(CliInputFormat::Json, &"[".repeat(100_000)).map(Value::Object)));
        assert!(too_deep(cli_input(CliInputFormat::Yaml, &"- ".repeat(100_000)).map(Value::Object)));
        let e = arg(&THING_ARG, &[&"{\"Tags\":[".repeat(100_000)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "maximum recursion depth exceeded while decoding a JSON object from a unicode string"
        );
    }

    #[test]
    fn idempotency_tokens_are_filled_when_missing() {
        static TOKEN: Shape = Shape::new(
            "Req",
            Kind::Structure(&[Member::new("ClientToken", "client-token", &TEXT).with_idempotency_token()]),
        );
        let mut given = json!({"ClientToken": "mine"}).as_object().unwrap().clone();
        fill_idempotency_tokens(&TOKEN, &mut given);
        assert_eq!(given["ClientToken"], "mine");
        let mut empty = Map::new();
        fill_idempotency_tokens(&TOKEN, &mut empty);
        let token = empty["ClientToken"].as_str().unwrap();
        assert_eq!(token.len(), 36);
        assert_eq!(&token[14..15], "4", "{token}");
        assert!(matches!(&token[19..20], "8" | "9" | "a" | "b"), "{token}");
        assert_ne!(uuid4(), uuid4());
    }

    #[test]
    fn merge_keeps_explicit_arguments() {
        let explicit = json!({"Key": "bar"}).as_object().unwrap().clone();
        let doc = json!({"Bucket": "bucket", "Key": "key"}).as_object().unwrap().clone();
        assert_eq!(Value::Object(merge(explicit, doc)), json!({"Key": "bar", "Bucket": "bucket"}));
        // Order: awscli's `_build_call_parameters`, then cliinputjson's `_update_call_parameters`.
        let explicit = json!({"A": 1, "C": 3}).as_object().unwrap().clone();
        let doc = json!({"Z": 0, "C": 9, "B": 2, "A": 8}).as_object().unwrap().clone();
        assert_eq!(Value::Object(merge(explicit, doc)).to_string(), r#"{"A":1,"C":3,"Z":0,"B":2}"#);
    }
}
