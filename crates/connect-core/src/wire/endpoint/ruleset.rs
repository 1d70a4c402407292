//! The rule set as the evaluator reads it: typed, checked when read, and borrowing its names,
//! templates and function names from the JSON text (a rule set is read for each resolution, so
//! reading it costs no more than scanning the text and a few small vectors).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Result, invalid};

/// A rule set: its parameters in their order, and its rules.
#[derive(Debug)]
pub(super) struct RuleSet<'a> {
    pub(super) parameters: Vec<(Text<'a>, Parameter)>,
    pub(super) rules: Vec<Rule<'a>>,
}

/// Reads a rule set (version 1.x).
pub(super) fn parse(json: &str) -> Result<RuleSet<'_>> {
    #[derive(Deserialize)]
    struct Raw<'a> {
        #[serde(borrow)]
        version: Text<'a>,
        #[serde(borrow)]
        parameters: Entries<'a, Parameter>,
        #[serde(borrow)]
        rules: Vec<Rule<'a>>,
    }
    let raw: Raw = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
    match &*raw.version {
        v if v == "1.0" || v.starts_with("1.") => Ok(RuleSet { parameters: raw.parameters.0, rules: raw.rules }),
        v => Err(invalid(format!("unsupported version {v}"))),
    }
}

/// A parameter's declaration.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Parameter {
    /// `string`, `boolean` or `stringArray` (any case); `string` when absent.
    #[serde(rename = "type")]
    pub(super) ty: Option<String>,
    /// The client setting that gives its value (`AWS::Region`, …).
    pub(super) built_in: Option<String>,
    #[serde(default)]
    pub(super) required: bool,
    /// Its value when none is given (`null` is none).
    pub(super) default: Option<Value>,
}

/// A rule: the conditions that must all hold, then what it yields.
#[derive(Debug)]
pub(super) struct Rule<'a> {
    /// Function calls; one whose value is `null` or `false` does not hold.
    pub(super) conditions: Vec<Call<'a>>,
    pub(super) body: Body<'a>,
}

/// What a rule whose conditions hold yields.
#[derive(Debug)]
pub(super) enum Body<'a> {
    /// An endpoint.
    Endpoint(EndpointTemplate<'a>),
    /// An error, with this message.
    Error(Expr<'a>),
    /// The first of these rules that matches (none matching is an error).
    Tree(Vec<Rule<'a>>),
}

/// A function call.
#[derive(Debug)]
pub(super) struct Call<'a> {
    pub(super) name: Text<'a>,
    pub(super) argv: Vec<Expr<'a>>,
    /// In a condition: the name its value is bound to for the rest of the rule.
    pub(super) assign: Option<Text<'a>>,
}

/// The endpoint an `endpoint` rule yields, before its expressions are evaluated.
#[derive(Debug, Deserialize)]
pub(super) struct EndpointTemplate<'a> {
    #[serde(borrow)]
    pub(super) url: Expr<'a>,
    #[serde(borrow, default)]
    pub(super) properties: Entries<'a, Expr<'a>>,
    #[serde(borrow, default)]
    pub(super) headers: Entries<'a, Vec<Expr<'a>>>,
}

/// An expression.
#[derive(Debug)]
pub(super) enum Expr<'a> {
    /// `{"ref": name}`.
    Ref(Text<'a>),
    /// `{"fn": name, "argv": [...]}`.
    Call(Call<'a>),
    /// A string, with `{Name}` and `{Name#path}` to expand.
    Template(Text<'a>),
    /// An array of expressions.
    Array(Vec<Expr<'a>>),
    /// Any other object: its members are expressions.
    Object(Vec<(Text<'a>, Expr<'a>)>),
    /// `true`, `false`, a number or `null`.
    Literal(Value),
}

/// A string of the rule set, borrowed from the text unless it has escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Text<'a>(pub(super) Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// The members of a JSON object, in their order.
#[derive(Debug)]
pub(super) struct Entries<'a, T>(pub(super) Vec<(Text<'a>, T)>);

impl<T> Default for Entries<'_, T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Entries<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Entries<'de, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Rule<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw<'a> {
            #[serde(rename = "type", borrow)]
            kind: Text<'a>,
            #[serde(borrow, default)]
            conditions: Vec<Expr<'a>>,
            #[serde(borrow)]
            endpoint: Option<EndpointTemplate<'a>>,
            #[serde(borrow)]
            error: Option<Expr<'a>>,
            #[serde(borrow)]
            rules: Option<Vec<Rule<'a>>>,
        }
        let raw = Raw::deserialize(d)?;
        let missing = |what: &str| de::Error::custom(format!("{} rule without {what}", &*raw.kind));
        let body = match &*raw.kind {
            "endpoint" => Body::Endpoint(raw.endpoint.ok_or_else(|| missing("endpoint"))?),
            "error" => Body::Error(raw.error.ok_or_else(|| missing("error"))?),
            "tree" => Body::Tree(raw.rules.ok_or_else(|| missing("rules"))?),
            other => return Err(de::Error::custom(format!("unknown rule type `{other}`"))),
        };
        let conditions = raw
            .conditions
            .into_iter()
            .map(|c| match c {
                Expr::Call(call) => Ok(call),
                Expr::Object(_) | Expr::Ref(_) | Expr::Template(_) | Expr::Array(_) | Expr::Literal(_) => {
                    Err(de::Error::custom("a condition is not a function call"))
                }
            })
            .collect::<std::result::Result<Vec<_>, D::Error>>()?;
        Ok(Rule { conditions, body })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Expr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ExprVisitor)
    }
}

