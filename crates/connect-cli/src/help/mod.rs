//! Help pages generated from the model, as plain text: `aws-connect help` for the service and
//! `aws-connect <operation> help` for one operation.
//!
//! The layout is that of the AWS CLI v2's reference pages (`awscli/clidocs.py`), rendered as text:
//! headings on their own line, paragraphs separated by one blank line, nested members indented two
//! spaces per level below the first. The shorthand and JSON examples follow the AWS CLI's
//! `ParamShorthandDocGen` (`awscli/argprocess.py`) and `OperationDocumentEventHandler._json_example`.
//! Only the page asked for is built.

use connect_core::compat::json_dumps::{Style, to_pretty};
use connect_core::input::validate::bound_text;
use connect_core::model::{Example, Kind, Member, Operation, Service, Shape};
use serde_json::{Map, Value};

use crate::cmdline::argument_text;

mod syntax;
use crate::command::GLOBALS;
use syntax::syntax;

/// The binary's name, used where the AWS CLI says `aws`.
const PROGRAM: &str = "aws-connect";

/// The target of the "See also" link of an operation page.
const WEB_API_DOC_BASE: &str = "https://docs.aws.amazon.com/goto/WebAPI";

/// Where the AWS CLI's reference page points to the global options.
const SEE_GLOBALS: &str = "See 'aws-connect help' for descriptions of global parameters.";

/// The AWS CLI's text for `--cli-input-json | --cli-input-yaml`.
const CLI_INPUT_DOC: &str = "--cli-input-json | --cli-input-yaml (string) Reads arguments from the JSON string \
    provided. The JSON string follows the format provided by --generate-cli-skeleton. If other arguments are \
    provided on the command line, those values will override the JSON-provided values. It is not possible to pass \
    arbitrary binary values using a JSON-provided value as the string will be taken literally. This may not be \
    specified along with --cli-input-yaml.";

/// The AWS CLI's text for `--generate-cli-skeleton`.
const SKELETON_DOC: &str = "--generate-cli-skeleton (string) Prints a JSON skeleton to standard output without \
    sending an API request. If provided with no value or the value input, prints a sample input JSON that can be \
    used as an argument for --cli-input-json. Similarly, if provided yaml-input it will print a sample input YAML \
    that can be used with --cli-input-yaml. If provided with the value output, it validates the command inputs and \
    returns a sample output JSON for that command.";

/// The AWS CLI's text for `--cli-auto-prompt`.
const AUTO_PROMPT_DOC: &str = "--cli-auto-prompt (boolean) Automatically prompt for CLI input parameters.";

/// What a page says in place of examples when the model has none.
const NO_EXAMPLES: &str = "No examples are available for this command.";

/// The shorthand syntax gives up on shapes nested deeper than this (`ParamShorthandDocGen._MAX_STACK`).
const SHORTHAND_MAX_STACK: usize = 3;

/// A page under construction: paragraphs (blocks of lines) separated by one blank line.
#[derive(Default)]
struct Page {
    blocks: Vec<String>,
}

impl Page {
    /// Adds a paragraph unless it is empty.
    fn block(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.blocks.push(text);
        }
    }

    /// Adds a documentation text (paragraphs separated by blank lines), indented.
    fn doc(&mut self, doc: &str, indent: usize) {
        for paragraph in doc.split("\n\n") {
            self.block(indented(paragraph.trim(), indent));
        }
    }

    fn finish(self) -> String {
        let mut text = self.blocks.join("\n\n");
        text.push('\n');
        text
    }
}

/// `text` with `indent` levels (two spaces each) before every non-empty line.
fn indented(text: &str, indent: usize) -> String {
    let mut out = String::with_capacity(text.len() + 2 * indent * 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.is_empty() {
            (0..indent).for_each(|_| out.push_str("  "));
            out.push_str(line);
        }
    }
    out
}

