//! `--query`: JMESPath parsed by the `jmespath` crate and evaluated here over `serde_json::Value`
//! with Python jmespath's semantics (the AWS CLI's), so that objects keep their key order: the
//! response's order for selected objects, the expression's for multi-select hashes. The crate's
//! `Variable` keeps objects in a `BTreeMap`, so only function calls (whose built-ins come from
//! the crate) return objects with sorted keys.

use jmespath::ast::{Ast, Comparator};
use jmespath::{Context, DEFAULT_RUNTIME, Rcvar, Variable};
use serde_json::{Map, Value};

/// Evaluates `ast` (parsed from `expression`) against `data`.
pub fn evaluate(expression: &str, ast: &Ast, data: &Value) -> Result<Value, String> {
    let mut ctx = Context::new(expression, &DEFAULT_RUNTIME);
    eval(ast, data, &mut ctx)
}

/// Python jmespath's false values: `''`, `[]`, `{}`, `None`, `False`.
fn is_false(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Number(_) => false,
    }
}

fn eval(node: &Ast, data: &Value, ctx: &mut Context<'_>) -> Result<Value, String> {
    Ok(match node {
        Ast::Field { name, .. } => data.get(name.as_str()).cloned().unwrap_or(Value::Null),
        Ast::Subexpr { lhs, rhs, .. } => {
            let left = eval(lhs, data, ctx)?;
            eval(rhs, &left, ctx)?
        }
        Ast::Identity { .. } => data.clone(),
        Ast::Literal { value, .. } => serde_json::to_value(&**value).map_err(|e| e.to_string())?,
        Ast::Index { idx, .. } => match data {
            Value::Array(items) => {
                let i = if *idx < 0 { items.len() as i64 + *idx as i64 } else { *idx as i64 };
                usize::try_from(i).ok().and_then(|i| items.get(i)).cloned().unwrap_or(Value::Null)
            }
            _ => Value::Null,
        },
        Ast::Or { lhs, rhs, .. } => {
            let left = eval(lhs, data, ctx)?;
            if is_false(&left) { eval(rhs, data, ctx)? } else { left }
        }
        Ast::And { lhs, rhs, .. } => {
            let left = eval(lhs, data, ctx)?;
            if is_false(&left) { left } else { eval(rhs, data, ctx)? }
        }
        Ast::Not { node, .. } => {
            let v = eval(node, data, ctx)?;
            // Python's `not`, except that `!0` is false.
            Value::Bool(match &v {
                Value::Number(_) => false,
                other => !super::truthy(other),
            })
        }
        Ast::Condition { predicate, then, .. } => {
            if is_false(&eval(predicate, data, ctx)?) {
                Value::Null
            } else {
                eval(then, data, ctx)?
            }
        }
        Ast::Comparison { comparator, lhs, rhs, .. } => {
            let left = eval(lhs, data, ctx)?;
            let right = eval(rhs, data, ctx)?;
            compare(comparator, &left, &right)
        }
        Ast::ObjectValues { node, .. } => match eval(node, data, ctx)? {
            Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
            _ => Value::Null,
        },
        Ast::Projection { lhs, rhs, .. } => match eval(lhs, data, ctx)? {
            Value::Array(items) => {
                let mut collected = Vec::new();
                for item in &items {
                    let v = eval(rhs, item, ctx)?;
                    if !v.is_null() {
                        collected.push(v);
                    }
                }
                Value::Array(collected)
            }
            _ => Value::Null,
        },
        Ast::Flatten { node, .. } => match eval(node, data, ctx)? {
            Value::Array(items) => {
                let mut collected = Vec::new();
                for item in items {
                    match item {
                        Value::Array(inner) => collected.extend(inner),
                        other => collected.push(other),
                    }
                }
                Value::Array(collected)
            }
            _ => Value::Null,
        },
        Ast::MultiList { elements, .. } => {
            if data.is_null() {
                Value::Null
            } else {
                Value::Array(elements.iter().map(|e| eval(e, data, ctx)).collect::<Result<_, _>>()?)
            }
        }
        Ast::MultiHash { elements, .. } => {
            if data.is_null() {
                Value::Null
            } else {
                let mut map = Map::new();
                for kvp in elements {
                    let v = eval(&kvp.value, data, ctx)?;
                    map.insert(kvp.key.clone(), v);
                }
                Value::Object(map)
            }
        }
        Ast::Slice { start, stop, step, .. } => match data {
            Value::Array(items) if *step != 0 => Value::Array(slice(items, *start, *stop, *step)),
            Value::Array(_) => return Err("slice step cannot be 0".into()),
            _ => Value::Null,
        },
        Ast::Function { name, args, offset } => {
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                let v = match arg {
                    Ast::Expref { ast, .. } => Rcvar::new(Variable::Expref((**ast).clone())),
                    other => to_var(&eval(other, data, ctx)?)?,
                };
                values.push(v);
            }
            ctx.offset = *offset;
            let f = ctx.runtime.get_function(name).ok_or_else(|| format!("Unknown function: {name}()"))?;
            let result = f.evaluate(&values, ctx).map_err(|e| e.to_string())?;
            serde_json::to_value(&*result).map_err(|e| e.to_string())?
        }
        Ast::Expref { .. } => return Err("expression references are only valid as function arguments".into()),
    })
}

