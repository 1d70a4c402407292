//! Static description of the API, as `cargo xtask codegen` writes it from the Smithy model.
//!
//! Everything operation-specific reaches the runtime through these types: the generated tables in
//! [`crate::generated`] are `static` values of them, so reading them costs nothing at start-up.
//! Their fields are private: read them with the accessor methods (`shape.name()`,
//! `member.target()`, `op.input()`, …), and build test fixtures with the `const` constructors
//! (`Shape::new(…).with_doc(…)`), where shapes refer to each other by `&'static` reference, which
//! lets recursive shapes be described directly. The generated tables are stored without pointers
//! (`model/stored.rs` says how and why); the accessors give the same `&'static` views of either.

mod operation;
mod stored;
mod tables;

pub use operation::{Example, Http, Operation, Paginated, Service};
pub use stored::{OperationId, ShapeId};
pub(crate) use tables::{Counts, Tables};

use stored::{Form, ShapeRef, Text};

/// A shape of the model, reduced to what the runtime needs.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    name: Text,
    form: Form,
    doc: Text,
    length: Option<Bounds>,
    range: Option<Bounds>,
    pattern: Option<Text>,
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
#[derive(Debug, Clone, Copy)]
pub struct EnumValue {
    name: Text,
    value: Text,
    doc: Text,
}

impl EnumValue {
    /// An enum value with no documentation.
    pub const fn new(name: &'static str, value: &'static str) -> EnumValue {
        EnumValue { name: Text::Literal(name), value: Text::Literal(value), doc: Text::Literal("") }
    }

    /// The same value with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> EnumValue {
        self.doc = Text::Literal(doc);
        self
    }

    /// The member name in the model (`ROUTABLE`).
    pub fn name(&self) -> &'static str {
        self.name.get()
    }

    /// The value on the wire (`@enumValue`).
    pub fn value(&self) -> &'static str {
        self.value.get()
    }

    /// Plain-text documentation, empty when there is none.
    pub fn doc(&self) -> &'static str {
        self.doc.get()
    }
}

/// A member of a structure or union.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    name: Text,
    cli_name: Text,
    target: ShapeRef,
    doc: Text,
    required: bool,
    location: Place,
    default: Option<Text>,
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

/// [`Location`] as stored.
#[derive(Debug, Clone, Copy)]
enum Place {
    Body,
    Label,
    Query(Text),
    Header(Text),
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

impl Shape {
    /// A shape with no documentation and no traits; the generated tables add those with the
    /// builder methods below.
    pub const fn new(name: &'static str, kind: Kind) -> Shape {
        Shape {
            name: Text::Literal(name),
            form: Form::of(kind),
            doc: Text::Literal(""),
            length: None,
            range: None,
            pattern: None,
            decimal_bounds: false,
            sensitive: false,
            error: None,
        }
    }

    /// A list of a shape of the generated tables.
    pub(crate) const fn list_of(name: &'static str, member: ShapeId) -> Shape {
        let mut shape = Shape::new(name, Kind::String);
        shape.form = Form::List(ShapeRef::Table(member.0));
        shape
    }

    /// A map between shapes of the generated tables.
    pub(crate) const fn map_of(name: &'static str, key: ShapeId, value: ShapeId) -> Shape {
        let mut shape = Shape::new(name, Kind::String);
        shape.form = Form::Map { key: ShapeRef::Table(key.0), value: ShapeRef::Table(value.0) };
        shape
    }

    /// The same shape with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Shape {
        self.doc = Text::Literal(doc);
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
        self.pattern = Some(Text::Literal(pattern));
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
        self.name.get()
    }

    /// The shape's type and what it is made of.
    pub fn kind(&self) -> Kind {
        self.form.kind()
    }

    /// Plain-text documentation (markup removed), paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc.get()
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
        self.pattern.map(Text::get)
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
        match self.form {
            Form::Structure(members) | Form::Union(members) => members.get(),
            _ => &[],
        }
    }

    /// The member called `name`, if this is a structure or union that has one.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members().iter().find(|m| m.name() == name)
    }

    /// The Smithy type name (`structure`, `string`, …).
    pub fn type_name(&self) -> &'static str {
        match self.form {
            Form::String => "string",
            Form::Enum(_) => "enum",
            Form::Integer => "integer",
            Form::Long => "long",
            Form::Boolean => "boolean",
            Form::Float => "float",
            Form::Double => "double",
            Form::Timestamp(_) => "timestamp",
            Form::Structure(_) => "structure",
            Form::Union(_) => "union",
            Form::List(_) => "list",
            Form::Map { .. } => "map",
        }
    }
}

impl Member {
    /// An optional body member with no documentation; builder methods add the rest.
    pub const fn new(name: &'static str, cli_name: &'static str, target: &'static Shape) -> Member {
        Member::with_target(name, cli_name, ShapeRef::Literal(target))
    }

    /// An optional body member of a shape of the generated tables.
    pub(crate) const fn of(name: &'static str, cli_name: &'static str, target: ShapeId) -> Member {
        Member::with_target(name, cli_name, ShapeRef::Table(target.0))
    }

    const fn with_target(name: &'static str, cli_name: &'static str, target: ShapeRef) -> Member {
        Member {
            name: Text::Literal(name),
            cli_name: Text::Literal(cli_name),
            target,
            doc: Text::Literal(""),
            required: false,
            location: Place::Body,
            default: None,
            idempotency_token: false,
            deprecated: false,
        }
    }

    /// The same member with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Member {
        self.doc = Text::Literal(doc);
        self
    }

    /// The same member, `@required`.
    pub const fn with_required(mut self) -> Member {
        self.required = true;
        self
    }

    /// The same member with this HTTP binding.
    pub const fn with_location(mut self, location: Location) -> Member {
        self.location = match location {
            Location::Body => Place::Body,
            Location::Label => Place::Label,
            Location::Query(name) => Place::Query(Text::Literal(name)),
            Location::Header(name) => Place::Header(Text::Literal(name)),
        };
        self
    }

    /// The same member with a `@default` (JSON text).
    pub const fn with_default(mut self, json: &'static str) -> Member {
        self.default = Some(Text::Literal(json));
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
        self.name.get()
    }

    /// The option name on the command line, without dashes (`first-name`).
    pub fn cli_name(&self) -> &'static str {
        self.cli_name.get()
    }

    /// The shape of the member's value.
    pub fn target(&self) -> &'static Shape {
        self.target.get()
    }

    /// Plain-text documentation, paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc.get()
    }

    /// `@required`.
    pub fn required(&self) -> bool {
        self.required
    }

    /// Whether the command line must give this top-level member: `@required` and not an
    /// `@idempotencyToken`, which the AWS CLI fills with a random UUID when it is left out (its
    /// `_create_argument_table`). Help's synopsis and `[required]` marks, the missing-argument
    /// check and the prompt all ask this.
    pub fn required_argument(&self) -> bool {
        self.required && !self.idempotency_token
    }

    /// Where the member goes in an HTTP request.
    pub fn location(&self) -> Location {
        match self.location {
            Place::Body => Location::Body,
            Place::Label => Location::Label,
            Place::Query(name) => Location::Query(name.get()),
            Place::Header(name) => Location::Header(name.get()),
        }
    }

    /// `@default`, as JSON text.
    pub fn default(&self) -> Option<&'static str> {
        self.default.map(Text::get)
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
