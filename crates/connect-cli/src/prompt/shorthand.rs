//! Completion inside a structure value written in shorthand (`Key=value,Other={Inner=x}`): the
//! partial text is read as far as it goes, following the model's shapes into nested structures,
//! lists and maps, to find what is being typed at its end: a key of some structure (the keys
//! not yet given are offered, `Key=` followed by `{` or `[` for nested values), or a value (an
//! enum's values, `true`/`false`). The open brackets can be closed in one step.

use connect_core::model::{Kind, Member, Shape};

/// What the end of a shorthand text is.
#[derive(Debug)]
pub enum End {
    /// A key of a structure or union: its members, which keys were given before at this level,
    /// and the part of the key typed so far.
    Key { members: &'static [Member], given: Vec<String>, partial: String },
    /// A key of a map whose keys have this shape.
    MapKey { key: &'static Shape, partial: String },
    /// A value of this shape (the member it belongs to, when it is one), typed so far.
    Value { shape: &'static Shape, member: Option<&'static Member>, partial: String },
    /// Nothing can be offered (an unknown key, a quoted value, a closed structure).
    Nothing,
}

/// The end of `text` as a value of `shape`, and the brackets that would close it.
pub fn end(shape: &'static Shape, text: &str) -> (End, String) {
    // Each open bracket: the closing character and the shape inside it.
    let mut stack: Vec<(char, &'static Shape)> = Vec::new();
    let top = element(shape);
    let mut state = start(top, None);
    let mut given: Vec<Vec<String>> = vec![Vec::new()];
    let mut quote: Option<char> = None;
    for c in text.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            state = End::Nothing;
            continue;
        }
        let inside = stack.last().map_or(top, |(_, s)| *s);
        state = match (state, c) {
            (End::Key { members, partial, .. }, '=') => match members.iter().find(|m| m.name() == partial) {
                Some(m) => {
                    if let Some(level) = given.last_mut() {
                        level.push(partial);
                    }
                    End::Value { shape: m.target(), member: Some(m), partial: String::new() }
                }
                None => End::Nothing,
            },
            (End::MapKey { .. }, '=') => match inside.kind() {
                Kind::Map { value, .. } => End::Value { shape: value, member: None, partial: String::new() },
                _ => End::Nothing,
            },
            (End::Key { members, given: g, mut partial }, c) if !",{}[]".contains(c) => {
                partial.push(c);
                End::Key { members, given: g, partial }
            }
            (End::MapKey { key, mut partial }, c) if !",{}[]".contains(c) => {
                partial.push(c);
                End::MapKey { key, partial }
            }
            (End::Value { shape, partial, .. }, '{') if partial.is_empty() => {
                stack.push(('}', shape));
                given.push(Vec::new());
                start(shape, None)
            }
            (End::Value { shape, partial, .. }, '[') if partial.is_empty() => match shape.kind() {
                Kind::List(inner) => {
                    stack.push((']', inner));
                    End::Value { shape: inner, member: None, partial: String::new() }
                }
                _ => End::Nothing,
            },
            (End::Value { partial, .. }, '\'' | '"') if partial.is_empty() => {
                quote = Some(c);
                End::Nothing
            }
            (_, ',') => match stack.last() {
                Some((']', s)) => End::Value { shape: s, member: None, partial: String::new() },
                _ => {
                    let level = given.last().cloned().unwrap_or_default();
                    start(inside, Some(level))
                }
            },
            (_, '}' | ']') => {
                if stack.pop().is_some_and(|(close, _)| close == c) {
                    if c == '}' {
                        given.pop();
                    }
                    End::Nothing
                } else {
                    return (End::Nothing, String::new());
                }
            }
            (End::Value { shape, member, mut partial }, c) => {
                partial.push(c);
                End::Value { shape, member, partial }
            }
            (_, _) => End::Nothing,
        };
    }
    let closing: String = stack.iter().rev().map(|(c, _)| *c).collect();
    (state, closing)
}

/// A list's values are given one per word at the top level: complete its element.
fn element(shape: &'static Shape) -> &'static Shape {
    match shape.kind() {
        Kind::List(inner) if matches!(inner.kind(), Kind::Structure(_) | Kind::Union(_) | Kind::Map { .. }) => inner,
        _ => shape,
    }
}

/// What comes first in a value of `shape`: a key for structures and maps, else the value.
fn start(shape: &'static Shape, given: Option<Vec<String>>) -> End {
    match shape.kind() {
        Kind::Structure(members) | Kind::Union(members) => {
            End::Key { members, given: given.unwrap_or_default(), partial: String::new() }
        }
        Kind::Map { key, .. } => End::MapKey { key, partial: String::new() },
        _ => End::Value { shape, member: None, partial: String::new() },
    }
}

/// What a key's value opens with in shorthand: `{` for a structure or map, `[` for a list.
pub fn opener(shape: &Shape) -> &'static str {
    match shape.kind() {
        Kind::Structure(_) | Kind::Union(_) | Kind::Map { .. } => "{",
        Kind::List(_) => "[",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::model::EnumValue;

    static STATE: Shape = Shape::new("State", Kind::Enum(&[EnumValue::new("ON", "ON"), EnumValue::new("OFF", "OFF")]));
    static TEXT: Shape = Shape::new("Text", Kind::String);
    static FLAG: Shape = Shape::new("Flag", Kind::Boolean);
    static INNER_MEMBERS: [Member; 2] = [Member::new("Mode", "mode", &STATE), Member::new("On", "on", &FLAG)];
    static INNER: Shape = Shape::new("Inner", Kind::Structure(&INNER_MEMBERS));
    static INNERS: Shape = Shape::new("Inners", Kind::List(&INNER));
    static MEMBERS: [Member; 3] =
        [Member::new("Name", "name", &TEXT), Member::new("Inner", "inner", &INNER), Member::new("All", "all", &INNERS)];
    static OUTER: Shape = Shape::new("Outer", Kind::Structure(&MEMBERS));

    fn key(text: &str) -> (Vec<String>, String, String) {
        match end(&OUTER, text) {
            (End::Key { given, partial, .. }, closing) => (given, partial, closing),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn value(text: &str) -> (&'static str, String, String) {
        match end(&OUTER, text) {
            (End::Value { shape, partial, .. }, closing) => (shape.name(), partial, closing),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn keys_and_values_at_the_end() {
        assert_eq!(key(""), (vec![], String::new(), String::new()));
        assert_eq!(key("Na"), (vec![], "Na".into(), String::new()));
        assert_eq!(key("Name=x,"), (vec!["Name".into()], String::new(), String::new()));
        assert_eq!(key("Name=x,Inner={Mode=ON,O"), (vec!["Mode".into()], "O".into(), "}".into()));
        assert_eq!(key("Inner={Mode=ON},"), (vec!["Inner".into()], String::new(), String::new()));
        assert_eq!(key("All=[{Mode=ON},{"), (vec![], String::new(), "}]".into()));
        assert_eq!(value("Inner={Mode=O"), ("State", "O".into(), "}".into()));
        assert_eq!(value("Inner={On="), ("Flag", String::new(), "}".into()));
        assert_eq!(value("Name=a b"), ("Text", "a b".into(), String::new()));
        assert!(matches!(end(&OUTER, "Nope=x").0, End::Nothing));
        assert!(matches!(end(&OUTER, "Name='a,b").0, End::Nothing));
        assert!(matches!(end(&OUTER, "Name=x}").0, End::Nothing));
    }
}
