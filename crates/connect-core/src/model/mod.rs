//! Static description of the API, as `cargo xtask codegen` writes it from the Smithy model.
//!
//! Everything operation-specific reaches the runtime through these types: the generated tables in
//! [`crate::generated`] are `static` values of them, so reading them costs nothing at start-up.
//! Their fields are private: read them with the accessor methods (`shape.name()`,
//! `member.target()`, `op.input()`, …), and build test fixtures with the `const` constructors
//! (`Shape::new(…).with_doc(…)`). Shapes refer to each other by `&'static` reference, which lets
//! recursive shapes be described directly.

/// A shape of the model, reduced to what the runtime needs.
#[derive(Debug)]
pub struct Shape {
    name: &'static str,
    kind: Kind,
    doc: &'static str,
    length: Option<Bounds>,
    range: Option<Bounds>,
    pattern: Option<&'static str>,
    decimal_bounds: bool,
    sensitive: bool,
    error: Option<ErrorTrait>,
}

/// The type of a shape and what it is made of.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string.
    String,
    /// A string limited to the listed values.
    Enum(&'static [EnumValue]),
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// `true` or `false`.
    Boolean,
    /// A 32-bit floating-point number.
    Float,
    /// A 64-bit floating-point number.
    Double,
    /// A point in time, written as the format says.
    Timestamp(TimestampFormat),
    /// A structure with these members, in model order.
    Structure(&'static [Member]),
    /// A union: exactly one of these members is set.
    Union(&'static [Member]),
    /// A list of values of this shape.
    List(&'static Shape),
    /// A map from keys of one shape to values of another.
    Map {
        /// The shape of the keys (a string or an enum).
        key: &'static Shape,
        /// The shape of the values.
        value: &'static Shape,
    },
}

/// One value of an enum shape.
#[derive(Debug)]
pub struct EnumValue {
    name: &'static str,
    value: &'static str,
    doc: &'static str,
}

impl EnumValue {
    /// An enum value with no documentation.
    pub const fn new(name: &'static str, value: &'static str) -> EnumValue {
        EnumValue { name, value, doc: "" }
    }

    /// The same value with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> EnumValue {
        self.doc = doc;
        self
    }

    /// The member name in the model (`ROUTABLE`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The value on the wire (`@enumValue`).
    pub fn value(&self) -> &'static str {
        self.value
    }

    /// Plain-text documentation, empty when there is none.
    pub fn doc(&self) -> &'static str {
        self.doc
    }
}

/// A member of a structure or union.
#[derive(Debug)]
pub struct Member {
    name: &'static str,
    cli_name: &'static str,
    target: &'static Shape,
    doc: &'static str,
    required: bool,
    location: Location,
    default: Option<&'static str>,
    idempotency_token: bool,
    deprecated: bool,
}

/// The HTTP binding of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A member of the JSON body.
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
    /// The smallest allowed value or length, if any.
    pub min: Option<f64>,
    /// The largest allowed value or length, if any.
    pub max: Option<f64>,
}

/// How a timestamp is written where the protocol leaves the choice to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// The protocol's default for the location.
    Default,
    /// Seconds since the epoch, as a number (`@timestampFormat("epoch-seconds")`).
    EpochSeconds,
    /// RFC 3339 date and time (`@timestampFormat("date-time")`).
    DateTime,
    /// RFC 7231 HTTP date (`@timestampFormat("http-date")`).
    HttpDate,
}

/// `@error` and `@httpError` of an error structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorTrait {
    /// Whether the client or the server is at fault.
    pub fault: Fault,
    /// The HTTP status code of the error response.
    pub http_status: u16,
}

/// Who is at fault for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request was wrong (`@error("client")`).
    Client,
    /// The service failed (`@error("server")`).
    Server,
}

/// An operation of the service.
#[derive(Debug)]
pub struct Operation {
    name: &'static str,
    cli_name: &'static str,
    doc: &'static str,
    http: Http,
    input: Option<&'static Shape>,
    output: Option<&'static Shape>,
    errors: &'static [&'static Shape],
    paginated: Option<Paginated>,
    examples: &'static [Example],
    idempotent: bool,
    input_schema: Option<fn() -> schemars::Schema>,
}

