//! The rustdoc of a generated type or field that the model leaves undocumented: one line of facts
//! from the model (which operation a structure is the input or output of, which structures hold
//! it, a member's type and constraints), so that every public item of connect-core is documented.

use std::collections::{BTreeMap, BTreeSet};

use crate::smithy::{Bounds, Member, Model, Shape, ShapeType};

/// How many holders a structure's line names before it counts the rest.
const NAMED_HOLDERS: usize = 3;

/// What the model says of each shape's place: the operations it is the input or output of, and
/// the structures and unions that hold it (through lists and maps too).
pub(super) struct Places {
    input_of: BTreeMap<String, String>,
    output_of: BTreeMap<String, String>,
    held_by: BTreeMap<String, BTreeSet<String>>,
}

impl Places {
    pub(super) fn of(model: &Model) -> Places {
        let mut places = Places { input_of: BTreeMap::new(), output_of: BTreeMap::new(), held_by: BTreeMap::new() };
        for (shape, op) in model.operations() {
            if let Some(input) = &op.input {
                places.input_of.insert(input.clone(), shape.name.clone());
            }
            if let Some(output) = &op.output {
                places.output_of.insert(output.clone(), shape.name.clone());
            }
        }
        for shape in model.shapes.values() {
            if let ShapeType::Structure(members) | ShapeType::Union(members) = &shape.ty {
                for m in members {
                    for held in named_targets(model, &m.target) {
                        places.held_by.entry(held).or_default().insert(shape.name.clone());
                    }
                }
            }
        }
        places
    }

    /// The line of a structure, union or enum without documentation.
    pub(super) fn shape_line(&self, shape: &Shape) -> String {
        if let Some(op) = self.input_of.get(&shape.id) {
            return format!("The input of the `{op}` operation.");
        }
        if let Some(op) = self.output_of.get(&shape.id) {
            return format!("The output of the `{op}` operation.");
        }
        if let Some(fault) = &shape.traits.error {
            let status = shape.traits.http_error.map(|s| format!(", HTTP {s}")).unwrap_or_default();
            return format!("The `{}` error ({fault} fault{status}).", shape.name);
        }
        let what = match &shape.ty {
            ShapeType::Structure(_) => "A structure",
            ShapeType::Union(_) => "A union (exactly one member is set)",
            ShapeType::Enum(values) => return format!("{} allowed values{}.", values.len(), self.holders(shape)),
            _ => "A shape",
        };
        format!("{what} of the Connect API{}.", self.holders(shape))
    }

    /// `, held by `A`, `B` and 2 more` for a shape with holders.
    fn holders(&self, shape: &Shape) -> String {
        let Some(holders) = self.held_by.get(&shape.id) else { return String::new() };
        let named: Vec<String> = holders.iter().take(NAMED_HOLDERS).map(|h| format!("`{h}`")).collect();
        let rest = holders.len().saturating_sub(NAMED_HOLDERS);
        let more = if rest > 0 { format!(" and {rest} more") } else { String::new() };
        format!(", held by {}{more}", named.join(", "))
    }
}

/// The line of a member without documentation: its name in the model, type and constraints.
pub(super) fn member_line(model: &Model, m: &Member) -> String {
    let target = model.shape(&m.target);
    let mut line = format!("`{}`: {}", m.name, type_phrase(model, target));
    if let Some(c) = constraints(target) {
        line.push_str(", ");
        line.push_str(&c);
    }
    line.push('.');
    if m.traits.required {
        line.push_str(" Required.");
    }
    if target.traits.sensitive {
        line.push_str(" Sensitive: redacted from `Debug`.");
    }
    line
}

/// The line of an enum value without documentation.
pub(super) fn value_line(value: &str) -> String {
    format!("The value `{value}`.")
}

