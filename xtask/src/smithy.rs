//! Reads a Smithy 2.0 JSON AST model into an intermediate representation for the generator.
//!
//! Every shape type and trait that the official Connect model uses has a place here. Anything else
//! (a shape type, a trait, a trait on a list member) is an error that names the shape: nothing in a
//! model is skipped silently.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A parsed model: the one service and every shape it reaches, by absolute shape id.
#[derive(Debug)]
pub struct Model {
    pub service: Service,
    pub shapes: BTreeMap<String, Shape>,
}

#[derive(Debug)]
pub struct Service {
    pub id: String,
    pub version: String,
    pub operations: Vec<String>,
    pub traits: Traits,
}

#[derive(Debug, Clone)]
pub struct Shape {
    pub id: String,
    /// The name without namespace.
    pub name: String,
    pub ty: ShapeType,
    pub traits: Traits,
}

#[derive(Debug, Clone)]
pub enum ShapeType {
    String,
    Integer,
    Long,
    Boolean,
    Float,
    Double,
    Timestamp,
    Enum(Vec<EnumMember>),
    Structure(Vec<Member>),
    Union(Vec<Member>),
    List(String),
    Map { key: String, value: String },
    Operation(OperationShape),
}

#[derive(Debug, Clone)]
pub struct EnumMember {
    pub name: String,
    pub value: String,
    pub traits: Traits,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub target: String,
    pub traits: Traits,
}

#[derive(Debug, Clone)]
pub struct OperationShape {
    pub input: Option<String>,
    pub output: Option<String>,
    pub errors: Vec<String>,
}

/// Every trait the generator understands, parsed. Traits that only matter to other tools are listed
/// in [`IGNORED_TRAITS`].
#[derive(Debug, Clone, Default)]
pub struct Traits {
    pub documentation: Option<String>,
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    pub pattern: Option<String>,
    pub sensitive: bool,
    pub required: bool,
    pub default: Option<Value>,
    pub http: Option<Http>,
    pub http_label: bool,
    pub http_query: Option<String>,
    pub http_header: Option<String>,
    pub idempotency_token: bool,
    pub idempotent: bool,
    pub paginated: Option<Paginated>,
    pub examples: Vec<Example>,
    pub error: Option<String>,
    pub http_error: Option<u16>,
    pub enum_value: Option<String>,
    pub timestamp_format: Option<String>,
    pub deprecated: bool,
    pub aws_service: Option<AwsService>,
    pub sigv4_name: Option<String>,
    pub rest_json1: bool,
    pub endpoint_rule_set: Option<Value>,
    pub endpoint_tests: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The model writes a bound as a decimal (`1.0`), as botocore's model and the AWS CLI's help keep it.
    pub decimal: bool,
}

#[derive(Debug, Clone)]
pub struct Http {
    pub method: String,
    pub uri: String,
    pub code: u16,
}

#[derive(Debug, Clone, Default)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub items: Option<String>,
    pub page_size: Option<String>,
}

/// One entry of `@examples`: a titled, described input and what it returns.
#[derive(Debug, Clone)]
pub struct Example {
    pub title: String,
    pub documentation: Option<String>,
    pub input: Value,
    pub output: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct AwsService {
    pub sdk_id: String,
    pub endpoint_prefix: String,
}

/// Traits that carry nothing the client needs: accepted and dropped, by name, on purpose.
pub const IGNORED_TRAITS: &[&str] = &[
    // Marks a structure as an operation's input or output; the operation says the same.
    "smithy.api#input",
    "smithy.api#output",
    // The service's display title; the CLI shows the sdkId.
    "smithy.api#title",
    // Error codes for the awsQuery protocol; Connect speaks restJson1.
    "aws.protocols#awsQueryError",
    // Records that a default was added later; the default itself is kept.
    "smithy.api#addedDefault",
];

const UNIT: &str = "smithy.api#Unit";

/// A model error: what is wrong and where.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn err<T>(msg: impl Into<String>) -> Result<T, Error> {
    Err(Error(msg.into()))
}

/// Whether a target is `smithy.api#Unit` (no input, no output, or a unit union variant).
pub fn is_unit(target: &str) -> bool {
    target == UNIT
}

