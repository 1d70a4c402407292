//! A Smithy endpoint rules engine: evaluates a `smithy.rules#endpointRuleSet` (version 1.0).
//!
//! The engine is generic. It binds the rule set's parameters (by `builtIn` from
//! [`EndpointParams`], or by name with [`resolve_named`]), applies their defaults, then walks the
//! rules in order: the first rule whose conditions all hold decides. An `endpoint` rule yields an
//! [`Endpoint`], an `error` rule yields [`EndpointError::Rule`] with the rule's message, and a
//! `tree` rule continues with its own rules. It implements the standard library (`isSet`, `not`,
//! `booleanEquals`, `stringEquals`, `getAttr`, `substring`, `uriEncode`, `parseURL`,
//! `isValidHostLabel`) and the AWS functions (`aws.partition`, `aws.parseArn`,
//! `aws.isVirtualHostableS3Bucket`). Values are `serde_json` values, with `null` for "not set".

pub mod partitions;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The client settings that feed the rule set's built-in parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointParams {
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `AWS::UseFIPS`.
    pub use_fips: bool,
    /// `AWS::UseDualStack`.
    pub use_dual_stack: bool,
    /// `SDK::Endpoint`: a custom endpoint URL.
    pub endpoint: Option<String>,
}

/// A resolved endpoint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoint {
    pub url: String,
    /// The endpoint's properties, such as `authSchemes`, with templates expanded.
    pub properties: Map<String, Value>,
    /// Headers to send, each with its values in order.
    pub headers: BTreeMap<String, Vec<String>>,
}

/// Why no endpoint was resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// An `error` rule matched; this is its message, exactly.
    #[error("{0}")]
    Rule(String),
    /// The rule set is not valid JSON or does not have the shape of a rule set.
    #[error("invalid endpoint rule set: {0}")]
    InvalidRuleSet(String),
    /// A condition calls a function this engine does not implement.
    #[error("unknown endpoint rules function `{0}`")]
    UnknownFunction(String),
    /// A function or template was given values of the wrong type.
    #[error("endpoint rules evaluation failed: {0}")]
    Evaluation(String),
    /// A parameter value is missing or has the wrong type.
    #[error("endpoint parameter `{name}`: {reason}")]
    Parameter { name: String, reason: String },
    /// A tree rule matched but none of its rules did, or no top-level rule matched.
    #[error("no endpoint rule matched the parameters")]
    NoRuleMatched,
}

type Result<T> = std::result::Result<T, EndpointError>;

fn invalid(msg: impl Into<String>) -> EndpointError {
    EndpointError::InvalidRuleSet(msg.into())
}

fn eval_error(msg: impl Into<String>) -> EndpointError {
    EndpointError::Evaluation(msg.into())
}

/// Resolves the endpoint for `params` with the rule set `rule_set_json`. Parameters are bound by
/// their `builtIn`: `AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack` and `SDK::Endpoint` come
/// from `params`; other parameters take their defaults.
pub fn resolve(rule_set_json: &str, params: &EndpointParams) -> Result<Endpoint> {
    let rule_set = parse_rule_set(rule_set_json)?;
    let builtins = |builtin: &str| -> Option<Value> {
        match builtin {
            "AWS::Region" => params.region.clone().map(Value::String),
            "AWS::UseFIPS" => Some(Value::Bool(params.use_fips)),
            "AWS::UseDualStack" => Some(Value::Bool(params.use_dual_stack)),
            "SDK::Endpoint" => params.endpoint.clone().map(Value::String),
            _ => None,
        }
    };
    let mut scope = Vec::new();
    for (name, def) in parameters(&rule_set)? {
        let given = def.get("builtIn").and_then(Value::as_str).and_then(builtins);
        scope.push((name.clone(), bind_parameter(name, def, given)?));
    }
    evaluate(&rule_set, scope)
}

