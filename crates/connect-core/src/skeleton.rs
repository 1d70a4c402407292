//! `--generate-cli-skeleton`: sample documents derived from a shape, as the AWS CLI makes them.
//!
//! The placeholders follow botocore's argument generator: `""` for strings (the first value for
//! enums), `0`, `0.0`, `true`, `"1970-01-01T00:00:00"` for timestamps, one element per list,
//! `{"KeyName": …}` per map, and `{}` where a structure recurs into itself.

use serde_json::{Map, Value};

use crate::compat::yaml_dump::scalar as yaml_scalar;
use crate::model::{Kind, Shape, doc_overview};

/// Which placeholders to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholders {
    /// Empty strings: a document to fill in (`input`, `yaml-input`).
    Input,
    /// Strings carry the member name: a sample response (`output`).
    MemberNames,
}

/// The sample input document for a shape: `{}` when the operation has no input.
pub fn input(shape: Option<&'static Shape>) -> Value {
    shape.map_or_else(|| Value::Object(Map::new()), |s| generate(s, &mut Vec::new(), "", Placeholders::Input))
}

/// The sample output document, or `None` when the operation has no output.
pub fn output(shape: Option<&'static Shape>) -> Option<Value> {
    shape.map(|s| generate(s, &mut Vec::new(), "", Placeholders::MemberNames))
}

fn generate(shape: &'static Shape, stack: &mut Vec<&'static str>, name: &str, mode: Placeholders) -> Value {
    stack.push(shape.name());
    let value = match shape.kind() {
        Kind::Structure(members) | Kind::Union(members) => {
            if stack.iter().filter(|n| **n == shape.name()).count() > 1 {
                Value::Object(Map::new())
            } else {
                let map = members
                    .iter()
                    .map(|m| (m.name().to_owned(), generate(m.target(), stack, m.name(), mode)))
                    .collect();
                Value::Object(map)
            }
        }
        Kind::List(member) => {
            let name = if mode == Placeholders::MemberNames { member.name() } else { "" };
            Value::Array(vec![generate(member, stack, name, mode)])
        }
        Kind::Map { value, .. } => {
            let mut map = Map::new();
            map.insert("KeyName".to_owned(), generate(value, stack, "", mode));
            Value::Object(map)
        }
        Kind::String | Kind::Enum(_) if mode == Placeholders::MemberNames => Value::String(name.to_owned()),
        Kind::Enum(values) => Value::String(values.first().map_or("", |v| v.value()).to_owned()),
        Kind::String => Value::String(String::new()),
        Kind::Integer | Kind::Long => Value::from(0),
        Kind::Float | Kind::Double => Value::from(0.0),
        Kind::Boolean => Value::Bool(true),
        Kind::Timestamp(_) => Value::String("1970-01-01T00:00:00".to_owned()),
    };
    stack.pop();
    value
}

/// The `yaml-input` skeleton: the input document as block YAML, each member commented with
/// `[REQUIRED]` where required, the first sentence of its documentation, and its enum values.
pub fn yaml_input(shape: Option<&'static Shape>) -> String {
    let Some(shape) = shape else { return "{}\n".to_owned() };
    let node = yaml_node(shape, &mut Vec::new());
    let mut out = String::new();
    match &node {
        YamlNode::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0, false),
        _ => out.push_str("{}\n"),
    }
    out
}

/// A skeleton value with the comments of its members.
enum YamlNode {
    Scalar(String),
    List(Vec<YamlNode>),
    Map(Vec<(String, YamlNode, String)>),
}

fn yaml_node(shape: &'static Shape, stack: &mut Vec<&'static str>) -> YamlNode {
    stack.push(shape.name());
    let node = match shape.kind() {
        Kind::Structure(members) | Kind::Union(members) => {
            if stack.iter().filter(|n| **n == shape.name()).count() > 1 {
                YamlNode::Map(Vec::new())
            } else {
                YamlNode::Map(
                    members.iter().map(|m| (m.name().to_owned(), yaml_node(m.target(), stack), comment(m))).collect(),
                )
            }
        }
        Kind::List(member) => YamlNode::List(vec![yaml_node(member, stack)]),
        Kind::Map { value, .. } => YamlNode::Map(vec![("KeyName".to_owned(), yaml_node(value, stack), String::new())]),
        Kind::Enum(values) => YamlNode::Scalar(yaml_scalar(values.first().map_or("", |v| v.value()))),
        Kind::String => YamlNode::Scalar("''".to_owned()),
        Kind::Integer | Kind::Long => YamlNode::Scalar("0".to_owned()),
        Kind::Float | Kind::Double => YamlNode::Scalar("0.0".to_owned()),
        Kind::Boolean => YamlNode::Scalar("true".to_owned()),
        Kind::Timestamp(_) => YamlNode::Scalar("1970-01-01 00:00:00".to_owned()),
    };
    stack.pop();
    node
}

fn comment(member: &crate::model::Member) -> String {
    let mut parts = Vec::new();
    if member.required() {
        parts.push("[REQUIRED]".to_owned());
    }
    let doc = if member.doc().is_empty() { member.target().doc() } else { member.doc() };
    parts.push(doc_overview(doc));
    if let Kind::Enum(values) = member.target().kind() {
        let names: Vec<&str> = values.iter().map(|v| v.value()).collect();
        parts.push(format!("Valid values are: {}.", names.join(", ")));
    }
    let text = parts.join(" ");
    if text.trim().is_empty() { String::new() } else { format!("# {text}") }
}