/// Parses a JSON AST document and keeps the service and every shape it reaches.
pub fn parse(text: &str) -> Result<Model, Error> {
    let doc: Value = serde_json::from_str(text).map_err(|e| Error(format!("model is not JSON: {e}")))?;
    match doc.get("smithy").and_then(Value::as_str) {
        Some(v) if v.starts_with("2.") => {}
        other => return err(format!("unsupported Smithy IDL version {other:?}; expected 2.x")),
    }
    let raw =
        doc.get("shapes").and_then(Value::as_object).ok_or_else(|| Error("model has no `shapes` object".into()))?;

    let mut services = raw.iter().filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("service"));
    let (service_id, service_json) = services.next().ok_or_else(|| Error("model has no service shape".into()))?;
    if let Some((other, _)) = services.next() {
        return err(format!("model has more than one service ({service_id}, {other})"));
    }
    let service = parse_service(service_id, service_json)?;

    // Walk from the operations so that only reachable shapes are generated, and every reachable
    // shape is either understood or reported.
    let mut shapes = BTreeMap::new();
    let mut pending: Vec<String> = service.operations.clone();
    while let Some(id) = pending.pop() {
        if shapes.contains_key(&id) || is_unit(&id) {
            continue;
        }
        let shape = match raw.get(&id) {
            Some(json) => parse_shape(&id, json)?,
            None => prelude(&id)?,
        };
        pending.extend(references(&shape).into_iter().filter(|t| !shapes.contains_key(t)));
        shapes.insert(id, shape);
    }
    Ok(Model { service, shapes })
}

fn parse_service(id: &str, json: &Value) -> Result<Service, Error> {
    let obj = json.as_object().ok_or_else(|| Error(format!("{id}: not an object")))?;
    for key in obj.keys() {
        if !matches!(key.as_str(), "type" | "version" | "operations" | "traits") {
            return err(format!("{id}: unsupported service property `{key}`"));
        }
    }
    let operations = targets(obj.get("operations"), id)?;
    let traits = parse_traits(obj.get("traits"), id)?;
    if traits.sigv4_name.is_none() {
        return err(format!("{id}: service has no aws.auth#sigv4 trait"));
    }
    if !traits.rest_json1 {
        return err(format!("{id}: service protocol is not aws.protocols#restJson1"));
    }
    if traits.aws_service.is_none() {
        return err(format!("{id}: service has no aws.api#service trait"));
    }
    Ok(Service {
        id: id.to_owned(),
        version: obj.get("version").and_then(Value::as_str).unwrap_or_default().to_owned(),
        operations,
        traits,
    })
}

fn targets(value: Option<&Value>, ctx: &str) -> Result<Vec<String>, Error> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let list = value.as_array().ok_or_else(|| Error(format!("{ctx}: expected a list of targets")))?;
    list.iter().map(|v| target(v, ctx)).collect()
}

fn target(value: &Value, ctx: &str) -> Result<String, Error> {
    value
        .get("target")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Error(format!("{ctx}: expected {{\"target\": …}}, found {value}")))
}

fn short_name(id: &str) -> String {
    id.rsplit_once('#').map_or(id, |(_, n)| n).to_owned()
}

/// The prelude shapes a model may target without defining them.
fn prelude(id: &str) -> Result<Shape, Error> {
    let ty = match id {
        "smithy.api#String" => ShapeType::String,
        "smithy.api#Integer" | "smithy.api#PrimitiveInteger" => ShapeType::Integer,
        "smithy.api#Long" | "smithy.api#PrimitiveLong" => ShapeType::Long,
        "smithy.api#Boolean" | "smithy.api#PrimitiveBoolean" => ShapeType::Boolean,
        "smithy.api#Float" | "smithy.api#PrimitiveFloat" => ShapeType::Float,
        "smithy.api#Double" | "smithy.api#PrimitiveDouble" => ShapeType::Double,
        "smithy.api#Timestamp" => ShapeType::Timestamp,
        _ => return err(format!("shape {id} is referenced but neither defined nor a supported prelude shape")),
    };
    Ok(Shape { id: id.to_owned(), name: short_name(id), ty, traits: Traits::default() })
}

