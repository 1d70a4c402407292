//! Operations and the service: [`Operation`] (HTTP binding, input and output, errors, pagination,
//! examples), [`Example`], [`Paginated`], [`Http`] and [`Service`].

use super::Shape;
use super::stored::{Errors, Items, ShapeId, ShapeRef, Text};

/// An operation of the service.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub(super) name: Text,
    pub(super) cli_name: Text,
    pub(super) doc: Text,
    pub(super) method: Text,
    pub(super) uri: Text,
    pub(super) code: u16,
    pub(super) input: Option<ShapeRef>,
    pub(super) output: Option<ShapeRef>,
    pub(super) errors: Errors,
    pub(super) paginated: Option<Pages>,
    pub(super) examples: Items<Example>,
    pub(super) idempotent: bool,
    pub(super) input_schema: InputSchema,
}

/// Where an operation's input schema comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum InputSchema {
    /// None: a hand-built operation without one.
    None,
    /// This function (hand-built operations).
    Function(fn() -> schemars::Schema),
    /// The generated function that finds it by the operation's name (the generated tables,
    /// which hold no function pointers).
    Generated,
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
    pub(super) title: Text,
    pub(super) doc: Text,
    pub(super) input: Text,
    pub(super) output: Option<Text>,
}

impl Example {
    /// An example with this title and input (JSON text), no documentation and no output.
    pub const fn new(title: &'static str, input: &'static str) -> Example {
        Example { title: Text::Literal(title), doc: Text::Literal(""), input: Text::Literal(input), output: None }
    }

    /// The same example with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Example {
        self.doc = Text::Literal(doc);
        self
    }

    /// The same example returning this output (JSON text).
    pub const fn with_output(mut self, output: &'static str) -> Example {
        self.output = Some(Text::Literal(output));
        self
    }

    /// The example's title.
    pub fn title(&self) -> &'static str {
        self.title.get()
    }

    /// Plain text, paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc.get()
    }

    /// The input, as JSON text.
    pub fn input(&self) -> &'static str {
        self.input.get()
    }

    /// The output, as JSON text; absent when the example returns nothing.
    pub fn output(&self) -> Option<&'static str> {
        self.output.map(Text::get)
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

/// [`Paginated`] as stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pages {
    pub(super) input_token: Option<Text>,
    pub(super) output_token: Option<Text>,
    pub(super) items: Option<Text>,
    pub(super) page_size: Option<Text>,
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
    operations: Operations,
}

/// A service's operations: literal references, or the generated table.
#[derive(Debug, Clone, Copy)]
enum Operations {
    Literal(&'static [&'static Operation]),
    Table,
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
            operations: Operations::Literal(operations),
        }
    }

    /// The same service with the operations of the generated tables.
    pub(crate) const fn with_generated_operations(mut self) -> Service {
        self.operations = Operations::Table;
        self
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
        match self.operations {
            Operations::Literal(ops) => EachOperation::Literal(ops.iter()),
            Operations::Table => EachOperation::Table(crate::generated::TABLES.operations.iter()),
        }
    }

    /// The operation with this command-line name.
    pub fn operation(&self, cli_name: &str) -> Option<&'static Operation> {
        match self.operations {
            Operations::Literal(ops) => ops.binary_search_by(|op| op.cli_name().cmp(cli_name)).ok().map(|i| ops[i]),
            Operations::Table => {
                let ops = &crate::generated::TABLES.operations;
                ops.binary_search_by(|op| op.cli_name().cmp(cli_name)).ok().map(|i| &ops[i])
            }
        }
    }
}

/// The iterator of [`Service::operations`].
#[derive(Clone)]
enum EachOperation {
    Literal(std::slice::Iter<'static, &'static Operation>),
    Table(std::slice::Iter<'static, Operation>),
}

impl Iterator for EachOperation {
    type Item = &'static Operation;