/// Resolves the endpoint with parameters given by name (as in the rule set's endpoint tests).
/// A name the rule set does not declare is an error.
pub fn resolve_named(rule_set_json: &str, values: &Map<String, Value>) -> Result<Endpoint> {
    let rule_set = parse_rule_set(rule_set_json)?;
    let params = parameters(&rule_set)?;
    if let Some(unknown) = values.keys().find(|k| !params.contains_key(*k)) {
        return Err(EndpointError::Parameter {
            name: unknown.clone(),
            reason: "not a parameter of the rule set".into(),
        });
    }
    let mut scope = Vec::new();
    for (name, def) in params {
        let given = values.get(name).filter(|v| !v.is_null()).cloned();
        scope.push((name.clone(), bind_parameter(name, def, given)?));
    }
    evaluate(&rule_set, scope)
}

fn parse_rule_set(json: &str) -> Result<Value> {
    let rule_set: Value = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
    match rule_set.get("version").and_then(Value::as_str) {
        Some(v) if v == "1.0" || v.starts_with("1.") => Ok(rule_set),
        Some(v) => Err(invalid(format!("unsupported version {v}"))),
        None => Err(invalid("no version")),
    }
}

fn parameters(rule_set: &Value) -> Result<&Map<String, Value>> {
    rule_set.get("parameters").and_then(Value::as_object).ok_or_else(|| invalid("no parameters object"))
}

/// The value of one parameter: the given one, else the default; checked against its type.
fn bind_parameter(name: &str, def: &Value, given: Option<Value>) -> Result<Value> {
    let param_error = |reason: String| EndpointError::Parameter { name: name.to_string(), reason };
    let value = given.or_else(|| def.get("default").filter(|d| !d.is_null()).cloned()).unwrap_or(Value::Null);
    let ty = def.get("type").and_then(Value::as_str).unwrap_or("string").to_ascii_lowercase();
    let type_ok = match (ty.as_str(), &value) {
        (_, Value::Null) => true,
        ("string", Value::String(_)) | ("boolean", Value::Bool(_)) => true,
        ("stringarray", Value::Array(items)) => items.iter().all(Value::is_string),
        ("string" | "boolean" | "stringarray", _) => false,
        (other, _) => return Err(invalid(format!("parameter `{name}` has unknown type `{other}`"))),
    };
    if !type_ok {
        return Err(param_error(format!("expected a {ty}, got {value}")));
    }
    if value.is_null() && def.get("required").and_then(Value::as_bool) == Some(true) {
        return Err(param_error("required but not set".into()));
    }
    Ok(value)
}

/// Variables in scope: parameters first, then the values conditions assigned, innermost last.
type Scope = Vec<(String, Value)>;

fn evaluate(rule_set: &Value, mut scope: Scope) -> Result<Endpoint> {
    let rules = rule_set.get("rules").and_then(Value::as_array).ok_or_else(|| invalid("no rules array"))?;
    for rule in rules {
        if let Some(endpoint) = eval_rule(rule, &mut scope)? {
            return Ok(endpoint);
        }
    }
    Err(EndpointError::NoRuleMatched)
}

/// Evaluates one rule: `Ok(None)` when its conditions do not hold.
fn eval_rule(rule: &Value, scope: &mut Scope) -> Result<Option<Endpoint>> {
    let mark = scope.len();
    let result = eval_rule_in(rule, scope);
    scope.truncate(mark);
    result
}

fn eval_rule_in(rule: &Value, scope: &mut Scope) -> Result<Option<Endpoint>> {
    let conditions = match rule.get("conditions") {
        None => &[][..],
        Some(c) => c.as_array().ok_or_else(|| invalid("conditions is not an array"))?,
    };
    for condition in conditions {
        if condition.get("fn").is_none() {
            return Err(invalid(format!("condition without fn: {condition}")));
        }
        let value = eval_expr(condition, scope)?;
        let holds = match &value {
            Value::Null => false,
            Value::Bool(b) => *b,
            _ => true,
        };
        if !holds {
            return Ok(None);
        }
        if let Some(assign) = condition.get("assign") {
            let name = assign.as_str().ok_or_else(|| invalid("assign is not a string"))?;
            scope.push((name.to_string(), value));
        }
    }
    match rule.get("type").and_then(Value::as_str) {
        Some("endpoint") => {
            let endpoint = rule.get("endpoint").ok_or_else(|| invalid("endpoint rule without endpoint"))?;
            build_endpoint(endpoint, scope).map(Some)
        }
        Some("error") => {
            let message = rule.get("error").ok_or_else(|| invalid("error rule without error"))?;
            match eval_expr(message, scope)? {
                Value::String(s) => Err(EndpointError::Rule(s)),
                other => Err(eval_error(format!("error message is not a string: {other}"))),
            }
        }
        Some("tree") => {
            let rules =
                rule.get("rules").and_then(Value::as_array).ok_or_else(|| invalid("tree rule without rules"))?;
            for sub in rules {
                if let Some(endpoint) = eval_rule(sub, scope)? {
                    return Ok(Some(endpoint));
                }
            }
            Err(EndpointError::NoRuleMatched)
        }
        Some(other) => Err(invalid(format!("unknown rule type `{other}`"))),
        None => Err(invalid("rule without type")),
    }
}

