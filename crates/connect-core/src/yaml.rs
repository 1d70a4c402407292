//! `--cli-input-yaml` documents read into JSON values (YAML 1.2 core schema, as the AWS CLI's
//! safe loader reads them).

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// Why a text is not one YAML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(pub String);

/// Parses one YAML document; an empty text is `null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| YamlError(e.to_string()))?;
    match docs.as_slice() {
        [] => Ok(Value::Null),
        [doc] => to_json(doc),
        _ => Err(YamlError("expected a single document in the stream".into())),
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
    use super::parse;
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
}