/// The page of `aws-connect help`: the service, the synopsis, the global options and the commands.
pub fn service_page(service: &Service) -> String {
    let mut page = Page::default();
    page.block(PROGRAM);
    page.block("Description");
    page.doc(service.doc(), 0);
    page.block("Synopsis");
    page.block(format!("  {PROGRAM} [options] <command> [parameters]"));
    page.block(format!(
        "Use {PROGRAM} <command> help for information on a specific command. The synopsis for each command shows \
         its parameters and their usage. Optional parameters are shown in square brackets. Use {PROGRAM} \
         completion bash|zsh|fish|powershell to print a shell completion script."
    ));
    page.block("Global Options");
    for global in GLOBALS {
        page.block(format!("--{} ({})", global.name, global.type_name));
        page.block(global.doc);
        page.block(global.choices.iter().map(|c| format!("* {c}")).collect::<Vec<_>>().join("\n"));
    }
    page.block("Bulk Options");
    page.block(crate::bulk::HELP_INTRO);
    for (heading, doc) in crate::bulk::help_entries() {
        page.block(heading);
        page.block(doc);
    }
    page.block("Available Commands");
    page.block(service.operations().map(|op| format!("* {}", op.cli_name())).collect::<Vec<_>>().join("\n"));
    page.finish()
}

/// The paging options of automatically paginated operations: name, type, what it does.
const PAGING_DOCS: &[(&str, &str, &str)] = &[
    (
        "starting-token",
        "string",
        "Where to resume: the NextToken that an earlier command printed when --max-items cut its output short.",
    ),
    (
        "page-size",
        "integer",
        "How many items to ask the service for in each call. The output holds the same items; smaller pages mean \
         more, shorter calls, which can help when calls time out.",
    ),
    (
        "max-items",
        "integer",
        "The most items to print. When more are available, the output ends with a NextToken; pass it to \
         --starting-token to go on from there. It is not the service's own token.",
    ),
];

/// The paragraph that tells that the command pages automatically, as the AWS CLI adds it to the
/// description of every operation it paginates (`add_paging_description`), with the result key.
fn paging_note(cli_name: &str, items: &str) -> String {
    format!(
        "{cli_name} is a paginated operation. Multiple API calls may be issued in order to retrieve the entire data \
         set of results. You can disable pagination by providing the --no-paginate argument. When using --output \
         text and the --query argument on a paginated response, the --query argument must extract data from the \
         results of the following query expressions: {items}"
    )
}

/// The type and description of a per-command option that is not a parameter, as the operation
/// pages give them (the prompter's menu shows them); `None` for an option they do not describe.
pub fn command_option_doc(name: &str) -> Option<(&'static str, String)> {
    let after_type = |text: &str| text.split_once(") ").map(|(_, doc)| doc.to_owned());
    match name {
        "cli-input-json" | "cli-input-yaml" => after_type(CLI_INPUT_DOC).map(|doc| ("string", doc)),
        "generate-cli-skeleton" => after_type(SKELETON_DOC).map(|doc| ("string", doc)),
        _ => PAGING_DOCS.iter().find(|(n, ..)| *n == name).map(|(_, t, doc)| (*t, (*doc).to_owned())).or_else(|| {
            let heading = format!("--{name} (");
            crate::bulk::help_entries()
                .find(|(h, _)| h.starts_with(&heading))
                .map(|(h, doc)| (if h.ends_with("(boolean)") { "boolean" } else { "string" }, doc.to_owned()))
        }),
    }
}

