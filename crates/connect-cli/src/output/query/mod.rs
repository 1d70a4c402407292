//! `--query`: JMESPath parsed by the `jmespath` crate and evaluated here over `serde_json::Value`
//! with Python jmespath's semantics (the AWS CLI's), so that objects keep their key order: the
//! response's order for selected objects, the expression's for multi-select hashes. The crate's
//! `Variable` keeps objects in a `BTreeMap`, so only function calls (whose built-ins come from
//! the crate) return objects with sorted keys.
//!
//! # Depth
//!
//! The crate's parser, its interpreter (for `&expression` arguments) and the drop of its syntax
//! tree recurse, one level per nesting. So that no expression can overflow the stack, an
//! expression is measured on its text before the crate sees it ([`measure`]), and it is parsed,
//! evaluated and taken apart on a thread with a known stack ([`STACK`]). Python's parser and
//! interpreter recurse too, and fail with `RecursionError` past about 250 to 500 levels depending
//! on the construct; the AWS CLI reports that as `Bad value for --query …: maximum recursion depth
//! exceeded` (a parameter error) when compiling, or as a general error (255) when evaluating.
//! Deeper than [`MAX_DEPTH`] fails the same way here. Chains of `.name` and `[index]`, which Python
//! parses into one flat node, are walked in a loop here and may be as long as a command line
//! allows.

use jmespath::ast::{Ast, Comparator};
use jmespath::{Context, DEFAULT_RUNTIME, Rcvar, Variable};
use serde_json::{Map, Value};

use super::QueryError;

mod text;
pub use text::{Depth, measure, missing_comma};

/// Nesting (brackets, projections, `!`, `&`, operator chains) beyond which an expression fails
/// as Python's does: at or above the depth where every construct exceeds Python's recursion
/// limit (1000 frames; `(`, `!` and filters take two frames a level, pipes and `||` one
/// interpreter frame and a half).
pub const MAX_DEPTH: usize = 500;

/// Links of a `.name` / `[index]` / `|` chain beyond which an expression fails: more than a
/// command line can hold (an argument is at most 128 KiB on Linux, two bytes a link at least).
pub const MAX_CHAIN: usize = 70_000;

/// The stack of the thread that parses and evaluates: room for [`MAX_DEPTH`] levels of the
/// crate's parser and of [`eval`], and for the crate's recursive drop of a [`MAX_CHAIN`]-link
/// chain when it abandons a tree on a syntax error.
pub const STACK: usize = 64 << 20;

/// Values an evaluation may copy or build, at least: multi-select lists and projections multiply
/// (`[@, @][][@, @][]…` doubles at every step), which Python's jmespath also does until it runs
/// out of memory. Past this budget (or [`BUDGET_PER_VALUE`] times the response's own values, if
/// that is more) the evaluation fails instead. A query that selects from a response copies each
/// of its values a few times at most.
pub const MIN_BUDGET: usize = 1 << 20;

/// The budget per value of the response (see [`MIN_BUDGET`]).
pub const BUDGET_PER_VALUE: usize = 16;

