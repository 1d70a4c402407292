//! The syntax blocks of an option's help: `Shorthand Syntax:` as the AWS CLI's
//! `ParamShorthandDocGen` writes it, and `JSON Syntax:` as its `_json_example` writes it.

use connect_core::input::supports_shorthand;
use connect_core::model::{Kind, Shape};

use super::{Page, SHORTHAND_MAX_STACK, is_scalar, type_name};

/// The `Shorthand Syntax:` and `JSON Syntax:` blocks of an option (or `Syntax:` for a list of
/// scalars), as `OperationDocumentEventHandler.doc_option_example` writes them.
pub(super) fn syntax(page: &mut Page, shape: &'static Shape) {
    if supports_shorthand(shape) {
        let Some(example) = shorthand_example(shape) else {
            return;
        };
        if !example.is_empty() {
            page.block("Shorthand Syntax:");
            page.block(example);
        }
    }
    match shape.kind() {
        Kind::List(element) if is_scalar(element) => {
            let name = json_value_name(element, false);
            page.block("Syntax:");
            page.block(format!("{name} {name} ..."));
        }
        _ if !is_scalar(shape) => {
            page.block("JSON Syntax:");
            let mut writer = Writer::default();
            json_example(&mut writer, shape, &mut Vec::new());
            page.block(writer.text);
        }
        _ => {}
    }
}

/// The shorthand example of an option: `None` when the AWS CLI documents no example at all (a
/// structure whose only member is a string `Value`), empty when the shape is too deep for one.
pub(super) fn shorthand_example(shape: &'static Shape) -> Option<String> {
    if let Kind::Structure([only]) = shape.kind() {
        if only.name() == "Value" && type_name(only.target()) == "string" {
            return None;
        }
    }
    let mut stack = Vec::new();
    let docs = match shape.kind() {
        Kind::List(element) => shorthand_docs(element, &mut stack).map(|d| format!("{d} ...")),
        _ => shorthand_docs(shape, &mut stack),
    };
    Some(docs.unwrap_or_default())
}

/// `ParamShorthandDocGen._shorthand_docs`; `None` when the shape is nested too deeply.
pub(super) fn shorthand_docs(shape: &'static Shape, stack: &mut Vec<&'static str>) -> Option<String> {
    if stack.len() > SHORTHAND_MAX_STACK {
        return None;
    }
    match shape.kind() {
        Kind::Structure(members) | Kind::Union(members) => {
            let mut parts = Vec::with_capacity(members.len());
            for m in members {
                // A member that recurses is replaced by the marker, name and all.
                if stack.contains(&m.target().name()) {
                    parts.push("( ... recursive ... )".to_owned());
                    continue;
                }
                stack.push(m.target().name());
                let value = shorthand_docs(m.target(), stack);
                stack.pop();
                parts.push(format!("{}={}", m.name(), value?));
            }
            let inner = parts.join(",");
            Some(if stack.is_empty() { inner } else { format!("{{{inner}}}") })
        }
        Kind::List(element) => {
            stack.push(element.name());
            let docs = shorthand_docs(element, stack);
            stack.pop();
            let docs = docs?;
            Some(if !is_scalar(element) || stack.len() > 1 {
                format!("[{docs},{docs}]")
            } else {
                format!("{docs},{docs}")
            })
        }
        Kind::Map { key, value } => {
            stack.push(value.name());
            let docs = shorthand_docs(value, stack);
            stack.pop();
            let docs = docs?;
            let mut text = format!("KeyName1={docs},KeyName2={docs}");
            if let (Kind::Enum(keys), true) = (key.kind(), stack.is_empty()) {
                text.push_str("\n\nWhere valid key names are:\n");
                for k in keys {
                    text.push_str(&format!("  {}\n", k.value()));
                }
                // The AWS CLI prints the example line by line, so the last newline goes.
                text.pop();
            } else if !stack.is_empty() {
                text = format!("{{{text}}}");
            }
            Some(text)
        }
        _ => Some(type_name(shape).to_owned()),
    }
}

/// A text written the way the AWS CLI's ReST writer does: `new_line` starts a line at the current
/// indentation (two spaces a level).
#[derive(Default)]
pub(super) struct Writer {
    pub(super) text: String,
    indent: usize,
}

impl Writer {
    fn write(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn new_line(&mut self) {
        self.text.push('\n');
        self.text.push_str(&"  ".repeat(self.indent));
    }

    fn indent(&mut self) {
        self.indent += 1;
    }

    fn dedent(&mut self) {
        self.indent = self.indent.saturating_sub(1);
    }
}

/// The sample value of a scalar in the JSON syntax: `"string"`, `"A"|"B"` for an enum (unless
/// `enum_values` is off), `true|false`, or the type name.
pub(super) fn json_value_name(shape: &Shape, enum_values: bool) -> String {
    match shape.kind() {
        Kind::Enum(values) if enum_values => {
            values.iter().map(|v| format!("\"{}\"", v.value())).collect::<Vec<_>>().join("|")
        }
        Kind::String | Kind::Enum(_) => "\"string\"".to_owned(),
        Kind::Boolean => "true|false".to_owned(),
        _ => type_name(shape).to_owned(),
    }
}

/// `OperationDocumentEventHandler._json_example`: a recursive shape is shown once more below
/// itself, then marked.
pub(super) fn json_example(w: &mut Writer, shape: &'static Shape, stack: &mut Vec<&'static str>) {
    if stack.iter().filter(|s| **s == shape.name()).count() > 1 {
        if let Kind::Structure(_) | Kind::Union(_) = shape.kind() {
            w.write("{ ... recursive ... }");
        }
        return;
    }
    stack.push(shape.name());
    match shape.kind() {
        Kind::List(element) => {
            w.write("[");
            if is_scalar(element) {
                w.write(&format!("{}, ...", json_value_name(element, true)));
            } else {
                w.indent();
                w.new_line();
                json_example(w, element, stack);
                w.new_line();
                w.write("...");
                w.dedent();
                w.new_line();
            }
            w.write("]");
        }
        Kind::Map { key, value } => {
            w.write("{");
            w.indent();
            w.write(&format!("{}: ", json_value_name(key, true)));
            if is_scalar(value) {
                w.write(&json_value_name(value, true));
            } else {
                w.indent();
                json_example(w, value, stack);
                w.dedent();
            }
            w.new_line();
            w.write("...");
            w.dedent();
            w.write("}");
        }
        Kind::Structure(members) | Kind::Union(members) => {
            w.write("{");
            w.indent();
            w.new_line();
            for (i, m) in members.iter().enumerate() {
                if is_scalar(m.target()) {
                    w.write(&format!("\"{}\": {}", m.name(), json_value_name(m.target(), true)));
                } else {
                    w.write(&format!("\"{}\": ", m.name()));
                    json_example(w, m.target(), stack);
                }
                if i + 1 < members.len() {
                    w.write(",");
                    w.new_line();
                }
            }
            w.dedent();
            w.new_line();
            w.write("}");
        }
        _ => {}
    }
    stack.pop();
}