fn to_var(v: &Value) -> Result<Rcvar, String> {
    Variable::try_from(v).map(Rcvar::new).map_err(|e| e.to_string())
}

/// Python jmespath's comparators: equality is Python's `==` (with `0`/`1` never equal to a
/// boolean); ordering only between numbers or between strings, else `null`.
fn compare(comparator: &Comparator, left: &Value, right: &Value) -> Value {
    match comparator {
        Comparator::Equal => Value::Bool(py_eq(left, right)),
        Comparator::NotEqual => Value::Bool(!py_eq(left, right)),
        _ => {
            let ordering = match (left, right) {
                (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
                (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                _ => None,
            };
            match ordering {
                None => Value::Null,
                Some(o) => Value::Bool(match comparator {
                    Comparator::LessThan => o.is_lt(),
                    Comparator::LessThanEqual => o.is_le(),
                    Comparator::GreaterThan => o.is_gt(),
                    _ => o.is_ge(),
                }),
            }
        }
    }
}

fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Python's `list[start:stop:step]`.
fn slice(items: &[Value], start: Option<i32>, stop: Option<i32>, step: i32) -> Vec<Value> {
    let n = items.len() as i64;
    let step = step as i64;
    let adjust = |v: Option<i32>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(v) => {
                let v = v as i64;
                let v = if v < 0 { v + n } else { v };
                v.clamp(lo, hi)
            }
        }
    };
    let mut out = Vec::new();
    if step > 0 {
        let (mut i, end) = (adjust(start, 0, 0, n), adjust(stop, n, 0, n));
        while i < end {
            out.push(items[i as usize].clone());
            i += step;
        }
    } else {
        let (mut i, end) = (adjust(start, n - 1, -1, n - 1), adjust(stop, -1, -1, n - 1));
        while i > end {
            out.push(items[i as usize].clone());
            i += step;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(expr: &str, data: Value) -> Value {
        let ast = jmespath::parse(expr).unwrap();
        evaluate(expr, &ast, &data).unwrap()
    }

    #[test]
    fn keeps_order_and_python_semantics() {
        let data = json!({"b": {"z": 1, "a": 2}, "l": [0, 1, 2, 3, 4], "t": true});
        assert_eq!(serde_json::to_string(&q("b", data.clone())).unwrap(), r#"{"z":1,"a":2}"#);
        assert_eq!(serde_json::to_string(&q("{y: t, x: b.a}", data.clone())).unwrap(), r#"{"y":true,"x":2}"#);
        assert_eq!(q("l[::-2]", data.clone()), json!([4, 2, 0]));
        assert_eq!(q("l[-2:]", data.clone()), json!([3, 4]));
        assert_eq!(q("l[-1]", data.clone()), json!(4));
        assert_eq!(q("l[?@ > `2`]", data.clone()), json!([3, 4]));
        assert_eq!(q("`1` == t", data.clone()), json!(false));
        assert_eq!(q("!`0`", data.clone()), json!(false));
        assert_eq!(q("length(l)", data.clone()), json!(5));
        assert_eq!(q("sort_by(`[{\"k\": 2}, {\"k\": 1}]`, &k)[0].k", data), json!(1));
    }
}