fn build_endpoint(endpoint: &Value, scope: &Scope) -> Result<Endpoint> {
    let url = match eval_expr(endpoint.get("url").ok_or_else(|| invalid("endpoint without url"))?, scope)? {
        Value::String(s) => s,
        other => return Err(eval_error(format!("endpoint url is not a string: {other}"))),
    };
    let mut properties = Map::new();
    if let Some(props) = endpoint.get("properties") {
        let props = props.as_object().ok_or_else(|| invalid("endpoint properties is not an object"))?;
        for (key, value) in props {
            properties.insert(key.clone(), eval_expr(value, scope)?);
        }
    }
    let mut headers = BTreeMap::new();
    if let Some(hs) = endpoint.get("headers") {
        let hs = hs.as_object().ok_or_else(|| invalid("endpoint headers is not an object"))?;
        for (name, values) in hs {
            let values = values.as_array().ok_or_else(|| invalid(format!("header `{name}` is not an array")))?;
            let mut out = Vec::with_capacity(values.len());
            for v in values {
                match eval_expr(v, scope)? {
                    Value::String(s) => out.push(s),
                    other => return Err(eval_error(format!("header `{name}` value is not a string: {other}"))),
                }
            }
            headers.insert(name.clone(), out);
        }
    }
    Ok(Endpoint { url, properties, headers })
}

fn lookup<'a>(scope: &'a Scope, name: &str) -> Result<&'a Value> {
    scope
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .ok_or_else(|| invalid(format!("reference to unknown name `{name}`")))
}

/// Evaluates an expression: a reference, a function call, a template string or a literal.
fn eval_expr(expr: &Value, scope: &Scope) -> Result<Value> {
    match expr {
        Value::String(s) => expand_template(s, scope).map(Value::String),
        Value::Object(o) => {
            if let Some(name) = o.get("ref") {
                let name = name.as_str().ok_or_else(|| invalid("ref is not a string"))?;
                return lookup(scope, name).cloned();
            }
            if let Some(f) = o.get("fn") {
                let f = f.as_str().ok_or_else(|| invalid("fn is not a string"))?;
                let argv = match o.get("argv") {
                    None => &[][..],
                    Some(a) => a.as_array().ok_or_else(|| invalid(format!("argv of {f} is not an array")))?,
                };
                let args = argv.iter().map(|a| eval_expr(a, scope)).collect::<Result<Vec<_>>>()?;
                return call(f, &args);
            }
            o.iter()
                .map(|(k, v)| Ok((k.clone(), eval_expr(v, scope)?)))
                .collect::<Result<Map<_, _>>>()
                .map(Value::Object)
        }
        Value::Array(items) => items.iter().map(|v| eval_expr(v, scope)).collect::<Result<Vec<_>>>().map(Value::Array),
        literal => Ok(literal.clone()),
    }
}