/// The `@http` trait of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Http {
    /// The HTTP method (`POST`).
    pub method: &'static str,
    /// The URI template, such as `/users/{InstanceId}/{UserId}/identity-info`.
    pub uri: &'static str,
    /// The HTTP status code of a successful response.
    pub code: u16,
}

/// One of an operation's `@examples`: a titled, described input and what it returns.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    title: &'static str,
    doc: &'static str,
    input: &'static str,
    output: Option<&'static str>,
}

impl Example {
    /// An example with this title and input (JSON text), no documentation and no output.
    pub const fn new(title: &'static str, input: &'static str) -> Example {
        Example { title, doc: "", input, output: None }
    }

    /// The same example with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Example {
        self.doc = doc;
        self
    }

    /// The same example returning this output (JSON text).
    pub const fn with_output(mut self, output: &'static str) -> Example {
        self.output = Some(output);
        self
    }

    /// The example's title.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// Plain text, paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// The input, as JSON text.
    pub fn input(&self) -> &'static str {
        self.input
    }

    /// The output, as JSON text; absent when the example returns nothing.
    pub fn output(&self) -> Option<&'static str> {
        self.output
    }
}

/// The `@paginated` trait, merged with the service's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Paginated {
    /// The input member that takes the next page's token.
    pub input_token: Option<&'static str>,
    /// The output member (a JMESPath-like path) that holds the next page's token.
    pub output_token: Option<&'static str>,
    /// The output member (a path) that holds the page's items.
    pub items: Option<&'static str>,
    /// The input member that limits the page size.
    pub page_size: Option<&'static str>,
}

/// The service shape: identity, signing, and endpoint rules.
#[derive(Debug)]
pub struct Service {
    name: &'static str,
    version: &'static str,
    sdk_id: &'static str,
    endpoint_prefix: &'static str,
    signing_name: &'static str,
    doc: &'static str,
    endpoint_rule_set: &'static str,
    endpoint_tests: &'static str,
    operations: &'static [&'static Operation],
}

impl Service {
    /// A service with these identities and operations (sorted by [`Operation::cli_name`]), no
    /// documentation and empty endpoint rules.
    pub const fn new(
        name: &'static str,
        version: &'static str,
        sdk_id: &'static str,
        endpoint_prefix: &'static str,
        signing_name: &'static str,
        operations: &'static [&'static Operation],
    ) -> Service {
        Service {
            name,
            version,
            sdk_id,
            endpoint_prefix,
            signing_name,
            doc: "",
            endpoint_rule_set: "{}",
            endpoint_tests: "{}",
            operations,
        }
    }

    /// The same service with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Service {
        self.doc = doc;
        self
    }

    /// The same service with these endpoint rules and endpoint tests (JSON documents).
    pub const fn with_endpoint_rules(mut self, rule_set: &'static str, tests: &'static str) -> Service {
        self.endpoint_rule_set = rule_set;
        self.endpoint_tests = tests;
        self
    }

    /// The service shape's name (`AmazonConnectService`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The API version (`2017-08-08`).
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The SDK identifier (`Connect`).
    pub fn sdk_id(&self) -> &'static str {
        self.sdk_id
    }

    /// The endpoint prefix (`connect`).
    pub fn endpoint_prefix(&self) -> &'static str {
        self.endpoint_prefix
    }

    /// The SigV4 signing name (`aws.auth#sigv4`).
    pub fn signing_name(&self) -> &'static str {
        self.signing_name
    }

    /// Plain-text documentation of the service.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// The `smithy.rules#endpointRuleSet` document, as JSON text.
    pub fn endpoint_rule_set(&self) -> &'static str {
        self.endpoint_rule_set
    }

    /// The `smithy.rules#endpointTests` document, as JSON text.
    pub fn endpoint_tests(&self) -> &'static str {
        self.endpoint_tests
    }

    /// Every operation, sorted by [`Operation::cli_name`].
    pub fn operations(&self) -> impl ExactSizeIterator<Item = &'static Operation> + Clone + 'static {
        self.operations.iter().copied()
    }

    /// The operation with this command-line name.
    pub fn operation(&self, cli_name: &str) -> Option<&'static Operation> {
        let ops = self.operations;
        ops.binary_search_by(|op| op.cli_name.cmp(cli_name)).ok().map(|i| ops[i])
    }
}