/// The page of `aws-connect <operation> help`.
pub fn operation_page(service: &Service, op: &Operation) -> String {
    // For operations paginated automatically, the page token and size members give way to the
    // paging options, as in the AWS CLI.
    let paging = connect_core::wire::paginate::automatic(op);
    let hidden: Vec<&str> =
        paging.map_or_else(Vec::new, |(p, input_token, ..)| std::iter::once(input_token).chain(p.page_size).collect());
    let all_members = op.input().map_or(&[][..], |s| s.members());
    let members: Vec<&Member> = all_members.iter().filter(|m| !hidden.contains(&m.name())).collect();
    let mut page = Page::default();
    page.block(format!("[ {PROGRAM} ]"));
    page.block(op.cli_name());
    page.block("Description");
    page.doc(op.doc(), 0);
    page.block(format!(
        "See also: AWS API Documentation\n{WEB_API_DOC_BASE}/{}-{}/{}",
        service.endpoint_prefix(),
        service.version(),
        op.name()
    ));
    if let Some((_, _, _, items)) = paging {
        page.block(paging_note(op.cli_name(), items));
    }
    page.block(SEE_GLOBALS);

    page.block("Synopsis");
    let mut synopsis = vec![format!("  {}", op.cli_name())];
    for m in &members {
        let option = match m.target().kind() {
            Kind::Boolean => format!("--{0} | --no-{0}", m.cli_name()),
            _ => format!("--{} <value>", m.cli_name()),
        };
        synopsis.push(if m.required_argument() { option } else { format!("[{option}]") });
    }
    synopsis.push("[--cli-input-json | --cli-input-yaml]".into());
    let paging_options: Vec<(&str, &str, &str)> = match paging {
        Some((p, ..)) => {
            PAGING_DOCS.iter().copied().filter(|(name, ..)| *name != "page-size" || p.page_size.is_some()).collect()
        }
        None => Vec::new(),
    };
    for (name, ..) in &paging_options {
        synopsis.push(format!("[--{name} <value>]"));
    }
    synopsis.push("[--generate-cli-skeleton <value>]".into());
    synopsis.push("[--cli-auto-prompt <value>]".into());
    page.block(synopsis.join("\n"));

    page.block("Options");
    if members.is_empty() {
        page.block("None");
    }
    for m in &members {
        option(&mut page, m);
    }
    page.block(CLI_INPUT_DOC);
    for (name, ty, doc) in &paging_options {
        page.block(format!("--{name} ({ty})"));
        page.block(*doc);
    }
    page.block(SKELETON_DOC);
    page.block(AUTO_PROMPT_DOC);
    page.block(SEE_GLOBALS);

    page.block("Examples");
    if op.examples().is_empty() {
        page.block(NO_EXAMPLES);
    }
    for example in op.examples() {
        page.block(example.title());
        page.doc(example.doc(), 0);
        page.block(example_command(op, example));
        match example.output().and_then(|o| serde_json::from_str::<Value>(o).ok()) {
            Some(Value::Object(o)) if !o.is_empty() => {
                page.block("Output:");
                page.block(to_pretty(&Value::Object(o), Style { ensure_ascii: false }).trim_end());
            }
            _ => page.block("This command produces no output."),
        }
    }

    page.block("Output");
    match op.output().map(|s| s.members()) {
        Some(members) if !members.is_empty() => {
            for m in members {
                let heading = Heading { name: m.name(), required: false };
                member(&mut page, heading, m.target(), member_doc(m), 0, &mut Vec::new());
            }
        }
        _ => page.block("None"),
    }
    page.finish()
}

/// An example's command line, one option a line: values as shorthand where shorthand reads back
/// to the same input, else as JSON, quoted for a POSIX shell.
fn example_command(op: &Operation, example: &Example) -> String {
    let input: Map<String, Value> = serde_json::from_str(example.input()).unwrap_or_default();
    let mut lines = vec![format!("{PROGRAM} {}", op.cli_name())];
    for m in op.input().map_or(&[][..], |s| s.members()) {
        let Some(value) = input.get(m.name()) else { continue };
        lines.push(match (m.target().kind(), value) {
            (Kind::Boolean, Value::Bool(true)) => format!("--{}", m.cli_name()),
            (Kind::Boolean, Value::Bool(false)) => format!("--no-{}", m.cli_name()),
            // A value that looks like an option is attached to its own.
            _ => match argument_text(m, value) {
                word if word.starts_with('-') => format!("--{}={word}", m.cli_name()),
                words => format!("--{} {words}", m.cli_name()),
            },
        });
    }
    lines.join(" \\\n    ")
}

/// The documentation of a member: its own, or else its target's (as botocore merges them).
fn member_doc(m: &Member) -> &'static str {
    if m.doc().trim().is_empty() { m.target().doc() } else { m.doc() }
}

/// The type name the AWS CLI uses for a shape (botocore's: enums are strings, unions structures).
fn type_name(shape: &Shape) -> &'static str {
    match shape.kind() {
        Kind::Enum(_) => "string",
        Kind::Union(_) => "structure",
        _ => shape.type_name(),
    }
}

/// The type name shown in the documentation of an option or member.
fn doc_type_name(shape: &Shape) -> &'static str {
    match shape.kind() {
        Kind::Union(_) => "tagged union structure",
        _ => type_name(shape),
    }
}

fn is_scalar(shape: &Shape) -> bool {
    !matches!(shape.kind(), Kind::Structure(_) | Kind::Union(_) | Kind::List(_) | Kind::Map { .. })
}

/// What follows the type of a required option or member on its heading (AWS CLI v2 ≥ 2.31,
/// `doc_option` and `_do_doc_member`).
fn required_mark(required: bool) -> &'static str {
    if required { " [required]" } else { "" }
}

