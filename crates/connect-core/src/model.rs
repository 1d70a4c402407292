//! Static description of the API, as `cargo xtask codegen` writes it from the Smithy model.
//!
//! Everything operation-specific reaches the runtime through these types: the generated tables in
//! [`crate::generated`] are `static` values of them, so reading them costs nothing at start-up.
//! Shapes refer to each other by `&'static` reference, which lets recursive shapes be described
//! directly.

/// A shape of the model, reduced to what the runtime needs.
#[derive(Debug)]
pub struct Shape {
    /// The shape's name without its namespace (`InstanceSummary`, `String`).
    pub name: &'static str,
    pub kind: Kind,
    /// Plain-text documentation (markup removed), paragraphs separated by a blank line.
    pub doc: &'static str,
    /// `@length`: characters of a string, entries of a list or map.
    pub length: Option<Bounds>,
    /// `@range`: bounds of a number.
    pub range: Option<Bounds>,
    /// `@pattern`, kept for documentation only: the model's patterns are not reliable enough to enforce.
    pub pattern: Option<&'static str>,
    /// `@sensitive`: values of this shape are never printed.
    pub sensitive: bool,
    /// `@error` and `@httpError`, for error structures.
    pub error: Option<ErrorTrait>,
}

/// The type of a shape and what it is made of.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    String,
    Enum(&'static [EnumValue]),
    Integer,
    Long,
    Boolean,
    Float,
    Double,
    Timestamp(TimestampFormat),
    Structure(&'static [Member]),
    Union(&'static [Member]),
    List(&'static Shape),
    Map { key: &'static Shape, value: &'static Shape },
}

/// One value of an enum shape.
#[derive(Debug)]
pub struct EnumValue {
    /// The member name in the model (`ROUTABLE`).
    pub name: &'static str,
    /// The value on the wire (`@enumValue`).
    pub value: &'static str,
    pub doc: &'static str,
}

impl EnumValue {
    /// An enum value with no documentation.
    pub const fn new(name: &'static str, value: &'static str) -> EnumValue {
        EnumValue { name, value, doc: "" }
    }

    pub const fn doc(mut self, doc: &'static str) -> EnumValue {
        self.doc = doc;
        self
    }
}

/// A member of a structure or union.
#[derive(Debug)]
pub struct Member {
    /// The member name, which is also its JSON key (`InstanceId`).
    pub name: &'static str,
    /// The option name on the command line, without dashes (`first-name`).
    pub cli_name: &'static str,
    pub target: &'static Shape,
    pub doc: &'static str,
    pub required: bool,
    /// Where the member goes in an HTTP request.
    pub location: Location,
    /// `@default`, as JSON text.
    pub default: Option<&'static str>,
    /// `@idempotencyToken`: filled with a fresh UUID when not given.
    pub idempotency_token: bool,
    pub deprecated: bool,
}

/// The HTTP binding of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Body,
    /// `@httpLabel`: a `{Name}` segment of the URI.
    Label,
    /// `@httpQuery("name")`.
    Query(&'static str),
    /// `@httpHeader("name")`.
    Header(&'static str),
}

/// Inclusive bounds of a `@length` or `@range` trait; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// How a timestamp is written where the protocol leaves the choice to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// The protocol's default for the location.
    Default,
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// `@error` and `@httpError` of an error structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorTrait {
    pub fault: Fault,
    pub http_status: u16,
}

/// Who is at fault for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

/// An operation of the service.
#[derive(Debug)]
pub struct Operation {
    /// The operation name (`ListInstances`).
    pub name: &'static str,
    /// The command name on the command line (`update-user-identity-info`).
    pub cli_name: &'static str,
    pub doc: &'static str,
    pub http: Http,
    /// The input structure, absent when the model says `smithy.api#Unit`.
    pub input: Option<&'static Shape>,
    /// The output structure, absent when the model says `smithy.api#Unit`.
    pub output: Option<&'static Shape>,
    pub errors: &'static [&'static Shape],
    pub paginated: Option<Paginated>,
    /// `@examples`, for the help page.
    pub examples: &'static [Example],
    /// `@idempotent`.
    pub idempotent: bool,
    /// The JSON Schema of the input, from the generated Rust type.
    pub input_schema: Option<fn() -> schemars::Schema>,
}

/// The `@http` trait of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Http {
    pub method: &'static str,
    /// The URI template, such as `/users/{InstanceId}/{UserId}/identity-info`.
    pub uri: &'static str,
    pub code: u16,
}

/// One of an operation's `@examples`: a titled, described input and what it returns.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub title: &'static str,
    /// Plain text, paragraphs separated by a blank line.
    pub doc: &'static str,
    /// The input, as JSON text.
    pub input: &'static str,
    /// The output, as JSON text; absent when the example returns nothing.
    pub output: Option<&'static str>,
}