/// Writes mapping entries at `indent`; `inline_first` means the first key continues a `- ` line.
fn write_map(out: &mut String, entries: &[(String, YamlNode, String)], indent: usize, inline_first: bool) {
    for (i, (key, value, comment)) in entries.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&yaml_scalar(key));
        out.push(':');
        let gap = comment_gap(entries, i);
        let eol = |out: &mut String| {
            if !comment.is_empty() {
                out.push_str(gap);
                out.push_str(comment);
            }
            out.push('\n');
        };
        match value {
            YamlNode::Scalar(s) => {
                out.push(' ');
                out.push_str(s);
                eol(out);
            }
            YamlNode::Map(m) if m.is_empty() => {
                out.push_str(" {}");
                eol(out);
            }
            YamlNode::List(l) if l.is_empty() => {
                out.push_str(" []");
                eol(out);
            }
            YamlNode::Map(m) => {
                eol(out);
                write_map(out, m, indent + 2, false);
            }
            YamlNode::List(l) => {
                eol(out);
                write_list(out, l, indent, false);
            }
        }
    }
}

/// The space before a member's comment, as the AWS CLI's YAML library (ruamel.yaml) sets it: a
/// comment takes the column of an earlier commented key (one space) and the first one has none (two
/// spaces). The earlier key is the previous one if it has a comment, else the last commented key
/// before the first key that sorts at or after this one.
fn comment_gap(entries: &[(String, YamlNode, String)], i: usize) -> &'static str {
    let commented = |j: usize| !entries[j].2.is_empty();
    let found = if i == 0 {
        false
    } else if commented(i - 1) {
        true
    } else {
        let key = &entries[i].0;
        entries.iter().enumerate().take_while(|(_, e)| e.0 < *key).any(|(j, _)| commented(j))
    };
    if found { " " } else { "  " }
}

/// Writes sequence items at `indent`; `inline_first` means the first item continues a `- ` line
/// (a sequence in a sequence: `- - a`, as ruamel.yaml writes it).
fn write_list(out: &mut String, items: &[YamlNode], indent: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        match item {
            YamlNode::Scalar(s) => {
                out.push_str(s);
                out.push('\n');
            }
            YamlNode::Map(m) if m.is_empty() => out.push_str("{}\n"),
            YamlNode::List(l) if l.is_empty() => out.push_str("[]\n"),
            YamlNode::Map(m) => write_map(out, m, indent + 2, true),
            YamlNode::List(l) => write_list(out, l, indent + 2, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumValue, Member};

    static NAME: Shape = Shape::new("Name", Kind::String);
    static COUNT: Shape = Shape::new("Count", Kind::Integer);
    static STATE: Shape = Shape::new("State", Kind::Enum(&[EnumValue::new("ON", "on"), EnumValue::new("OFF", "OFF")]));
    static NAMES: Shape = Shape::new("Names", Kind::List(&NAME));
    static TAGS: Shape = Shape::new("Tags", Kind::Map { key: &NAME, value: &NAME });
    static NODE: Shape = Shape::new(
        "Node",
        Kind::Structure(&[
            Member::new("Name", "name", &NAME).with_doc("The node's name. More text."),
            Member::new("Children", "children", &NODES),
            Member::new("Next", "next", &NODE),
        ]),
    );
    static NODES: Shape = Shape::new("Nodes", Kind::List(&NODE));
    static INPUT: Shape = Shape::new(
        "Input",
        Kind::Structure(&[
            Member::new("Root", "root", &NODE).with_required().with_doc("The root: where it starts."),
            Member::new("Count", "count", &COUNT),
            Member::new("State", "state", &STATE).with_doc("The state."),
            Member::new("Names", "names", &NAMES),
            Member::new("Tags", "tags", &TAGS),
        ]),
    );

    #[test]
    fn input_skeleton_cuts_recursion_and_fills_placeholders() {
        insta::assert_snapshot!(crate::compat::json_dumps::to_pretty(&input(Some(&INPUT)), crate::compat::json_dumps::Style { ensure_ascii: true }), @r#"
        {
            "Root": {
                "Name": "",
                "Children": [
                    {}
                ],
                "Next": {}
            },
            "Count": 0,
            "State": "on",
            "Names": [
                ""
            ],
            "Tags": {
                "KeyName": ""
            }
        }
        "#);
    }

    #[test]
    fn output_skeleton_uses_member_names() {
        let v = output(Some(&INPUT)).unwrap();
        assert_eq!(v["Root"]["Name"], "Name");
        assert_eq!(v["State"], "State");
        // A list element is named after the element's shape, as botocore does.
        assert_eq!(v["Names"][0], "Name");
        assert_eq!(v["Tags"]["KeyName"], "");
        assert!(output(None).is_none());
    }

    #[test]
    fn yaml_skeleton_comments_members() {
        // `on` is plain: the AWS CLI v2 writes the skeleton with ruamel.yaml, for which (YAML 1.2)
        // it is a string (`python3 -c "import sys; from ruamel.yaml import YAML;
        // YAML().dump({'State': 'on'}, sys.stdout)"` prints `State: on`).
        insta::assert_snapshot!(yaml_input(Some(&INPUT)), @r"
        Root:  # [REQUIRED] The root.
          Name: ''  # The node's name.
          Children:
          - {}
          Next: {}
        Count: 0
        State: on # The state. Valid values are: on, OFF.
        Names:
        - ''
        Tags:
          KeyName: ''
        ");
    }
}