/// One option of the Options section: its heading, documentation, nested members and syntax.
fn option(page: &mut Page, m: &Member) {
    let shape = m.target();
    let required = required_mark(m.required_argument());
    if let Kind::Boolean = shape.kind() {
        page.block(format!("--{0} | --no-{0} (boolean){required}", m.cli_name()));
        page.doc(member_doc(m), 0);
        return;
    }
    page.block(format!("--{} ({}){required}", m.cli_name(), doc_type_name(shape)));
    page.doc(member_doc(m), 0);
    union_note(page, shape, 0);
    enum_values(page, shape, 0);
    constraints(page, shape, 0);
    nested_members(page, shape, 0, &mut vec![shape.name()]);
    syntax(page, shape);
}

/// The note the AWS CLI adds to tagged unions.
fn union_note(page: &mut Page, shape: &Shape, indent: usize) {
    if let Kind::Union(members) = shape.kind() {
        let keys = members.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ");
        page.block(indented("Note:", indent));
        page.block(indented(
            &format!("This is a Tagged Union structure. Only one of the following top level keys can be set: {keys}."),
            indent,
        ));
    }
}

/// The values of an enum, as a list.
fn enum_values(page: &mut Page, shape: &Shape, indent: usize) {
    if let Kind::Enum(values) = shape.kind() {
        page.block(indented("Possible values:", indent));
        page.block(indented(&values.iter().map(|v| format!("* {}", v.value())).collect::<Vec<_>>().join("\n"), indent));
    }
}

/// The length, range and pattern of a shape, as a list (the AWS CLI v2's `Constraints:` of
/// `_document_constraints`: the model's `min`, `max` and `pattern`, in that order).
fn constraints(page: &mut Page, shape: &Shape, indent: usize) {
    let bounds = shape.length().or(shape.range());
    let min = bounds.and_then(|b| b.min).map(|v| ("min", bound_text(shape, v)));
    let max = bounds.and_then(|b| b.max).map(|v| ("max", bound_text(shape, v)));
    let pattern = shape.pattern().map(|p| ("pattern", p.to_owned()));
    let items: Vec<String> = [min, max, pattern].into_iter().flatten().map(|(k, v)| format!("* {k}: {v}")).collect();
    if !items.is_empty() {
        page.block(indented("Constraints:", indent));
        page.block(indented(&items.join("\n"), indent));
    }
}

/// The members of a structure, the element of a list, or the key and value of a map.
fn nested_members(page: &mut Page, shape: &Shape, indent: usize, stack: &mut Vec<&'static str>) {
    match shape.kind() {
        Kind::Structure(members) | Kind::Union(members) => {
            for m in members {
                let heading = Heading { name: m.name(), required: m.required() };
                member(page, heading, m.target(), member_doc(m), indent, stack);
            }
        }
        Kind::List(element) => member(page, Heading::UNNAMED, element, element.doc(), indent, stack),
        Kind::Map { key, value } => {
            member(page, Heading { name: "key", required: false }, key, key.doc(), indent, stack);
            member(page, Heading { name: "value", required: false }, value, value.doc(), indent, stack);
        }
        _ => {}
    }
}

/// How a nested member is named on its heading: `Name -> (type)`, or only `(type)` for a list's
/// element; `required` only for a required member of a structure (never a list element, a map's
/// key or value, or a top-level member of the output).
#[derive(Clone, Copy)]
struct Heading<'a> {
    name: &'a str,
    required: bool,
}

impl Heading<'_> {
    const UNNAMED: Heading<'static> = Heading { name: "", required: false };
}

/// One nested member: `Name -> (type)`, its documentation, then its own members one level deeper.
/// A recursive shape is documented once more below itself, then marked.
fn member(
    page: &mut Page,
    heading: Heading,
    shape: &'static Shape,
    doc: &str,
    indent: usize,
    stack: &mut Vec<&'static str>,
) {
    if stack.iter().filter(|s| **s == shape.name()).count() > 1 {
        if let Kind::Structure(_) | Kind::Union(_) = shape.kind() {
            page.block(indented("( ... recursive ... )", indent));
        }
        return;
    }
    stack.push(shape.name());
    let Heading { name, required } = heading;
    let required = required_mark(required);
    let heading = if name.is_empty() {
        format!("({}){required}", doc_type_name(shape))
    } else {
        format!("{name} -> ({}){required}", doc_type_name(shape))
    };
    page.block(indented(&heading, indent));
    page.doc(doc, indent);
    union_note(page, shape, indent);
    enum_values(page, shape, indent);
    constraints(page, shape, indent);
    nested_members(page, shape, indent + 1, stack);
    stack.pop();
}