/// Expands a template string: `{Name}` and `{Name#path}` insert string values, `{{` and `}}`
/// stand for braces.
fn expand_template(template: &str, scope: &Scope) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(invalid(format!("unmatched `}}` in template {template:?}"))),
            '{' => {
                let mut inner = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => inner.push(c),
                        None => return Err(invalid(format!("unclosed `{{` in template {template:?}"))),
                    }
                }
                let value = match inner.split_once('#') {
                    Some((name, path)) => get_attr(lookup(scope, name)?, path)?,
                    None => lookup(scope, &inner)?.clone(),
                };
                match value {
                    Value::String(s) => out.push_str(&s),
                    Value::Null => return Err(eval_error(format!("template {template:?}: `{inner}` is not set"))),
                    other => {
                        return Err(eval_error(format!("template {template:?}: `{inner}` is not a string: {other}")));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// One step of a `getAttr` path.
#[derive(Debug, PartialEq, Eq)]
enum PathPart<'a> {
    Key(&'a str),
    Index(usize),
}

/// Parses a `getAttr` path such as `name`, `a.b` or `resourceId[0]`.
fn parse_path(path: &str) -> Result<Vec<PathPart<'_>>> {
    let bad = || eval_error(format!("invalid getAttr path {path:?}"));
    let mut parts = Vec::new();
    for segment in path.split('.') {
        let (key, mut indexes) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            parts.push(PathPart::Key(key));
        } else if indexes.is_empty() {
            return Err(bad());
        }
        while !indexes.is_empty() {
            let close = indexes.find(']').ok_or_else(bad)?;
            let digits = indexes.get(1..close).ok_or_else(bad)?;
            if !indexes.starts_with('[') || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            parts.push(PathPart::Index(digits.parse().map_err(|_| bad())?));
            indexes = &indexes[close + 1..];
        }
    }
    Ok(parts)
}

/// `getAttr`: follows `path` into records and arrays; a missing key or an index out of range
/// gives "not set".
fn get_attr(value: &Value, path: &str) -> Result<Value> {
    let mut current = value;
    for part in parse_path(path)? {
        let next = match (part, current) {
            (PathPart::Key(k), Value::Object(o)) => o.get(k),
            (PathPart::Index(i), Value::Array(a)) => a.get(i),
            (_, Value::Null) => None,
            (part, other) => return Err(eval_error(format!("getAttr {part:?} on {other}"))),
        };
        match next {
            Some(v) => current = v,
            None => return Ok(Value::Null),
        }
    }
    Ok(current.clone())
}

fn arity(f: &str, args: &[Value], n: usize) -> Result<()> {
    if args.len() == n { Ok(()) } else { Err(eval_error(format!("{f} takes {n} argument(s), got {}", args.len()))) }
}

fn arg_str<'a>(f: &str, args: &'a [Value], i: usize) -> Result<&'a str> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        other => Err(eval_error(format!("argument {} of {f} is not a string: {other:?}", i + 1))),
    }
}

fn arg_bool(f: &str, args: &[Value], i: usize) -> Result<bool> {
    match args.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        other => Err(eval_error(format!("argument {} of {f} is not a boolean: {other:?}", i + 1))),
    }
}

fn arg_index(f: &str, args: &[Value], i: usize) -> Result<usize> {
    args.get(i)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| eval_error(format!("argument {} of {f} is not a non-negative integer", i + 1)))
}

fn opt_string(s: Option<String>) -> Value {
    s.map(Value::String).unwrap_or(Value::Null)
}

/// Calls a library function on evaluated arguments.
fn call(f: &str, args: &[Value]) -> Result<Value> {
    match f {
        "isSet" => {
            arity(f, args, 1)?;
            Ok(Value::Bool(!args[0].is_null()))
        }
        "not" => {
            arity(f, args, 1)?;
            Ok(Value::Bool(!arg_bool(f, args, 0)?))
        }
        "booleanEquals" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(arg_bool(f, args, 0)? == arg_bool(f, args, 1)?))
        }
        "stringEquals" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(arg_str(f, args, 0)? == arg_str(f, args, 1)?))
        }
        "getAttr" => {
            arity(f, args, 2)?;
            get_attr(&args[0], arg_str(f, args, 1)?)
        }
        "substring" => {
            arity(f, args, 4)?;
            let input = arg_str(f, args, 0)?;
            let (start, stop) = (arg_index(f, args, 1)?, arg_index(f, args, 2)?);
            Ok(opt_string(substring(input, start, stop, arg_bool(f, args, 3)?).map(str::to_string)))
        }
        "uriEncode" => {
            arity(f, args, 1)?;
            Ok(Value::String(uri_encode(arg_str(f, args, 0)?)))
        }
        "parseURL" => {
            arity(f, args, 1)?;
            Ok(parse_url(arg_str(f, args, 0)?).map(|u| u.to_value()).unwrap_or(Value::Null))
        }
        "isValidHostLabel" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(is_valid_host_label(arg_str(f, args, 0)?, arg_bool(f, args, 1)?)))
        }
        "aws.partition" => {
            arity(f, args, 1)?;
            Ok(partitions::partition_for(arg_str(f, args, 0)?).outputs())
        }
        "aws.parseArn" => {
            arity(f, args, 1)?;
            Ok(parse_arn(arg_str(f, args, 0)?).map(|a| a.to_value()).unwrap_or(Value::Null))
        }
        "aws.isVirtualHostableS3Bucket" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(is_virtual_hostable_s3_bucket(arg_str(f, args, 0)?, arg_bool(f, args, 1)?)))
        }
        other => Err(EndpointError::UnknownFunction(other.to_string())),
    }
}