/// The line of a shape's name in the shape table: what kind of shape it is, with its constraints.
pub(super) fn shape_summary(model: &Model, shape: &Shape) -> String {
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let what = match &shape.ty {
        ShapeType::Structure(ms) => format!("a structure of {}", count(ms.len(), "member", "members")),
        ShapeType::Union(ms) => format!("a union of {}", count(ms.len(), "member", "members")),
        ShapeType::Enum(vs) => format!("an enum of {}", count(vs.len(), "value", "values")),
        _ => type_phrase(model, shape),
    };
    let mut line = format!("`{}`: {what}", shape.name);
    if let Some(c) = constraints(shape) {
        line.push_str(", ");
        line.push_str(&c);
    }
    if shape.traits.sensitive {
        line.push_str(", sensitive");
    }
    line.push('.');
    line
}

/// The shapes a member's target names, looking through lists and maps.
fn named_targets(model: &Model, id: &str) -> Vec<String> {
    let shape = model.shape(id);
    match &shape.ty {
        ShapeType::List(t) => named_targets(model, t),
        ShapeType::Map { value, .. } => named_targets(model, value),
        ShapeType::Structure(_) | ShapeType::Union(_) | ShapeType::Enum(_) => vec![shape.id.clone()],
        _ => Vec::new(),
    }
}

/// `a string`, `a list of `Foo``, `a map of strings to integers`.
fn type_phrase(model: &Model, shape: &Shape) -> String {
    match &shape.ty {
        ShapeType::String => "a string".to_owned(),
        ShapeType::Integer | ShapeType::Long => "an integer".to_owned(),
        ShapeType::Boolean => "a boolean".to_owned(),
        ShapeType::Float | ShapeType::Double => "a number".to_owned(),
        ShapeType::Timestamp => "a timestamp".to_owned(),
        ShapeType::Enum(_) => format!("one of the values of `{}`", shape.name),
        ShapeType::Structure(_) => format!("a `{}` structure", shape.name),
        ShapeType::Union(_) => format!("a `{}` union", shape.name),
        ShapeType::List(t) => format!("a list of {}", element_phrase(model, model.shape(t))),
        ShapeType::Map { value, .. } => format!("a map from strings to {}", element_phrase(model, model.shape(value))),
        ShapeType::Operation(_) => "an operation".to_owned(),
    }
}

/// What a list or map holds, in the plural.
fn element_phrase(model: &Model, shape: &Shape) -> String {
    match &shape.ty {
        ShapeType::String => "strings".to_owned(),
        ShapeType::Integer | ShapeType::Long => "integers".to_owned(),
        ShapeType::Boolean => "booleans".to_owned(),
        ShapeType::Float | ShapeType::Double => "numbers".to_owned(),
        ShapeType::Timestamp => "timestamps".to_owned(),
        ShapeType::Enum(_) | ShapeType::Structure(_) | ShapeType::Union(_) => format!("`{}`", shape.name),
        _ => format!("({})", type_phrase(model, shape)),
    }
}

/// The length and range constraints of a member's target, in words.
fn constraints(shape: &Shape) -> Option<String> {
    let unit = match shape.ty {
        ShapeType::List(_) => "items",
        ShapeType::Map { .. } => "entries",
        _ => "characters",
    };
    let mut parts = Vec::new();
    if let Some(b) = &shape.traits.length {
        parts.extend(bounds(b, unit));
    }
    if let Some(b) = &shape.traits.range {
        parts.extend(bounds(b, ""));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn bounds(b: &Bounds, unit: &str) -> Option<String> {
    let n = |v: f64| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") };
    let unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
    match (b.min, b.max) {
        (Some(min), Some(max)) if min == max => Some(format!("exactly {}{unit}", n(min))),
        (Some(min), Some(max)) => Some(format!("{} to {}{unit}", n(min), n(max))),
        (Some(min), None) => Some(format!("at least {}{unit}", n(min))),
        (None, Some(max)) => Some(format!("at most {}{unit}", n(max))),
        (None, None) => None,
    }
}