fn parse_shape(id: &str, json: &Value) -> Result<Shape, Error> {
    let obj = json.as_object().ok_or_else(|| Error(format!("{id}: not an object")))?;
    let ty_name = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    let allowed: &[&str] = match ty_name {
        "structure" | "union" | "enum" => &["type", "members", "traits"],
        "list" => &["type", "member", "traits"],
        "map" => &["type", "key", "value", "traits"],
        "operation" => &["type", "input", "output", "errors", "traits"],
        _ => &["type", "traits"],
    };
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            return err(format!("{id}: unsupported {ty_name} property `{key}`"));
        }
    }
    let traits = parse_traits(obj.get("traits"), id)?;
    let ty = match ty_name {
        "string" => ShapeType::String,
        "integer" => ShapeType::Integer,
        "long" => ShapeType::Long,
        "boolean" => ShapeType::Boolean,
        "float" => ShapeType::Float,
        "double" => ShapeType::Double,
        "timestamp" => ShapeType::Timestamp,
        "structure" => ShapeType::Structure(members(obj, id)?),
        "union" => ShapeType::Union(members(obj, id)?),
        "enum" => ShapeType::Enum(
            members(obj, id)?
                .into_iter()
                .map(|m| {
                    if !is_unit(&m.target) {
                        return err(format!("{id}${}: enum member must target smithy.api#Unit", m.name));
                    }
                    let value = m.traits.enum_value.clone().unwrap_or_else(|| m.name.clone());
                    Ok(EnumMember { name: m.name, value, traits: m.traits })
                })
                .collect::<Result<_, _>>()?,
        ),
        "list" => ShapeType::List(collection_member(obj, "member", id)?),
        "map" => {
            ShapeType::Map { key: collection_member(obj, "key", id)?, value: collection_member(obj, "value", id)? }
        }
        "operation" => ShapeType::Operation(OperationShape {
            input: obj.get("input").map(|v| target(v, id)).transpose()?.filter(|t| !is_unit(t)),
            output: obj.get("output").map(|v| target(v, id)).transpose()?.filter(|t| !is_unit(t)),
            errors: targets(obj.get("errors"), id)?,
        }),
        other => return err(format!("{id}: shape type `{other}` is not supported by the generator")),
    };
    if let ShapeType::Operation(_) = ty {
        if traits.http.is_none() {
            return err(format!("{id}: operation has no smithy.api#http trait"));
        }
    }
    Ok(Shape { id: id.to_owned(), name: short_name(id), ty, traits })
}

fn members(obj: &Map<String, Value>, id: &str) -> Result<Vec<Member>, Error> {
    let Some(members) = obj.get("members") else { return Ok(Vec::new()) };
    let members = members.as_object().ok_or_else(|| Error(format!("{id}: `members` is not an object")))?;
    members
        .iter()
        .map(|(name, m)| {
            let ctx = format!("{id}${name}");
            Ok(Member { name: name.clone(), target: target(m, &ctx)?, traits: parse_traits(m.get("traits"), &ctx)? })
        })
        .collect()
}

/// The target of a list member or map key/value. Traits there would change the meaning of the
/// collection's elements, which the runtime does not model: refuse them.
fn collection_member(obj: &Map<String, Value>, key: &str, id: &str) -> Result<String, Error> {
    let m = obj.get(key).ok_or_else(|| Error(format!("{id}: missing `{key}`")))?;
    if m.get("traits").and_then(Value::as_object).is_some_and(|t| !t.is_empty()) {
        return err(format!("{id}${key}: traits on a {key} are not supported by the generator"));
    }
    target(m, &format!("{id}${key}"))
}