thread_local! {
    /// Values the evaluation on this thread may still copy or build.
    static BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Takes the values of `v` (each array, object and scalar in it) from the budget, or fails
/// when they exceed what is left. Walks in a loop, stopping as soon as the budget runs out.
fn spend(v: &Value) -> Result<(), String> {
    let mut left = BUDGET.get();
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        left = left.checked_sub(1).ok_or_else(|| {
            format!("the expression copies or builds more values than the budget of {MIN_BUDGET} (or {BUDGET_PER_VALUE} per value of the response)")
        })?;
        match v {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    BUDGET.set(left);
    Ok(())
}

/// Counts the values in `v`, up to `cap`.
fn count_values(v: &Value, cap: usize) -> usize {
    let mut n = 0;
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        n += 1;
        if n >= cap {
            break;
        }
        match v {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    n
}

/// Python's `RecursionError`, as `str()` reads it.
pub const TOO_DEEP: &str = "maximum recursion depth exceeded";

/// Compiles `expr` as the AWS CLI does when it reads its arguments (syntax only).
pub fn check(expr: &str) -> Result<(), QueryError> {
    let depth = measure(expr);
    compiled(expr, depth)?;
    on_stack(|| parse(expr).map(take_apart))?
}

/// Compiles `expr` and evaluates it against `data`.
pub fn apply(expr: &str, data: &Value) -> Result<Value, QueryError> {
    let depth = measure(expr);
    compiled(expr, depth)?;
    on_stack(|| {
        let ast = parse(expr)?;
        let result = if depth.eval > MAX_DEPTH {
            Err(QueryError { message: TOO_DEEP.to_owned(), evaluation: true })
        } else {
            evaluate(expr, &ast, data).map_err(|message| QueryError { message, evaluation: true })
        };
        take_apart(ast);
        result
    })?
}

/// The compile-time depth check: Python's parser fails with `RecursionError`.
fn compiled(expr: &str, depth: Depth) -> Result<(), QueryError> {
    if depth.parse > MAX_DEPTH || depth.chain > MAX_CHAIN {
        return Err(bad_value(expr, &TOO_DEEP));
    }
    Ok(())
}

fn bad_value(expr: &str, problem: &dyn std::fmt::Display) -> QueryError {
    QueryError { message: format!("Bad value for --query {expr}: {problem}"), evaluation: false }
}

fn parse(expr: &str) -> Result<Ast, QueryError> {
    let ast = jmespath::parse(expr).map_err(|e| bad_value(expr, &e))?;
    if let Some(at) = missing_comma(expr) {
        take_apart(ast);
        let reason = jmespath::ErrorReason::Parse("Expecting a comma".to_owned());
        return Err(bad_value(expr, &jmespath::JmespathError::new(expr, at, reason)));
    }
    Ok(ast)
}

/// Runs `f` on a thread with a [`STACK`]-byte stack.
fn on_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T, QueryError> {
    let failed = |what: String| QueryError { message: format!("cannot evaluate --query: {what}"), evaluation: true };
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("query".into())
            .stack_size(STACK)
            .spawn_scoped(scope, f)
            .map_err(|e| failed(e.to_string()))?;
        worker.join().map_err(|_| failed("the evaluation failed".to_owned()))
    })
}

/// Drops a syntax tree in a loop, not by recursion: a `.name` chain is as deep as it is long.
fn take_apart(ast: Ast) {
    let mut pending = vec![ast];
    while let Some(node) = pending.pop() {
        match node {
            Ast::Subexpr { lhs, rhs, .. }
            | Ast::Or { lhs, rhs, .. }
            | Ast::And { lhs, rhs, .. }
            | Ast::Comparison { lhs, rhs, .. }
            | Ast::Projection { lhs, rhs, .. } => pending.extend([*lhs, *rhs]),
            Ast::Condition { predicate, then, .. } => pending.extend([*predicate, *then]),
            Ast::Not { node, .. } | Ast::Flatten { node, .. } | Ast::ObjectValues { node, .. } => pending.push(*node),
            Ast::Expref { ast, .. } => pending.push(*ast),
            Ast::MultiList { elements, .. } => pending.extend(elements),
            Ast::Function { args, .. } => pending.extend(args),
            Ast::MultiHash { elements, .. } => pending.extend(elements.into_iter().map(|kvp| kvp.value)),
            Ast::Field { .. } | Ast::Identity { .. } | Ast::Index { .. } | Ast::Literal { .. } | Ast::Slice { .. } => {}
        }
    }
}

/// Evaluates `ast` (parsed from `expression`) against `data`.
pub fn evaluate(expression: &str, ast: &Ast, data: &Value) -> Result<Value, String> {
    let own = count_values(data, usize::MAX / BUDGET_PER_VALUE);
    BUDGET.set(MIN_BUDGET.max(own * BUDGET_PER_VALUE));
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
        Ast::Field { name, .. } => match data.get(name.as_str()) {
            Some(v) => {
                spend(v)?;
                v.clone()
            }
            None => Value::Null,
        },
        Ast::Subexpr { .. } => {
            // A chain (`a.b[0].c`, `a | b`) is a tree as deep as it is long, leaning left: walk
            // it in a loop.
            let mut links = Vec::new();
            let mut first = node;
            while let Ast::Subexpr { lhs, rhs, .. } = first {
                links.push(&**rhs);
                first = lhs;
            }
            let mut value = eval(first, data, ctx)?;
            for link in links.into_iter().rev() {
                value = eval(link, &value, ctx)?;
            }
            value
        }
        Ast::Identity { .. } => {
            spend(data)?;
            data.clone()
        }
        Ast::Literal { value, .. } => {
            let value = serde_json::to_value(&**value).map_err(|e| e.to_string())?;
            spend(&value)?;
            value
        }
        Ast::Index { idx, .. } => match data {
            Value::Array(items) => {
                let i = if *idx < 0 { items.len() as i64 + *idx as i64 } else { *idx as i64 };
                match usize::try_from(i).ok().and_then(|i| items.get(i)) {
                    Some(v) => {
                        spend(v)?;
                        v.clone()
                    }
                    None => Value::Null,
                }
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
                for item in items {
                    // `a[]`, `a[*]`: the items themselves, not copies.
                    let v = if matches!(**rhs, Ast::Identity { .. }) { item } else { eval(rhs, &item, ctx)? };
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
            Value::Array(items) if *step != 0 => {
                let picked = Value::Array(slice(items, *start, *stop, *step));
                spend(&picked)?;
                picked
            }
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
            let result = serde_json::to_value(&*result).map_err(|e| e.to_string())?;
            spend(&result)?;
            result
        }
        Ast::Expref { .. } => return Err("expression references are only valid as function arguments".into()),
    })
}

fn to_var(v: &Value) -> Result<Rcvar, String> {
    spend(v)?;
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

    fn too_deep_to_compile(expr: &str) {
        let e = check(expr).unwrap_err();
        let tail = &e.message[e.message.len().saturating_sub(80)..];
        assert!(!e.evaluation && e.message.ends_with(": maximum recursion depth exceeded"), "{tail}");
        assert_eq!(apply(expr, &json!({})), Err(e));
    }

    fn too_deep_to_evaluate(expr: &str) {
        assert_eq!(check(expr), Ok(()));
        assert_eq!(apply(expr, &json!({})), Err(QueryError { message: TOO_DEEP.into(), evaluation: true }));
    }

    /// Python parses `.name` and `[index]` chains into one flat node: any length a command line
    /// holds evaluates (the AWS CLI prints `null` for 40,000 `[0]` on an object).
    #[test]
    fn long_chains_evaluate() {
        assert_eq!(apply(&"[0]".repeat(40_000), &json!({"a": 1})), Ok(Value::Null));
        assert_eq!(apply(&"[0]".repeat(40_000), &json!([[[7]]])), Ok(Value::Null));
        assert_eq!(apply(&"[0]".repeat(3), &json!([[[7]]])), Ok(json!(7)));
        let dots = format!("a{}", ".a".repeat(65_000));
        assert_eq!(apply(&dots, &json!({"a": {"a": 1}})), Ok(Value::Null));
        assert_eq!(apply("a.a.a", &json!({"a": {"a": {"a": 3}}})), Ok(json!(3)));
        // A syntax error at the end of a long chain: the crate drops the chain it built.
        assert!(!check(&format!("{dots}[")).unwrap_err().message.contains("recursion"));
        too_deep_to_compile(&format!("a{}", ".a".repeat(MAX_CHAIN + 1)));
    }

    /// Nesting that Python's parser recurses on fails to compile, whatever the construct.
    #[test]
    fn deep_nesting_fails_to_compile() {
        let n = 40_000;
        too_deep_to_compile(&format!("{}a{}", "[".repeat(n), "]".repeat(n)));
        too_deep_to_compile(&format!("{}a{}", "(".repeat(n), ")".repeat(n)));
        too_deep_to_compile(&format!("{}b{}", "{a:".repeat(n), "}".repeat(n)));
        too_deep_to_compile(&format!("{}b{}", "a[?".repeat(n), "]".repeat(n)));
        too_deep_to_compile(&format!("{}a", "!".repeat(n)));
        too_deep_to_compile(&format!("{}a{}", "sort_by(@, &".repeat(n), ")".repeat(n)));
        too_deep_to_compile(&format!("a{}", "[*]".repeat(n)));
        too_deep_to_compile(&format!("a{}", "[]".repeat(n)));
        too_deep_to_compile(&format!("a{}", "[1:]".repeat(n)));
        too_deep_to_compile(&format!("{}a{}", "length(".repeat(n), ")".repeat(n)));
        // Unbalanced: the depth is reached before the syntax error.
        too_deep_to_compile(&"(".repeat(n));
        // Within the limit, a nesting evaluates.
        assert_eq!(apply(&format!("{}a{}", "(".repeat(400), ")".repeat(400)), &json!({"a": 1})), Ok(json!(1)));
        let nested = apply(&format!("{}a{}", "[".repeat(300), "]".repeat(300)), &json!({"a": 1})).unwrap();
        let (mut depth, mut inner) = (0, &nested);
        while let Value::Array(items) = inner {
            (depth, inner) = (depth + 1, &items[0]);
        }
        assert_eq!((depth, inner), (300, &json!(1)));
    }

    /// Chains that Python's interpreter recurses on fail when evaluated (after the request).
    #[test]
    fn long_operator_chains_fail_to_evaluate() {
        let n = 40_000;
        too_deep_to_evaluate(&format!("a{}", "|a".repeat(n)));
        too_deep_to_evaluate(&format!("a{}", "||a".repeat(n)));
        too_deep_to_evaluate(&format!("a{}", "&&a".repeat(n)));
        too_deep_to_evaluate(&format!("sort_by(@, &a{})", ".a".repeat(2_000)));
        assert_eq!(apply(&format!("a{}", "|a".repeat(400)), &json!({"a": {"a": 1}})), Ok(Value::Null));
    }

    #[test]
    fn multiplying_expressions_stop_at_the_budget() {
        let ten = format!("[{}][]", ["@"; 10].join(", "));
        assert_eq!(apply(&ten.repeat(3), &json!(1)).map(|v| v.as_array().map(Vec::len)), Ok(Some(1000)));
        let e = apply(&ten.repeat(9), &json!(1)).unwrap_err();
        assert!(e.evaluation && e.message.contains("budget"), "{e:?}");
        // The budget grows with the response: a large response can be copied a few times.
        let big = Value::Array(vec![json!({"a": 1, "b": [1, 2]}); 1 << 16]);
        let copies = format!("[{}][][].a", ["@"; 12].join(", "));
        const { assert!((12 * 5) << 16 > MIN_BUDGET) };
        assert_eq!(apply(&copies, &big).map(|v| v.as_array().map(Vec::len)), Ok(Some(12 << 16)));
    }
}