/// `substring`: the characters `start..stop` of an ASCII string, counted from the end when
/// `reverse`; `None` when the range is empty or out of bounds or the input is not ASCII.
pub fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<&str> {
    if start >= stop || stop > input.len() || !input.is_ascii() {
        return None;
    }
    let (from, to) = if reverse { (input.len() - stop, input.len() - start) } else { (start, stop) };
    input.get(from..to)
}

/// `uriEncode`: percent-encodes every byte except the RFC 3986 unreserved characters.
pub fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The result of `parseURL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub authority: String,
    pub path: String,
    pub normalized_path: String,
    pub is_ip: bool,
}

impl Url {
    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("scheme".into(), Value::from(self.scheme.as_str()));
        m.insert("authority".into(), Value::from(self.authority.as_str()));
        m.insert("path".into(), Value::from(self.path.as_str()));
        m.insert("normalizedPath".into(), Value::from(self.normalized_path.as_str()));
        m.insert("isIp".into(), Value::from(self.is_ip));
        Value::Object(m)
    }
}

/// `parseURL`: splits an `http` or `https` URL; `None` when it is not one, or has a query or a
/// fragment.
pub fn parse_url(input: &str) -> Option<Url> {
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host_port = match authority.rsplit_once('@') {
        Some((_, hp)) => hp,
        None => authority,
    };
    let (host, port, is_ip) = if let Some(v6) = host_port.strip_prefix('[') {
        let (addr, after) = v6.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return None;
        }
        (addr, port, true)
    } else {
        let (host, port) = match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        };
        let host_ok = host.chars().all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c));
        if !host_ok {
            return None;
        }
        (host, port, is_ipv4(host))
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() {
            return None;
        }
    }
    let normalized_path = if path.is_empty() {
        "/".to_string()
    } else if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    Some(Url { scheme, authority: authority.to_string(), path: path.to_string(), normalized_path, is_ip })
}

/// Whether `host` is a dotted-quad IPv4 address.
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `isValidHostLabel`: 1 to 63 ASCII letters, digits and hyphens, not starting with a hyphen;
/// with `allow_subdomains`, dot-separated labels of that form.
pub fn is_valid_host_label(label: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        return label.split('.').all(|l| is_valid_host_label(l, false));
    }
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// `aws.isVirtualHostableS3Bucket`: whether `bucket` can be a virtual host label: a valid host
/// label (or dot-separated labels with `allow_subdomains`) whose labels are 3 to 63 lower-case
/// letters, digits and hyphens, start and end with a letter or digit, and do not look like an
/// IPv4 address.
pub fn is_virtual_hostable_s3_bucket(bucket: &str, allow_subdomains: bool) -> bool {
    let segment_ok = |s: &str| {
        let b = s.as_bytes();
        let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        (3..=63).contains(&b.len())
            && b.first().is_some_and(edge)
            && b.last().is_some_and(edge)
            && b.iter().all(|c| edge(c) || *c == b'-' || *c == b'.')
            && !s.contains(".-")
            && !s.contains("-.")
            && !is_ipv4(s)
    };
    if !is_valid_host_label(bucket, allow_subdomains) {
        return false;
    }
    if allow_subdomains { bucket.split('.').all(segment_ok) } else { segment_ok(bucket) }
}

/// The result of `aws.parseArn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account_id: String,
    /// The resource, split at every `:` and `/`.
    pub resource_id: Vec<String>,
}