    fn next(&mut self) -> Option<&'static Operation> {
        match self {
            EachOperation::Literal(it) => it.next().copied(),
            EachOperation::Table(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            EachOperation::Literal(it) => it.len(),
            EachOperation::Table(it) => it.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for EachOperation {}

impl Operation {
    /// An operation with this HTTP binding and nothing else: no documentation, input, output,
    /// errors, pagination or examples; builder methods add those.
    pub const fn new(name: &'static str, cli_name: &'static str, http: Http) -> Operation {
        Operation {
            name: Text::Literal(name),
            cli_name: Text::Literal(cli_name),
            doc: Text::Literal(""),
            method: Text::Literal(http.method),
            uri: Text::Literal(http.uri),
            code: http.code,
            input: None,
            output: None,
            errors: Errors::Literal(&[]),
            paginated: None,
            examples: Items::Literal(&[]),
            idempotent: false,
            input_schema: InputSchema::None,
        }
    }

    /// The same operation with this documentation.
    pub const fn with_doc(mut self, doc: &'static str) -> Operation {
        self.doc = Text::Literal(doc);
        self
    }

    /// The same operation with this input structure.
    pub const fn with_input(mut self, input: &'static Shape) -> Operation {
        self.input = Some(ShapeRef::Literal(input));
        self
    }

    /// The same operation with this input structure of the generated tables.
    pub(crate) const fn with_input_of(mut self, input: ShapeId) -> Operation {
        self.input = Some(ShapeRef::Table(input.0));
        self
    }

    /// The same operation with this output structure.
    pub const fn with_output(mut self, output: &'static Shape) -> Operation {
        self.output = Some(ShapeRef::Literal(output));
        self
    }

    /// The same operation with this output structure of the generated tables.
    pub(crate) const fn with_output_of(mut self, output: ShapeId) -> Operation {
        self.output = Some(ShapeRef::Table(output.0));
        self
    }

    /// The same operation with these modeled errors.
    pub const fn with_errors(mut self, errors: &'static [&'static Shape]) -> Operation {
        self.errors = Errors::Literal(errors);
        self
    }

    /// The same operation with these modeled errors of the generated tables.
    pub(crate) const fn with_errors_of(mut self, errors: &'static [ShapeId]) -> Operation {
        self.errors = Errors::Ids(errors);
        self
    }

    /// The same operation, paginated.
    pub const fn with_paginated(mut self, p: Paginated) -> Operation {
        self.paginated = Some(Pages {
            input_token: Text::optional(p.input_token),
            output_token: Text::optional(p.output_token),
            items: Text::optional(p.items),
            page_size: Text::optional(p.page_size),
        });
        self
    }

    /// The same operation with these examples.
    pub const fn with_examples(mut self, examples: &'static [Example]) -> Operation {
        self.examples = Items::Literal(examples);
        self
    }

    /// The same operation, `@idempotent`.
    pub const fn with_idempotent(mut self) -> Operation {
        self.idempotent = true;
        self
    }

    /// The same operation with the JSON Schema of its input.
    pub const fn with_input_schema(mut self, schema: fn() -> schemars::Schema) -> Operation {
        self.input_schema = InputSchema::Function(schema);
        self
    }

    /// The operation name (`ListInstances`).
    pub fn name(&self) -> &'static str {
        self.name.get()
    }

    /// The command name on the command line (`update-user-identity-info`).
    pub fn cli_name(&self) -> &'static str {
        self.cli_name.get()
    }

    /// Plain-text documentation, paragraphs separated by a blank line.
    pub fn doc(&self) -> &'static str {
        self.doc.get()
    }

    /// The `@http` trait.
    pub fn http(&self) -> Http {
        Http { method: self.method.get(), uri: self.uri.get(), code: self.code }
    }

    /// The input structure, absent when the model says `smithy.api#Unit`.
    pub fn input(&self) -> Option<&'static Shape> {
        self.input.map(ShapeRef::get)
    }

    /// The output structure, absent when the model says `smithy.api#Unit`.
    pub fn output(&self) -> Option<&'static Shape> {
        self.output.map(ShapeRef::get)
    }

    /// The modeled error structures, in model order.
    pub fn errors(&self) -> impl ExactSizeIterator<Item = &'static Shape> + Clone + 'static {
        self.errors.get()
    }

    /// The `@paginated` trait, merged with the service's defaults.
    pub fn paginated(&self) -> Option<Paginated> {
        self.paginated.map(|p| Paginated {
            input_token: p.input_token.map(Text::get),
            output_token: p.output_token.map(Text::get),
            items: p.items.map(Text::get),
            page_size: p.page_size.map(Text::get),
        })
    }

    /// `@examples`, for the help page.
    pub fn examples(&self) -> &'static [Example] {
        self.examples.get()
    }

    /// `@idempotent`.
    pub fn idempotent(&self) -> bool {
        self.idempotent
    }

    /// The JSON Schema of the input, from the generated Rust type; absent for hand-built operations
    /// built without one.
    pub fn input_schema(&self) -> Option<schemars::Schema> {
        match self.input_schema {
            InputSchema::None => None,
            InputSchema::Function(f) => Some(f()),
            InputSchema::Generated => crate::generated::operations::input_schema(self.name()),
        }
    }
}
