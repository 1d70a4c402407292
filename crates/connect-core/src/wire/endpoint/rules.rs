//! The rules evaluator: parameter binding, the walk over `endpoint`, `error` and `tree` rules,
//! conditions with their assignments, expressions and template strings.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::library::{call, get_attr};
use super::ruleset::{Body, Call, EndpointTemplate, Expr, Parameter, Rule, RuleSet};
use super::{Endpoint, EndpointError, Result, eval_error, invalid};

/// The value of one parameter: the given one, else the default; checked against its type.
pub(super) fn bind_parameter(name: &str, def: &Parameter, given: Option<Value>) -> Result<Value> {
    let param_error = |reason: String| EndpointError::Parameter { name: name.to_string(), reason };
    let value = given.or_else(|| def.default.clone()).unwrap_or(Value::Null);
    let ty = def.ty.as_deref().unwrap_or("string").to_ascii_lowercase();
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
    if value.is_null() && def.required {
        return Err(param_error("required but not set".into()));
    }
    Ok(value)
}

/// Variables in scope: parameters first, then the values conditions assigned, innermost last.
pub(super) type Scope<'a> = Vec<(&'a str, Value)>;

pub(super) fn evaluate<'a>(rule_set: &'a RuleSet<'a>, mut scope: Scope<'a>) -> Result<Endpoint> {
    first_match(&rule_set.rules, &mut scope)
}

/// The first of `rules` that matches decides; none matching is an error.
fn first_match<'a>(rules: &'a [Rule<'a>], scope: &mut Scope<'a>) -> Result<Endpoint> {
    for rule in rules {
        if let Some(endpoint) = eval_rule(rule, scope)? {
            return Ok(endpoint);
        }
    }
    Err(EndpointError::NoRuleMatched)
}

/// Evaluates one rule: `Ok(None)` when its conditions do not hold.
fn eval_rule<'a>(rule: &'a Rule<'a>, scope: &mut Scope<'a>) -> Result<Option<Endpoint>> {
    let mark = scope.len();
    let result = eval_rule_in(rule, scope);
    scope.truncate(mark);
    result
}

fn eval_rule_in<'a>(rule: &'a Rule<'a>, scope: &mut Scope<'a>) -> Result<Option<Endpoint>> {
    for condition in &rule.conditions {
        let value = eval_call(condition, scope)?;
        let holds = match &value {
            Value::Null => false,
            Value::Bool(b) => *b,
            _ => true,
        };
        if !holds {
            return Ok(None);
        }
        if let Some(name) = &condition.assign {
            scope.push((name, value));
        }
    }
    match &rule.body {
        Body::Endpoint(endpoint) => build_endpoint(endpoint, scope).map(Some),
        Body::Error(message) => match eval_expr(message, scope)? {
            Value::String(s) => Err(EndpointError::Rule(s)),
            other => Err(eval_error(format!("error message is not a string: {other}"))),
        },
        Body::Tree(rules) => first_match(rules, scope).map(Some),
    }
}

fn build_endpoint(endpoint: &EndpointTemplate, scope: &Scope) -> Result<Endpoint> {
    let url = match eval_expr(&endpoint.url, scope)? {
        Value::String(s) => s,
        other => return Err(eval_error(format!("endpoint url is not a string: {other}"))),
    };
    let mut properties = Map::new();
    for (key, value) in &endpoint.properties.0 {
        properties.insert(key.to_string(), eval_expr(value, scope)?);
    }
    let mut headers = BTreeMap::new();
    for (name, values) in &endpoint.headers.0 {
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            match eval_expr(v, scope)? {
                Value::String(s) => out.push(s),
                other => return Err(eval_error(format!("header `{}` value is not a string: {other}", &**name))),
            }
        }
        headers.insert(name.to_string(), out);
    }
    Ok(Endpoint { url, properties, headers })
}

fn lookup<'s>(scope: &'s Scope, name: &str) -> Result<&'s Value> {
    scope
        .iter()
        .rev()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .ok_or_else(|| invalid(format!("reference to unknown name `{name}`")))
}

fn eval_call(c: &Call, scope: &Scope) -> Result<Value> {
    let args = c.argv.iter().map(|a| eval_expr(a, scope)).collect::<Result<Vec<_>>>()?;
    call(&c.name, &args)
}

/// Evaluates an expression: a reference, a function call, a template string or a literal.
fn eval_expr(expr: &Expr, scope: &Scope) -> Result<Value> {
    match expr {
        Expr::Template(s) => expand_template(s, scope).map(Value::String),
        Expr::Ref(name) => lookup(scope, name).cloned(),
        Expr::Call(c) => eval_call(c, scope),
        Expr::Object(members) => members
            .iter()
            .map(|(k, v)| Ok((k.to_string(), eval_expr(v, scope)?)))
            .collect::<Result<Map<_, _>>>()
            .map(Value::Object),
        Expr::Array(items) => items.iter().map(|v| eval_expr(v, scope)).collect::<Result<Vec<_>>>().map(Value::Array),
        Expr::Literal(literal) => Ok(literal.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::endpoint::{EndpointParams, resolve, resolve_named};
    use serde_json::json;

    fn scope() -> Scope<'static> {
        vec![
            ("Region", json!("us-east-1")),
            ("Unset", Value::Null),
            ("Flag", json!(true)),
            ("P", json!({"dnsSuffix": "amazonaws.com", "list": ["a", {"b": "c"}]})),
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