impl Operation {
    /// An operation with this HTTP binding and nothing else: no documentation, input, output,
    /// errors, pagination or examples; builder methods add those.
    pub const fn new(name: &'static str, cli_name: &'static str, http: Http) -> Operation {
        Operation {
            name,
            cli_name,
            doc: "",
            http,
            input: None,
            output: None,
            errors: &[],
            paginated: None,
            examples: &[],
            idempotent: false,
            input_schema: None,
        }
    }

    /// The same operation with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Operation {
        self.doc = doc;
        self
    }

    /// The same operation with this input structure.
    pub const fn with_input(mut self, input: &'static Shape) -> Operation {
        self.input = Some(input);
        self
    }

    /// The same operation with this output structure.
    pub const fn with_output(mut self, output: &'static Shape) -> Operation {
        self.output = Some(output);
        self
    }

    /// The same operation with these modeled errors.
    pub const fn with_errors(mut self, errors: &'static [&'static Shape]) -> Operation {
        self.errors = errors;
        self
    }

    /// The same operation, paginated.
    pub const fn with_paginated(mut self, paginated: Paginated) -> Operation {
        self.paginated = Some(paginated);
        self
    }

    /// The same operation with these examples.
    pub const fn with_examples(mut self, examples: &'static [Example]) -> Operation {
        self.examples = examples;
        self
    }

    /// The same operation, `@idempotent`.
    pub const fn with_idempotent(mut self) -> Operation {
        self.idempotent = true;
        self
    }

    /// The same operation with the JSON Schema of its input.
    pub const fn with_input_schema(mut self, schema: fn() -> schemars::Schema) -> Operation {
        self.input_schema = Some(schema);
        self
    }

    /// The operation name (`ListInstances`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The command name on the command line (`update-user-identity-info`).
    pub fn cli_name(&self) -> &'static str {
        self.cli_name
    }

    /// Plain-text documentation, paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// The `@http` trait.
    pub fn http(&self) -> Http {
        self.http
    }

    /// The input structure, absent when the model says `smithy.api#Unit`.
    pub fn input(&self) -> Option<&'static Shape> {
        self.input
    }

    /// The output structure, absent when the model says `smithy.api#Unit`.
    pub fn output(&self) -> Option<&'static Shape> {
        self.output
    }

    /// The modeled error structures, in model order.
    pub fn errors(&self) -> impl ExactSizeIterator<Item = &'static Shape> + Clone + 'static {
        self.errors.iter().copied()
    }

    /// The `@paginated` trait, merged with the service's defaults.
    pub fn paginated(&self) -> Option<Paginated> {
        self.paginated
    }

    /// `@examples`, for the help page.
    pub fn examples(&self) -> &'static [Example] {
        self.examples
    }

    /// `@idempotent`.
    pub fn idempotent(&self) -> bool {
        self.idempotent
    }

    /// The JSON Schema of the input, from the generated Rust type; absent for hand-built operations.
    pub fn input_schema(&self) -> Option<schemars::Schema> {
        self.input_schema.map(|f| f())
    }
}

impl Shape {
    /// A shape with no documentation and no traits; the generated tables add those with the
    /// builder methods below.
    pub const fn new(name: &'static str, kind: Kind) -> Shape {
        Shape {
            name,
            kind,
            doc: "",
            length: None,
            range: None,
            pattern: None,
            decimal_bounds: false,
            sensitive: false,
            error: None,
        }
    }