#[cfg(test)]
mod tests {
    //! The syntax blocks of a synthetic model, against what the AWS CLI v2's own generators
    //! (`ParamShorthandDocGen.generate_shorthand_example` and
    //! `OperationDocumentEventHandler._json_example` of aws-cli 2.36.7) print for the same shapes.

    use super::syntax::{Writer, json_example, shorthand_example};
    use super::*;
    use connect_core::input::supports_shorthand;
    use connect_core::model::EnumValue;

    static STR: Shape = Shape::new("Str", Kind::String);
    static COLOR: Shape =
        Shape::new("Color", Kind::Enum(&[EnumValue::new("RED", "RED"), EnumValue::new("GREEN", "GREEN")]));
    static FLAG: Shape = Shape::new("Flag", Kind::Boolean);
    static COUNT: Shape = Shape::new("Count", Kind::Integer);
    static WHEN: Shape = Shape::new("When", Kind::Timestamp(connect_core::model::TimestampFormat::Default));
    static NAMES: Shape = Shape::new("Names", Kind::List(&STR));
    static COLORS: Shape = Shape::new("Colors", Kind::List(&COLOR));
    static LEAF: Shape = Shape::new(
        "Leaf",
        Kind::Structure(&[
            Member::new("Name", "name", &STR),
            Member::new("Color", "color", &COLOR),
            Member::new("Count", "count", &COUNT),
        ]),
    );
    static LEAVES: Shape = Shape::new("Leaves", Kind::List(&LEAF));
    static TAGS: Shape = Shape::new("Tags", Kind::Map { key: &STR, value: &STR });
    static BY_COLOR: Shape = Shape::new("ByColor", Kind::Map { key: &COLOR, value: &LEAF });
    static NODE: Shape = Shape::new(
        "Node",
        Kind::Structure(&[Member::new("Value", "value", &STR), Member::new("Children", "children", &NODE_LIST)]),
    );
    static NODE_LIST: Shape = Shape::new("NodeList", Kind::List(&NODE));
    static CHOICE: Shape =
        Shape::new("Choice", Kind::Union(&[Member::new("A", "a", &STR), Member::new("B", "b", &LEAF)]));
    static MATRIX: Shape = Shape::new("Matrix", Kind::List(&NAMES));
    static TOP: Shape = Shape::new(
        "Top",
        Kind::Structure(&[
            Member::new("Name", "name", &STR),
            Member::new("Flag", "flag", &FLAG),
            Member::new("Count", "count", &COUNT),
            Member::new("When", "when", &WHEN),
            Member::new("Names", "names", &NAMES),
            Member::new("Colors", "colors", &COLORS),
            Member::new("Leaf", "leaf", &LEAF),
            Member::new("Leaves", "leaves", &LEAVES),
            Member::new("Tags", "tags", &TAGS),
            Member::new("ByColor", "by-color", &BY_COLOR),
            Member::new("Node", "node", &NODE),
            Member::new("Choice", "choice", &CHOICE),
            Member::new("Matrix", "matrix", &MATRIX),
        ]),
    );
    static L3: Shape = Shape::new("L3", Kind::Structure(&[Member::new("L4", "l4", &STR)]));
    static L2: Shape = Shape::new("L2", Kind::Structure(&[Member::new("L3", "l3", &L3)]));
    static L1: Shape = Shape::new("L1", Kind::Structure(&[Member::new("L2", "l2", &L2)]));
    static DEEP: Shape = Shape::new("Deep", Kind::Structure(&[Member::new("L1", "l1", &L1)]));
    static SHORT_NAME: Shape =
        Shape::new("ShortName", Kind::String).with_length(Some(1.0), Some(64.0)).with_pattern("^[a-z]+$");
    static LEVEL: Shape = Shape::new("Level", Kind::Float).with_range(Some(1.0), Some(5.0)).with_decimal_bounds();
    static SIZE: Shape = Shape::new("Size", Kind::Long).with_range(Some(0.0), Some(9223372036854775807.0));
    static SIZES: Shape = Shape::new("Sizes", Kind::List(&SIZE)).with_length(None, Some(3.0));
    static VALUE_ONLY: Shape = Shape::new("ValueOnly", Kind::Structure(&[Member::new("Value", "value", &STR)]));

