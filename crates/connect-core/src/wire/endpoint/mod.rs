//! A Smithy endpoint rules engine: evaluates a `smithy.rules#endpointRuleSet` (version 1.0).
//!
//! The engine is generic. It binds the rule set's parameters (by `builtIn` from
//! [`EndpointParams`], or by name with [`resolve_named`]), applies their defaults, then walks the
//! rules in order: the first rule whose conditions all hold decides. An `endpoint` rule yields an
//! [`Endpoint`], an `error` rule yields [`EndpointError::Rule`] with the rule's message, and a
//! `tree` rule continues with its own rules. Values are `serde_json` values, with `null` for "not
//! set".
//!
//! One module per concern: the typed rule set read from its JSON (`ruleset`), the evaluator
//! (`rules`), the function dispatch with `getAttr`, `substring` and `uriEncode` (`library`),
//! `parseURL` and `isValidHostLabel` (`url`), `aws.parseArn` and `aws.isVirtualHostableS3Bucket`
//! (`aws`), and `aws.partition` with the generated partition table ([`partitions`]).

mod aws;
mod library;
pub mod partitions;
mod rules;
mod ruleset;
mod url;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

pub use aws::{Arn, is_virtual_hostable_s3_bucket, parse_arn};
pub use library::{substring, uri_encode};
use rules::{bind_parameter, evaluate};
pub use url::{Url, is_valid_host_label, parse_url};

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
    /// The endpoint's URL.
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
    Parameter {
        /// The parameter's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A tree rule matched but none of its rules did, or no top-level rule matched.
    #[error("no endpoint rule matched the parameters")]
    NoRuleMatched,
}

pub(crate) type Result<T> = std::result::Result<T, EndpointError>;

pub(super) fn invalid(msg: impl Into<String>) -> EndpointError {
    EndpointError::InvalidRuleSet(msg.into())
}

pub(super) fn eval_error(msg: impl Into<String>) -> EndpointError {
    EndpointError::Evaluation(msg.into())
}

/// Resolves the endpoint for `params` with the rule set `rule_set_json`. Parameters are bound by
/// their `builtIn`: `AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack` and `SDK::Endpoint` come
/// from `params`; other parameters take their defaults.
pub fn resolve(rule_set_json: &str, params: &EndpointParams) -> Result<Endpoint> {
    let rule_set = ruleset::parse(rule_set_json)?;
    let builtins = |builtin: &str| -> Option<Value> {
        match builtin {
            "AWS::Region" => params.region.clone().map(Value::String),
            "AWS::UseFIPS" => Some(Value::Bool(params.use_fips)),
            "AWS::UseDualStack" => Some(Value::Bool(params.use_dual_stack)),
            "SDK::Endpoint" => params.endpoint.clone().map(Value::String),
            _ => None,
        }
    };
    let mut scope = Vec::with_capacity(rule_set.parameters.len());
    for (name, def) in &rule_set.parameters {
        let given = def.built_in.as_deref().and_then(builtins);
        scope.push((&**name, bind_parameter(name, def, given)?));
    }
    evaluate(&rule_set, scope)
}

/// Resolves the endpoint with parameters given by name (as in the rule set's endpoint tests).
/// A name the rule set does not declare is an error.
pub fn resolve_named(rule_set_json: &str, values: &Map<String, Value>) -> Result<Endpoint> {
    let rule_set = ruleset::parse(rule_set_json)?;
    if let Some(unknown) = values.keys().find(|k| !rule_set.parameters.iter().any(|(name, _)| **name == ***k)) {
        return Err(EndpointError::Parameter {
            name: unknown.clone(),
            reason: "not a parameter of the rule set".into(),
        });
    }
    let mut scope = Vec::with_capacity(rule_set.parameters.len());
    for (name, def) in &rule_set.parameters {
        let given = values.get(&**name).filter(|v| !v.is_null()).cloned();
        scope.push((&**name, bind_parameter(name, def, given)?));
    }
    evaluate(&rule_set, scope)
}