fn parse_traits(value: Option<&Value>, ctx: &str) -> Result<Traits, Error> {
    let mut t = Traits::default();
    let Some(value) = value else { return Ok(t) };
    let obj = value.as_object().ok_or_else(|| Error(format!("{ctx}: `traits` is not an object")))?;
    for (name, v) in obj {
        let bad = |what: &str| Error(format!("{ctx}: trait {name}: {what}, found {v}"));
        match name.as_str() {
            "smithy.api#documentation" => {
                t.documentation = Some(v.as_str().ok_or_else(|| bad("expected a string"))?.to_owned())
            }
            "smithy.api#length" => t.length = Some(bounds(v).ok_or_else(|| bad("expected {min, max}"))?),
            "smithy.api#range" => t.range = Some(bounds(v).ok_or_else(|| bad("expected {min, max}"))?),
            "smithy.api#pattern" => t.pattern = Some(v.as_str().ok_or_else(|| bad("expected a string"))?.to_owned()),
            "smithy.api#sensitive" => t.sensitive = true,
            "smithy.api#required" => t.required = true,
            "smithy.api#default" => t.default = Some(v.clone()),
            "smithy.api#http" => {
                t.http = Some(Http {
                    method: v.get("method").and_then(Value::as_str).ok_or_else(|| bad("missing method"))?.to_owned(),
                    uri: v.get("uri").and_then(Value::as_str).ok_or_else(|| bad("missing uri"))?.to_owned(),
                    code: match v.get("code") {
                        None => 200,
                        Some(c) => c.as_u64().and_then(|c| u16::try_from(c).ok()).ok_or_else(|| bad("bad code"))?,
                    },
                });
            }
            "smithy.api#httpLabel" => t.http_label = true,
            "smithy.api#httpQuery" => {
                t.http_query = Some(v.as_str().ok_or_else(|| bad("expected a string"))?.to_owned())
            }
            "smithy.api#httpHeader" => {
                t.http_header = Some(v.as_str().ok_or_else(|| bad("expected a string"))?.to_owned())
            }
            "smithy.api#idempotencyToken" => t.idempotency_token = true,
            "smithy.api#idempotent" => t.idempotent = true,
            "smithy.api#paginated" => {
                let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
                t.paginated = Some(Paginated {
                    input_token: field("inputToken"),
                    output_token: field("outputToken"),
                    items: field("items"),
                    page_size: field("pageSize"),
                });
            }
            "smithy.api#examples" => {
                let entries = v.as_array().ok_or_else(|| bad("expected a list"))?;
                for e in entries {
                    let title =
                        e.get("title").and_then(Value::as_str).ok_or_else(|| bad("an example needs a title"))?;
                    // Examples of errors are valid Smithy; help pages show only successful calls.
                    if e.get("error").is_some() {
                        continue;
                    }
                    t.examples.push(Example {
                        title: title.to_owned(),
                        documentation: e.get("documentation").and_then(Value::as_str).map(str::to_owned),
                        input: e.get("input").cloned().unwrap_or_else(|| Value::Object(Default::default())),
                        output: e.get("output").cloned(),
                    });
                }
            }
            "smithy.api#error" => match v.as_str() {
                Some(f @ ("client" | "server")) => t.error = Some(f.to_owned()),
                _ => return Err(bad("expected \"client\" or \"server\"")),
            },
            "smithy.api#httpError" => {
                t.http_error =
                    Some(v.as_u64().and_then(|c| u16::try_from(c).ok()).ok_or_else(|| bad("expected a status code"))?);
            }
            "smithy.api#enumValue" => {
                t.enum_value =
                    Some(v.as_str().ok_or_else(|| bad("expected a string (intEnum is not supported)"))?.to_owned())
            }
            "smithy.api#timestampFormat" => match v.as_str() {
                Some(f @ ("epoch-seconds" | "date-time" | "http-date")) => t.timestamp_format = Some(f.to_owned()),
                _ => return Err(bad("unknown timestamp format")),
            },
            "smithy.api#deprecated" => t.deprecated = true,
            "aws.api#service" => {
                let sdk_id = v.get("sdkId").and_then(Value::as_str).ok_or_else(|| bad("missing sdkId"))?.to_owned();
                let endpoint_prefix = v.get("endpointPrefix").and_then(Value::as_str).unwrap_or(&sdk_id).to_owned();
                t.aws_service = Some(AwsService { sdk_id, endpoint_prefix });
            }
            "aws.auth#sigv4" => {
                t.sigv4_name =
                    Some(v.get("name").and_then(Value::as_str).ok_or_else(|| bad("missing name"))?.to_owned())
            }
            "aws.protocols#restJson1" => t.rest_json1 = true,
            "smithy.rules#endpointRuleSet" => t.endpoint_rule_set = Some(v.clone()),
            "smithy.rules#endpointTests" => t.endpoint_tests = Some(v.clone()),
            other if IGNORED_TRAITS.contains(&other) => {}
            other => return err(format!("{ctx}: trait {other} is not supported by the generator")),
        }
    }
    if t.http_error.is_none() {
        // Smithy's default status for an error without @httpError.
        t.http_error = match t.error.as_deref() {
            Some("client") => Some(400),
            Some(_) => Some(500),
            None => None,
        };
    }
    Ok(t)
}