impl Arn {
    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("partition".into(), Value::from(self.partition.as_str()));
        m.insert("service".into(), Value::from(self.service.as_str()));
        m.insert("region".into(), Value::from(self.region.as_str()));
        m.insert("accountId".into(), Value::from(self.account_id.as_str()));
        m.insert("resourceId".into(), Value::Array(self.resource_id.iter().map(|s| Value::from(s.as_str())).collect()));
        Value::Object(m)
    }
}

/// `aws.parseArn`: `arn:partition:service:region:account-id:resource`, where partition, service
/// and resource are not empty; `None` otherwise.
pub fn parse_arn(input: &str) -> Option<Arn> {
    let mut parts = input.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let (partition, service, region, account_id, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.into(),
        service: service.into(),
        region: region.into(),
        account_id: account_id.into(),
        resource_id: resource.split([':', '/']).map(String::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> Scope {
        vec![
            ("Region".into(), json!("us-east-1")),
            ("Unset".into(), Value::Null),
            ("Flag".into(), json!(true)),
            ("P".into(), json!({"dnsSuffix": "amazonaws.com", "list": ["a", {"b": "c"}]})),
        ]
    }

    #[test]
    fn templates() {
        let s = scope();
        assert_eq!(
            expand_template("https://x.{Region}.{P#dnsSuffix}", &s).unwrap(),
            "https://x.us-east-1.amazonaws.com"
        );
        assert_eq!(expand_template("{{literal}} {Region}}}", &s).unwrap(), "{literal} us-east-1}");
        assert_eq!(expand_template("{P#list[1].b}", &s).unwrap(), "c");
        assert_eq!(expand_template("no braces", &s).unwrap(), "no braces");
        assert!(matches!(expand_template("{Region", &s), Err(EndpointError::InvalidRuleSet(_))));
        assert!(matches!(expand_template("a}b", &s), Err(EndpointError::InvalidRuleSet(_))));
        assert!(matches!(expand_template("{Nope}", &s), Err(EndpointError::InvalidRuleSet(_))));
        assert!(matches!(expand_template("{Unset}", &s), Err(EndpointError::Evaluation(_))));
        assert!(matches!(expand_template("{Flag}", &s), Err(EndpointError::Evaluation(_))));
        assert!(matches!(expand_template("{P#missing}", &s), Err(EndpointError::Evaluation(_))));
    }

    #[test]
    fn get_attr_paths() {
        let v = json!({"name": "aws", "a": {"b": 1}, "r": ["x", "y"], "n": [[1, 2]]});
        assert_eq!(get_attr(&v, "name").unwrap(), json!("aws"));
        assert_eq!(get_attr(&v, "a.b").unwrap(), json!(1));
        assert_eq!(get_attr(&v, "r[0]").unwrap(), json!("x"));
        assert_eq!(get_attr(&v, "r[1]").unwrap(), json!("y"));
        assert_eq!(get_attr(&v, "r[2]").unwrap(), Value::Null);
        assert_eq!(get_attr(&v, "n[0][1]").unwrap(), json!(2));
        assert_eq!(get_attr(&v, "missing").unwrap(), Value::Null);
        assert_eq!(get_attr(&v, "missing.deeper").unwrap(), Value::Null);
        assert_eq!(get_attr(&json!(["p"]), "[0]").unwrap(), json!("p"));
        for bad in ["", "a.", "r[", "r[x]", "r[]", "r[0]x", "r[-1]", "r[99999999999999999999999]"] {
            assert!(get_attr(&v, bad).is_err(), "{bad}");
        }
        assert!(get_attr(&v, "name.x").is_err());
        assert!(get_attr(&v, "a[0]").is_err());
    }

    #[test]
    fn parse_url_cases() {
        let u = parse_url("https://example.com").unwrap();
        assert_eq!(
            u,
            Url {
                scheme: "https".into(),
                authority: "example.com".into(),
                path: "".into(),
                normalized_path: "/".into(),
                is_ip: false
            }
        );
        let u = parse_url("http://example.com:8443/foo/bar").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.path.as_str(), u.normalized_path.as_str()),
            ("example.com:8443", "/foo/bar", "/foo/bar/")
        );
        let u = parse_url("https://example.com/").unwrap();
        assert_eq!((u.path.as_str(), u.normalized_path.as_str()), ("/", "/"));
        assert!(parse_url("http://127.0.0.1:8000/p/").unwrap().is_ip);
        assert!(parse_url("https://[fe80::1]").unwrap().is_ip);
        assert!(parse_url("https://[fe80::1]:443/x").unwrap().is_ip);
        assert!(!parse_url("https://127.0.0.256").unwrap().is_ip);
        assert!(!parse_url("https://1.2.3").unwrap().is_ip);
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://example.com?x=1",
            "https://example.com/a?b",
            "https://example.com#frag",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com:",
            "https://example.com:99999",
            "https://example.com:8a",
            "https://[fe80::1",
            "https://[zz]",
            "",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("a", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("-abc", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label("a_b", false));
        assert!(!is_valid_host_label("ünï", false));
    }

    #[test]
    fn s3_buckets() {
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("My-Bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("bucket-", false));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket", false));
        assert!(is_virtual_hostable_s3_bucket("abc.bucket.xyz", true));
        // Every label must itself be a bucket name of at least 3 characters.
        assert!(!is_virtual_hostable_s3_bucket("my.bucket.abc", true));
        assert!(!is_virtual_hostable_s3_bucket("192.168.0.1", true));
        assert!(!is_virtual_hostable_s3_bucket("abc.-def", true));
    }

    #[test]
    fn arns() {
        let a = parse_arn("arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint:x").unwrap();
        assert_eq!(a.partition, "aws");
        assert_eq!(a.region, "us-west-2");
        assert_eq!(a.account_id, "123456789012");
        assert_eq!(a.resource_id, ["accesspoint", "myendpoint", "x"]);
        let a = parse_arn("arn:aws:iam:::role/r").unwrap();
        assert_eq!((a.region.as_str(), a.account_id.as_str()), ("", ""));
        for bad in
            ["", "arn", "arn:aws:s3:r:a", "arn::s3:r:a:res", "arn:aws::r:a:res", "arn:aws:s3:r:a:", "urn:aws:s3:r:a:x"]
        {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn functions() {
        assert_eq!(substring("abcdef", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdef", 0, 4, true), Some("cdef"));
        assert_eq!(substring("abcdef", 4, 4, false), None);
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abcdé", 0, 2, false), None);
        assert_eq!(uri_encode("a b/c~_.-é"), "a%20b%2Fc~_.-%C3%A9");
        assert_eq!(call("not", &[json!(true)]).unwrap(), json!(false));
        assert_eq!(call("isSet", &[Value::Null]).unwrap(), json!(false));
        assert_eq!(call("stringEquals", &[json!("a"), json!("a")]).unwrap(), json!(true));
        assert_eq!(call("substring", &[json!("abcdef"), json!(1), json!(3), json!(false)]).unwrap(), json!("bc"));
        assert_eq!(call("substring", &[json!("ab"), json!(1), json!(3), json!(false)]).unwrap(), Value::Null);
        assert_eq!(call("aws.partition", &[json!("cn-north-1")]).unwrap()["dnsSuffix"], json!("amazonaws.com.cn"));
        assert_eq!(call("aws.parseArn", &[json!("arn:aws:s3:r:a:b/c")]).unwrap()["resourceId"], json!(["b", "c"]));
        assert_eq!(call("parseURL", &[json!("https://h/p")]).unwrap()["normalizedPath"], json!("/p/"));
        assert_eq!(call("fancy", &[]), Err(EndpointError::UnknownFunction("fancy".into())));
        assert!(matches!(call("not", &[]), Err(EndpointError::Evaluation(_))));
        assert!(matches!(call("not", &[Value::Null]), Err(EndpointError::Evaluation(_))));
        assert!(matches!(call("booleanEquals", &[json!("x"), json!(true)]), Err(EndpointError::Evaluation(_))));
        assert!(matches!(
            call("substring", &[json!("x"), json!(-1), json!(1), json!(false)]),
            Err(EndpointError::Evaluation(_))
        ));
    }

    const RULES: &str = r#"{
      "version": "1.0",
      "parameters": {
        "Region": {"builtIn": "AWS::Region", "required": false, "type": "String"},
        "Bucket": {"required": false, "type": "string"},
        "Mode": {"required": true, "default": "a", "type": "string"}
      },
      "rules": [
        {"conditions": [{"fn": "isSet", "argv": [{"ref": "Bucket"}]},
                        {"fn": "aws.parseArn", "argv": [{"ref": "Bucket"}], "assign": "Arn"}],
         "type": "tree",
         "rules": [
           {"conditions": [{"fn": "stringEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "Arn"}, "region"]}, ""]}],
            "error": "Invalid ARN: missing region in {Bucket}", "type": "error"},
           {"conditions": [], "type": "endpoint",
            "endpoint": {"url": "https://{Arn#resourceId[0]}.{Arn#region}.example.com",
                         "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Arn#region}", "disableDoubleEncoding": true}]},
                         "headers": {"x-mode": ["{Mode}", "static"]}}}
         ]},
        {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}], "type": "tree", "rules": [
          {"conditions": [{"fn": "stringEquals", "argv": [{"ref": "Mode"}, "b"]}], "type": "endpoint", "endpoint": {"url": "https://b.{Region}"}}
        ]},
        {"conditions": [], "error": "Missing Region", "type": "error"}
      ]
    }"#;

    fn named(v: Value) -> Result<Endpoint> {
        resolve_named(RULES, v.as_object().unwrap())
    }

    #[test]
    fn rule_set_evaluation() {
        let e = named(json!({"Bucket": "arn:aws:s3:eu-west-1:123:bkt/key"})).unwrap();
        assert_eq!(e.url, "https://bkt.eu-west-1.example.com");
        assert_eq!(
            e.properties["authSchemes"],
            json!([{"name": "sigv4", "signingRegion": "eu-west-1", "disableDoubleEncoding": true}])
        );
        assert_eq!(e.headers["x-mode"], ["a", "static"]);
        assert_eq!(
            named(json!({"Bucket": "arn:aws:s3::123:bkt"})),
            Err(EndpointError::Rule("Invalid ARN: missing region in arn:aws:s3::123:bkt".into()))
        );
        // A bucket that is no ARN makes the first rule not match: assignments are dropped.
        assert_eq!(named(json!({"Bucket": "plain"})), Err(EndpointError::Rule("Missing Region".into())));
        assert_eq!(named(json!({"Region": "r", "Mode": "b"})).unwrap().url, "https://b.r");
        // The tree matched but none of its rules did.
        assert_eq!(named(json!({"Region": "r"})), Err(EndpointError::NoRuleMatched));
        assert!(matches!(named(json!({"Nope": 1})), Err(EndpointError::Parameter { .. })));
        assert!(matches!(named(json!({"Region": true})), Err(EndpointError::Parameter { .. })));
        let p = EndpointParams { region: Some("us-west-2".into()), ..Default::default() };
        assert_eq!(resolve(RULES, &p), Err(EndpointError::NoRuleMatched));
        assert_eq!(resolve(RULES, &EndpointParams::default()), Err(EndpointError::Rule("Missing Region".into())));
    }

    #[test]
    fn malformed_rule_sets_are_errors() {
        let p = EndpointParams::default();
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"version": "2.0", "parameters": {}, "rules": []}"#,
            r#"{"version": "1.0", "rules": []}"#,
            r#"{"version": "1.0", "parameters": {}}"#,
            r#"{"version": "1.0", "parameters": {"X": {"type": "int"}}, "rules": []}"#,
            r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "what"}]}"#,
            r#"{"version": "1.0", "parameters": {}, "rules": [{"conditions": [{"ref": "X"}], "type": "error", "error": "e"}]}"#,
            r#"{"version": "1.0", "parameters": {}, "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "X"}]}], "type": "error", "error": "e"}]}"#,
            r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "endpoint": {"url": true}}]}"#,
            r#"{"version": "1.0", "parameters": {"R": {"type": "string", "required": true}}, "rules": []}"#,
        ] {
            assert!(resolve(bad, &p).is_err(), "{bad}");
        }
        assert_eq!(
            resolve(r#"{"version": "1.0", "parameters": {}, "rules": []}"#, &p),
            Err(EndpointError::NoRuleMatched)
        );
        let unknown = r#"{"version": "1.0", "parameters": {}, "rules": [{"conditions": [{"fn": "aws.magic", "argv": []}], "type": "error", "error": "e"}]}"#;
        assert_eq!(resolve(unknown, &p), Err(EndpointError::UnknownFunction("aws.magic".into())));
    }
}
