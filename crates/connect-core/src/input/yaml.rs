//! `--cli-input-yaml` documents read into JSON values (YAML 1.2 core schema, as the AWS CLI's
//! safe loader reads them).
//!
//! Before loading, one pass over the parser's events bounds what a document may cost: sequences
//! and mappings nest to [`MAX_DEPTH`] levels (PyYAML's composer recurses and fails with a
//! `RecursionError` at about 450; deeper documents would exhaust our stack), and a document
//! expands to at most [`MAX_NODES`] nodes, each alias counted at the size of its anchor (the
//! loader copies anchored nodes, so a few nested aliases could otherwise stand for billions).

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::{Yaml, YamlLoader};

/// The deepest nesting of sequences and mappings that [`parse`] reads.
pub const MAX_DEPTH: usize = 300;

/// The most nodes a document may expand to, aliases counted at their anchor's size.
pub const MAX_NODES: usize = 1_000_000;

const TOO_DEEP: &str = "maximum recursion depth exceeded";

/// Why a text is not one YAML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(pub String);

impl YamlError {
    /// Whether the document nests deeper than [`MAX_DEPTH`]: Python's `RecursionError`, which the
    /// AWS CLI does not report as invalid YAML.
    pub fn is_too_deep(&self) -> bool {
        self.0 == TOO_DEEP
    }
}

/// Parses one YAML document; an empty text is `null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    check_limits(text)?;
    let docs = YamlLoader::load_from_str(text).map_err(|e| YamlError(e.to_string()))?;
    match docs.as_slice() {
        [] => Ok(Value::Null),
        [doc] => to_json(doc),
        _ => Err(YamlError("expected a single document in the stream".into())),
    }
}

/// Reads the stream's events one by one (the parser's own `load` recurses, as the loader does) and
/// stops at the first event beyond the limits.
fn check_limits(text: &str) -> Result<(), YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut limits = Limits::default();
    loop {
        let (event, _) = parser.next_token().map_err(|e| YamlError(e.to_string()))?;
        if matches!(event, Event::StreamEnd) {
            return Ok(());
        }
        limits.add(event);
        if let Some(problem) = limits.exceeded {
            return Err(YamlError(problem.to_owned()));
        }
    }
}

/// Measures a stream's nesting and expanded size from its events.
#[derive(Default)]
struct Limits {
    /// Open sequences and mappings: anchor id and the node count when they started.
    open: Vec<(usize, usize)>,
    nodes: usize,
    /// Expanded size of each anchored node.
    anchors: HashMap<usize, usize>,
    exceeded: Option<&'static str>,
}

impl Limits {
    fn add(&mut self, event: Event) {
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((anchor, self.nodes));
                self.nodes += 1;
                if self.open.len() > MAX_DEPTH {
                    self.exceeded = Some(TOO_DEEP);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, start)) = self.open.pop() {
                    if anchor > 0 {
                        self.anchors.insert(anchor, self.nodes - start);
                    }
                }
            }
            Event::Scalar(_, _, anchor, _) => {
                self.nodes += 1;
                if anchor > 0 {
                    self.anchors.insert(anchor, 1);
                }
            }
            Event::Alias(anchor) => {
                self.nodes = self.nodes.saturating_add(self.anchors.get(&anchor).copied().unwrap_or(1));
            }
            _ => {}
        }
        if self.nodes > MAX_NODES {
            self.exceeded = Some("the document expands to too many nodes");
        }
    }
}

fn to_json(y: &Yaml) -> Result<Value, YamlError> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(text) => {
            let f = y.as_f64().ok_or_else(|| YamlError(format!("bad number {text}")))?;
            Value::Number(
                Number::from_f64(f).ok_or_else(|| YamlError(format!("{text} is not a number JSON can carry")))?,
            )
        }
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Hash(hash) => {
            let mut map = Map::with_capacity(hash.len());
            for (k, v) in hash {
                let key = match k {
                    Yaml::String(s) | Yaml::Real(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => if *b { "True" } else { "False" }.to_owned(),
                    Yaml::Null => "None".to_owned(),
                    _ => return Err(YamlError("mapping keys must be scalars".into())),
                };
                map.insert(key, to_json(v)?);
            }
            Value::Object(map)
        }
        Yaml::Alias(_) | Yaml::BadValue => return Err(YamlError("unsupported YAML node".into())),
    })
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, parse};
    use serde_json::json;

    #[test]
    fn documents() {
        let doc = "Bucket: test-bucket # Some comment\nEncodingType: url\nN: 3\nF: 1.5\nB: true\nS: yes\nL:\n- a\n- 'b'\nE: {}\n";
        assert_eq!(
            parse(doc).unwrap(),
            json!({"Bucket": "test-bucket", "EncodingType": "url", "N": 3, "F": 1.5, "B": true, "S": "yes", "L": ["a", "b"], "E": {}})
        );
        assert_eq!(parse("").unwrap(), json!(null));
        assert!(parse("a: [").is_err());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        // Found by the no_panic property test: deep block nesting overflowed the stack.
        let dashes = |n: usize| format!("{}x", "- ".repeat(n));
        assert_eq!(parse(&dashes(MAX_DEPTH)).unwrap().to_string().len(), 2 * MAX_DEPTH + 3);
        let e = parse(&dashes(MAX_DEPTH + 1)).unwrap_err();
        assert!(e.is_too_deep());
        assert_eq!(e.to_string(), "maximum recursion depth exceeded");
        assert!(parse(&dashes(100_000)).unwrap_err().is_too_deep());
        // Aliases count at their anchor's size: 10 levels of 10 aliases are 10^10 nodes.
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&doc).unwrap_err();
        assert!(!e.is_too_deep());
        assert_eq!(e.to_string(), "the document expands to too many nodes");
        assert_eq!(parse("a: &x [1, 2]\nb: *x\n").unwrap(), json!({"a": [1, 2], "b": [1, 2]}));
    }
}