    /// The same shape with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Shape {
        self.doc = doc;
        self
    }

    /// The same shape with a `@length` trait.
    pub const fn with_length(mut self, min: Option<f64>, max: Option<f64>) -> Shape {
        self.length = Some(Bounds { min, max });
        self
    }

    /// The same shape with a `@range` trait.
    pub const fn with_range(mut self, min: Option<f64>, max: Option<f64>) -> Shape {
        self.range = Some(Bounds { min, max });
        self
    }

    /// The same shape, whose `@length` or `@range` bounds the model writes as decimals (`1.0`
    /// rather than `1`), as the AWS CLI then prints them.
    pub const fn with_decimal_bounds(mut self) -> Shape {
        self.decimal_bounds = true;
        self
    }

    /// The same shape with a `@pattern` trait.
    pub const fn with_pattern(mut self, pattern: &'static str) -> Shape {
        self.pattern = Some(pattern);
        self
    }

    /// The same shape, `@sensitive`.
    pub const fn with_sensitive(mut self) -> Shape {
        self.sensitive = true;
        self
    }

    /// The same shape with `@error` and `@httpError` traits.
    pub const fn with_error(mut self, fault: Fault, http_status: u16) -> Shape {
        self.error = Some(ErrorTrait { fault, http_status });
        self
    }

    /// The shape's name without its namespace (`InstanceSummary`, `String`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The shape's type and what it is made of.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Plain-text documentation (markup removed), paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// `@length`: characters of a string, entries of a list or map.
    pub fn length(&self) -> Option<Bounds> {
        self.length
    }

    /// `@range`: bounds of a number.
    pub fn range(&self) -> Option<Bounds> {
        self.range
    }

    /// Whether the model writes the `@length` or `@range` bounds as decimals (`1.0`, not `1`).
    pub fn decimal_bounds(&self) -> bool {
        self.decimal_bounds
    }

    /// `@pattern`, kept for documentation only: the model's patterns are not reliable enough to enforce.
    pub fn pattern(&self) -> Option<&'static str> {
        self.pattern
    }

    /// `@sensitive`: values of this shape are never printed.
    pub fn sensitive(&self) -> bool {
        self.sensitive
    }

    /// `@error` and `@httpError`, for error structures.
    pub fn error(&self) -> Option<ErrorTrait> {
        self.error
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
        self.members().iter().find(|m| m.name() == name)
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

    /// The same member with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Member {
        self.doc = doc;
        self
    }

    /// The same member, `@required`.
    pub const fn with_required(mut self) -> Member {
        self.required = true;
        self
    }

    /// The same member with this HTTP binding.
    pub const fn with_location(mut self, location: Location) -> Member {
        self.location = location;
        self
    }

    /// The same member with a `@default` (JSON text).
    pub const fn with_default(mut self, json: &'static str) -> Member {
        self.default = Some(json);
        self
    }

    /// The same member, `@idempotencyToken`.
    pub const fn with_idempotency_token(mut self) -> Member {
        self.idempotency_token = true;
        self
    }

    /// The same member, `@deprecated`.
    pub const fn with_deprecated(mut self) -> Member {
        self.deprecated = true;
        self
    }

    /// The member name, which is also its JSON key (`InstanceId`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The option name on the command line, without dashes (`first-name`).
    pub fn cli_name(&self) -> &'static str {
        self.cli_name
    }

    /// The shape of the member's value.
    pub fn target(&self) -> &'static Shape {
        self.target
    }

    /// Plain-text documentation, paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    /// `@required`.
    pub fn required(&self) -> bool {
        self.required
    }

    /// Where the member goes in an HTTP request.
    pub fn location(&self) -> Location {
        self.location
    }

    /// `@default`, as JSON text.
    pub fn default(&self) -> Option<&'static str> {
        self.default
    }

    /// `@idempotencyToken`: filled with a fresh UUID when not given.
    pub fn idempotency_token(&self) -> bool {
        self.idempotency_token
    }

    /// `@deprecated`.
    pub fn deprecated(&self) -> bool {
        self.deprecated
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