fn bounds(v: &Value) -> Option<Bounds> {
    let obj = v.as_object()?;
    if obj.keys().any(|k| k != "min" && k != "max") {
        return None;
    }
    Some(Bounds {
        min: obj.get("min").and_then(Value::as_f64),
        max: obj.get("max").and_then(Value::as_f64),
        decimal: obj.values().any(Value::is_f64),
    })
}

/// The shapes a shape refers to.
pub fn references(shape: &Shape) -> Vec<String> {
    match &shape.ty {
        ShapeType::Structure(ms) | ShapeType::Union(ms) => ms.iter().map(|m| m.target.clone()).collect(),
        ShapeType::List(t) => vec![t.clone()],
        ShapeType::Map { key, value } => vec![key.clone(), value.clone()],
        ShapeType::Operation(op) => op.input.iter().chain(&op.output).chain(&op.errors).cloned().collect(),
        _ => Vec::new(),
    }
}

impl Model {
    pub fn shape(&self, id: &str) -> &Shape {
        // Every reference was resolved by `parse`; a miss is a generator bug.
        &self.shapes[id]
    }

    /// The operations of the service, in the model's order.
    pub fn operations(&self) -> impl Iterator<Item = (&Shape, &OperationShape)> {
        self.service.operations.iter().map(|id| {
            let shape = self.shape(id);
            match &shape.ty {
                ShapeType::Operation(op) => (shape, op),
                _ => unreachable!("service operation {id} is not an operation"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_traits_fail_loudly() {
        let model = r#"{"smithy":"2.0","shapes":{
            "a#S":{"type":"service","version":"1","operations":[{"target":"a#Op"}],
                "traits":{"aws.api#service":{"sdkId":"A"},"aws.auth#sigv4":{"name":"a"},"aws.protocols#restJson1":{}}},
            "a#Op":{"type":"operation","input":{"target":"a#In"},"traits":{"smithy.api#http":{"method":"GET","uri":"/"}}},
            "a#In":{"type":"structure","members":{"B":{"target":"smithy.api#String","traits":{"smithy.api#jsonName":"b"}}}}}}"#;
        let e = parse(model).unwrap_err();
        assert_eq!(e.to_string(), "a#In$B: trait smithy.api#jsonName is not supported by the generator");
    }

    #[test]
    fn unknown_shape_types_fail_loudly() {
        let model = r#"{"smithy":"2.0","shapes":{
            "a#S":{"type":"service","version":"1","operations":[{"target":"a#Op"}],
                "traits":{"aws.api#service":{"sdkId":"A"},"aws.auth#sigv4":{"name":"a"},"aws.protocols#restJson1":{}}},
            "a#Op":{"type":"operation","input":{"target":"a#In"},"traits":{"smithy.api#http":{"method":"GET","uri":"/"}}},
            "a#In":{"type":"structure","members":{"B":{"target":"a#Blob"}}},
            "a#Blob":{"type":"blob"}}}"#;
        let e = parse(model).unwrap_err();
        assert_eq!(e.to_string(), "a#Blob: shape type `blob` is not supported by the generator");
    }

    #[test]
    fn unsupported_prelude_fails_loudly() {
        let model = r#"{"smithy":"2.0","shapes":{
            "a#S":{"type":"service","version":"1","operations":[{"target":"a#Op"}],
                "traits":{"aws.api#service":{"sdkId":"A"},"aws.auth#sigv4":{"name":"a"},"aws.protocols#restJson1":{}}},
            "a#Op":{"type":"operation","input":{"target":"a#In"},"traits":{"smithy.api#http":{"method":"GET","uri":"/"}}},
            "a#In":{"type":"structure","members":{"B":{"target":"smithy.api#Document"}}}}}"#;
        let e = parse(model).unwrap_err();
        assert_eq!(
            e.to_string(),
            "shape smithy.api#Document is referenced but neither defined nor a supported prelude shape"
        );
    }
}