/// The `@paginated` trait, merged with the service's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Paginated {
    pub input_token: Option<&'static str>,
    pub output_token: Option<&'static str>,
    pub items: Option<&'static str>,
    pub page_size: Option<&'static str>,
}

/// The service shape: identity, signing, and endpoint rules.
#[derive(Debug)]
pub struct Service {
    pub name: &'static str,
    pub version: &'static str,
    pub sdk_id: &'static str,
    pub endpoint_prefix: &'static str,
    /// The SigV4 signing name (`aws.auth#sigv4`).
    pub signing_name: &'static str,
    pub doc: &'static str,
    /// The `smithy.rules#endpointRuleSet` document, as JSON text.
    pub endpoint_rule_set: &'static str,
    /// The `smithy.rules#endpointTests` document, as JSON text.
    pub endpoint_tests: &'static str,
    /// Every operation, sorted by [`Operation::cli_name`].
    pub operations: &'static [&'static Operation],
}

impl Service {
    /// The operation with this command-line name.
    pub fn operation(&self, cli_name: &str) -> Option<&'static Operation> {
        let ops = self.operations;
        ops.binary_search_by(|op| op.cli_name.cmp(cli_name)).ok().map(|i| ops[i])
    }
}

impl Shape {
    /// A shape with no documentation and no traits; the generated tables add those with the
    /// builder methods below.
    pub const fn new(name: &'static str, kind: Kind) -> Shape {
        Shape { name, kind, doc: "", length: None, range: None, pattern: None, sensitive: false, error: None }
    }

    pub const fn doc(mut self, doc: &'static str) -> Shape {
        self.doc = doc;
        self
    }

    pub const fn length(mut self, min: Option<f64>, max: Option<f64>) -> Shape {
        self.length = Some(Bounds { min, max });
        self
    }

    pub const fn range(mut self, min: Option<f64>, max: Option<f64>) -> Shape {
        self.range = Some(Bounds { min, max });
        self
    }

    pub const fn pattern(mut self, pattern: &'static str) -> Shape {
        self.pattern = Some(pattern);
        self
    }

    pub const fn sensitive(mut self) -> Shape {
        self.sensitive = true;
        self
    }

    pub const fn error(mut self, fault: Fault, http_status: u16) -> Shape {
        self.error = Some(ErrorTrait { fault, http_status });
        self
    }

    /// The members of a structure or union; empty for every other kind.
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            Kind::Structure(members) | Kind::Union(members) => members,
            _ => &[],
        }
    }

    /// The member called `name`, if this is a structure or union that has one.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members().iter().find(|m| m.name == name)
    }

    /// The Smithy type name (`structure`, `string`, …).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::String => "string",
            Kind::Enum(_) => "enum",
            Kind::Integer => "integer",
            Kind::Long => "long",
            Kind::Boolean => "boolean",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Timestamp(_) => "timestamp",
            Kind::Structure(_) => "structure",
            Kind::Union(_) => "union",
            Kind::List(_) => "list",
            Kind::Map { .. } => "map",
        }
    }
}

impl Member {
    /// An optional body member with no documentation; builder methods add the rest.
    pub const fn new(name: &'static str, cli_name: &'static str, target: &'static Shape) -> Member {
        Member {
            name,
            cli_name,
            target,
            doc: "",
            required: false,
            location: Location::Body,
            default: None,
            idempotency_token: false,
            deprecated: false,
        }
    }

    pub const fn doc(mut self, doc: &'static str) -> Member {
        self.doc = doc;
        self
    }

    pub const fn required(mut self) -> Member {
        self.required = true;
        self
    }

    pub const fn location(mut self, location: Location) -> Member {
        self.location = location;
        self
    }

    pub const fn default(mut self, json: &'static str) -> Member {
        self.default = Some(json);
        self
    }

    pub const fn idempotency_token(mut self) -> Member {
        self.idempotency_token = true;
        self
    }

    pub const fn deprecated(mut self) -> Member {
        self.deprecated = true;
        self
    }
}

/// The first sentence of a documentation text, as the AWS CLI shows it in comments and summaries:
/// up to the first `.` or `:`, ending with `.`; empty when there is no documentation.
pub fn doc_overview(doc: &str) -> String {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return flat;
    }
    let end = flat.find(['.', ':']).unwrap_or(flat.len());
    format!("{}.", &flat[..end])
}

#[cfg(test)]
mod tests {
    use super::doc_overview;

    #[test]
    fn overview_is_the_first_sentence() {
        assert_eq!(doc_overview("The first name. This is required."), "The first name.");
        assert_eq!(doc_overview("Pattern: x. More"), "Pattern.");
        assert_eq!(doc_overview("No full stop"), "No full stop.");
        assert_eq!(doc_overview("  two\n  lines.  "), "two lines.");
        assert_eq!(doc_overview(""), "");
    }
}