struct ExprVisitor;

impl<'de> Visitor<'de> for ExprVisitor {
    type Value = Expr<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an expression")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Template(Text(Cow::Borrowed(s))))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Template(Text(Cow::Owned(s.to_owned()))))
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Literal(Value::Bool(b)))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Literal(Value::from(n)))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Literal(Value::from(n)))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Literal(Value::from(n)))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Expr<'de>, E> {
        Ok(Expr::Literal(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Expr<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Expr::Array(items))
    }
    /// `{"ref": …}` and `{"fn": …, "argv": […], "assign": …}` (members in any order); any other
    /// object is a literal whose members are expressions.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Expr<'de>, A::Error> {
        let mut members: Vec<(Text<'de>, Expr<'de>)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(member) = map.next_entry()? {
            members.push(member);
        }
        let take = |members: &mut Vec<(Text<'de>, Expr<'de>)>, key: &str| {
            members.iter().position(|(k, _)| &**k == key).map(|i| members.remove(i).1)
        };
        let name = |what: &str, e: Expr<'de>| match e {
            Expr::Template(t) => Ok(t),
            _ => Err(de::Error::custom(format!("{what} is not a string"))),
        };
        if let Some(r) = take(&mut members, "ref") {
            return name("ref", r).map(Expr::Ref);
        }
        let Some(f) = take(&mut members, "fn") else { return Ok(Expr::Object(members)) };
        let f = name("fn", f)?;
        let argv = match take(&mut members, "argv") {
            None => Vec::new(),
            Some(Expr::Array(items)) => items,
            Some(_) => return Err(de::Error::custom(format!("argv of {} is not an array", &*f))),
        };
        let assign = take(&mut members, "assign").map(|a| name("assign", a)).transpose()?;
        Ok(Expr::Call(Call { name: f, argv, assign }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::endpoint::{EndpointError, EndpointParams, resolve};

    fn error_of(rules: &str) -> EndpointError {
        let json = format!(r#"{{"version": "1.0", "parameters": {{"R": {{"type": "string"}}}}, "rules": {rules}}}"#);
        resolve(&json, &EndpointParams { region: None, ..Default::default() }).unwrap_err()
    }

    #[test]
    fn strings_with_escapes_are_read_as_well_as_plain_ones() {
        let json = r#"{"version": "1.0", "parameters": {}, "rules": [{"conditions": [], "type": "error", "error": "a \"quoted\" \u00e9 {{x}}"}]}"#;
        assert!(matches!(parse(json).unwrap().rules[0].body, Body::Error(Expr::Template(Text(Cow::Owned(_))))));
        assert_eq!(resolve(json, &EndpointParams::default()), Err(EndpointError::Rule("a \"quoted\" é {x}".into())));
        let plain =
            r#"{"version": "1.0", "parameters": {}, "rules": [{"conditions": [], "type": "error", "error": "e"}]}"#;
        assert!(matches!(parse(plain).unwrap().rules[0].body, Body::Error(Expr::Template(Text(Cow::Borrowed("e"))))));
    }

    #[test]
    fn a_call_s_members_may_come_in_any_order() {
        let rules =
            r#"[{"conditions": [{"assign": "V", "argv": ["x"], "fn": "isSet"}], "type": "error", "error": "{V}"}]"#;
        // `isSet` gives a boolean, so the template fails on it: the assignment was made.
        assert!(matches!(error_of(rules), EndpointError::Evaluation(m) if m.contains("`V` is not a string")));
    }

    #[test]
    fn the_shape_of_a_rule_set_is_checked_when_it_is_read() {
        let cases = [
            (r#"[{"type": "what"}]"#, "unknown rule type `what`"),
            (r#"[{"conditions": [], "type": "endpoint"}]"#, "endpoint rule without endpoint"),
            (r#"[{"conditions": [], "type": "tree"}]"#, "tree rule without rules"),
            (r#"[{"conditions": [{"ref": "R"}], "type": "error", "error": "e"}]"#, "not a function call"),
            (r#"[{"conditions": [{"fn": 1}], "type": "error", "error": "e"}]"#, "fn is not a string"),
            (r#"[{"conditions": [{"fn": "isSet", "argv": "R"}], "type": "error", "error": "e"}]"#, "argv of isSet"),
            (r#"[{"conditions": [], "type": "endpoint", "endpoint": {"url": "u", "headers": []}}]"#, "an object"),
        ];
        for (rules, want) in cases {
            match error_of(rules) {
                EndpointError::InvalidRuleSet(m) => assert!(m.contains(want), "{rules}: {m}"),
                other => panic!("{rules}: {other:?}"),
            }
        }
        // Rules past the one that decides are checked too.
        let unreachable = r#"[{"conditions": [], "type": "error", "error": "first"}, {"type": "what"}]"#;
        assert!(matches!(error_of(unreachable), EndpointError::InvalidRuleSet(_)));
    }
}