    fn json(shape: &'static Shape) -> String {
        let mut w = Writer::default();
        json_example(&mut w, shape, &mut Vec::new());
        w.text
    }

    #[test]
    fn json_syntax_matches_the_aws_cli() {
        let cases: &[(&'static Shape, &str)] = &[
            (
                &TOP,
                "{\n  \"Name\": \"string\",\n  \"Flag\": true|false,\n  \"Count\": integer,\n  \"When\": timestamp,\n  \"Names\": [\"string\", ...],\n  \"Colors\": [\"RED\"|\"GREEN\", ...],\n  \"Leaf\": {\n    \"Name\": \"string\",\n    \"Color\": \"RED\"|\"GREEN\",\n    \"Count\": integer\n  },\n  \"Leaves\": [\n    {\n      \"Name\": \"string\",\n      \"Color\": \"RED\"|\"GREEN\",\n      \"Count\": integer\n    }\n    ...\n  ],\n  \"Tags\": {\"string\": \"string\"\n    ...},\n  \"ByColor\": {\"RED\"|\"GREEN\": {\n        \"Name\": \"string\",\n        \"Color\": \"RED\"|\"GREEN\",\n        \"Count\": integer\n      }\n    ...},\n  \"Node\": {\n    \"Value\": \"string\",\n    \"Children\": [\n      {\n        \"Value\": \"string\",\n        \"Children\": [\n          { ... recursive ... }\n          ...\n        ]\n      }\n      ...\n    ]\n  },\n  \"Choice\": {\n    \"A\": \"string\",\n    \"B\": {\n      \"Name\": \"string\",\n      \"Color\": \"RED\"|\"GREEN\",\n      \"Count\": integer\n    }\n  },\n  \"Matrix\": [\n    [\"string\", ...]\n    ...\n  ]\n}",
            ),
            (
                &LEAVES,
                "[\n  {\n    \"Name\": \"string\",\n    \"Color\": \"RED\"|\"GREEN\",\n    \"Count\": integer\n  }\n  ...\n]",
            ),
            (&TAGS, "{\"string\": \"string\"\n  ...}"),
            (
                &BY_COLOR,
                "{\"RED\"|\"GREEN\": {\n      \"Name\": \"string\",\n      \"Color\": \"RED\"|\"GREEN\",\n      \"Count\": integer\n    }\n  ...}",
            ),
            (
                &DEEP,
                "{\n  \"L1\": {\n    \"L2\": {\n      \"L3\": {\n        \"L4\": \"string\"\n      }\n    }\n  }\n}",
            ),
            (&MATRIX, "[\n  [\"string\", ...]\n  ...\n]"),
            (&VALUE_ONLY, "{\n  \"Value\": \"string\"\n}"),
        ];
        for (shape, expected) in cases {
            assert_eq!(json(shape), *expected, "{}", shape.name());
        }
    }

    #[test]
    fn shorthand_syntax_matches_the_aws_cli() {
        let cases: &[(&'static Shape, Option<&str>)] = &[
            // Too deep for the shorthand syntax: no block.
            (&TOP, Some("")),
            (&DEEP, Some("")),
            (&LEAVES, Some("Name=string,Color=string,Count=integer ...")),
            (&TAGS, Some("KeyName1=string,KeyName2=string")),
            (
                &BY_COLOR,
                Some(
                    "KeyName1={Name=string,Color=string,Count=integer},KeyName2={Name=string,Color=string,Count=integer}\
                     \n\nWhere valid key names are:\n  RED\n  GREEN",
                ),
            ),
            (
                &NODE,
                Some(
                    "Value=string,Children=[{Value=string,( ... recursive ... )},{Value=string,( ... recursive ... )}]",
                ),
            ),
            (&MATRIX, Some("string,string ...")),
            (&VALUE_ONLY, None),
            (&CHOICE, Some("A=string,B={Name=string,Color=string,Count=integer}")),
        ];
        for (shape, expected) in cases {
            assert!(supports_shorthand(shape), "{}", shape.name());
            assert_eq!(shorthand_example(shape).as_deref(), *expected, "{}", shape.name());
        }
        assert!(!supports_shorthand(&NAMES));
        assert!(!supports_shorthand(&STR));
    }

    static INPUT: Shape = Shape::new(
        "DoThingRequest",
        Kind::Structure(&[
            Member::new("Top", "top", &TOP).with_doc("Everything at once.").with_required(),
            Member::new("Flag", "flag", &FLAG).with_doc("A switch."),
            Member::new("Color", "shade", &COLOR).with_doc("A color (not `--color`, a global option)."),
            Member::new("Names", "names", &NAMES).with_doc("Some names."),
            Member::new("Colors", "colors", &COLORS),
            Member::new("Leaves", "leaves", &LEAVES).with_doc("Some leaves.\n\nSecond paragraph."),
            Member::new("Tags", "tags", &TAGS),
            Member::new("ByColor", "by-color", &BY_COLOR),
            Member::new("Choice", "choice", &CHOICE),
            Member::new("ValueOnly", "value-only", &VALUE_ONLY),
            Member::new("ShortName", "short-name", &SHORT_NAME),
            Member::new("Level", "level", &LEVEL),
            Member::new("Sizes", "sizes", &SIZES),
        ]),
    );
    static OUTPUT: Shape = Shape::new(
        "DoThingResponse",
        Kind::Structure(&[
            Member::new("Node", "node", &NODE).with_doc("A tree."),
            Member::new("Count", "count", &COUNT),
        ]),
    );
    static OPERATION: Operation =
        Operation::new("DoThing", "do-thing", connect_core::model::Http { method: "POST", uri: "/thing", code: 200 })
            .with_doc("Does a thing.")
            .with_input(&INPUT)
            .with_output(&OUTPUT)
            .with_examples(&[
                Example::new(
                    "To do a simple thing",
                    r#"{"Top": {"Name": "x", "Count": 2}, "Flag": false, "Color": "RED", "Names": ["a", "b c"], "Tags": {"k": "v"}}"#,
                )
                .with_doc("Shorthand where it reads back the same.\n\nA second paragraph.")
                .with_output(r#"{"Count": 3}"#),
                Example::new(
                    "To do a thing that needs JSON",
                    r#"{"Top": {"Name": "it's, here"}, "Flag": true, "Names": ["-a", "b"], "Leaves": [{"Name": "n"}], "ByColor": {"RED": {"Name": "=x"}}}"#,
                ),
            ]);
    static SERVICE: Service =
        Service::new("ThingService", "2020-01-01", "Thing", "thing", "thing", &[&OPERATION]).with_doc("Things.");

    #[test]
    fn page_of_a_synthetic_operation() {
        insta::assert_snapshot!(operation_page(&SERVICE, &OPERATION));
    }

    /// The words a POSIX shell makes of an example's command line (plain words, single quotes,
    /// backslash escapes, backslash-newline).
    fn shell_words(text: &str) -> Vec<String> {
        let text = text.replace("\\\n", " ");
        let (mut words, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => (quoted, any) = (!quoted, true),
                '\\' if !quoted => word.extend(chars.next()),
                ' ' | '\n' if !quoted => {
                    if any || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    any = false;
                }
                c => word.push(c),
            }
        }
        if any || !word.is_empty() {
            words.push(word);
        }
        words
    }

    /// Every example's command line, of the synthetic operation and of the shipped model, gives
    /// back the example's input when run.
    #[test]
    fn example_command_lines_read_back_to_their_input() {
        let shipped = connect_core::generated::SERVICE.operations().map(|op| (&connect_core::generated::SERVICE, op));
        let mut checked = 0;
        for (service, op) in std::iter::once((&SERVICE, &OPERATION)).chain(shipped) {
            for example in op.examples() {
                let line = example_command(op, example);
                let words = shell_words(&line);
                assert_eq!(words[0], PROGRAM, "{line}");
                let parsed = crate::command::parse(service, &words[1..]).unwrap_or_else(|e| panic!("{line}: {e:?}"));
                let crate::command::Parsed::Run(invocation) = parsed else { panic!("{line}: not a run") };
                let input = crate::build_input(&invocation).unwrap_or_else(|e| panic!("{line}: {e:?}"));
                let want: Map<String, Value> = serde_json::from_str(example.input()).unwrap();
                assert_eq!(Value::Object(input), Value::Object(want), "{line}");
                checked += 1;
            }
        }
        assert!(checked >= 3, "{checked} examples");
    }
}
