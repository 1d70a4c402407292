//! Search criteria and filters of the Search operations, evaluated on a stored resource's
//! members: nested `AndConditions`/`OrConditions`, `StringCondition`, `HierarchyGroupCondition`,
//! and the tag filter.

use serde_json::{Map, Value};

/// Whether a resource's members satisfy search criteria: `AndConditions`, `OrConditions`,
/// `StringCondition`s (on any member of that name, nested or not, case-insensitively named) and
/// `HierarchyGroupCondition`s (the resource's `HierarchyGroupId`, or with `WITH_CHILD_GROUPS` also
/// its ancestors, through `parent`); conditions of other kinds are not evaluated and hold.
pub fn matches_criteria(criteria: &Value, attrs: &Map<String, Value>, parent: &dyn Fn(&str) -> Option<String>) -> bool {
    let Value::Object(c) = criteria else { return true };
    let all = |key: &str, any: bool| match c.get(key) {
        Some(Value::Array(items)) if !items.is_empty() => {
            if any {
                items.iter().any(|i| matches_criteria(i, attrs, parent))
            } else {
                items.iter().all(|i| matches_criteria(i, attrs, parent))
            }
        }
        _ => true,
    };
    let string = match c.get("StringCondition") {
        Some(Value::Object(s)) => {
            let field = s.get("FieldName").and_then(Value::as_str).unwrap_or("");
            let want = s.get("Value").and_then(Value::as_str).unwrap_or("");
            let how = s.get("ComparisonType").and_then(Value::as_str).unwrap_or("EXACT");
            let mut found = Vec::new();
            collect_field(&Value::Object(attrs.clone()), field, &mut found);
            let field_is_id = field.eq_ignore_ascii_case("resourceid");
            if field_is_id {
                found.extend(attrs.get("Id").and_then(Value::as_str).map(str::to_owned));
            }
            found.iter().any(|got| match how {
                "STARTS_WITH" => got.to_lowercase().starts_with(&want.to_lowercase()),
                "CONTAINS" => got.to_lowercase().contains(&want.to_lowercase()),
                _ => got == want,
            })
        }
        _ => true,
    };
    let group = match c.get("HierarchyGroupCondition") {
        Some(Value::Object(h)) => {
            let want = h.get("Value").and_then(Value::as_str).unwrap_or("");
            let with_children = h.get("HierarchyGroupMatchType").and_then(Value::as_str) == Some("WITH_CHILD_GROUPS");
            let mut at = attrs.get("HierarchyGroupId").and_then(Value::as_str).map(str::to_owned);
            let mut found = false;
            // Up the parents (a bounded walk: the model allows five levels).
            for _ in 0..16 {
                let Some(g) = at else { break };
                if g == want {
                    found = true;
                    break;
                }
                at = if with_children { parent(&g) } else { None };
            }
            found
        }
        _ => true,
    };
    all("AndConditions", false) && all("OrConditions", true) && string && group
}

/// Whether a resource's tags satisfy a search's tag filter: a `TagCondition`, all of
/// `AndConditions`, or all of any one list of `OrConditions` (a condition without a value asks
/// for the key only).
pub fn matches_tags(filter: &Value, attrs: &Map<String, Value>) -> bool {
    let tags = attrs.get("Tags").and_then(Value::as_object);
    let holds = |cond: &Value| {
        let key = cond.get("TagKey").and_then(Value::as_str).unwrap_or("");
        let got = tags.and_then(|t| t.get(key)).and_then(Value::as_str);
        match cond.get("TagValue").and_then(Value::as_str) {
            Some(want) => got == Some(want),
            None => got.is_some(),
        }
    };
    let single = filter.get("TagCondition").is_none_or(holds);
    let and = match filter.get("AndConditions") {
        Some(Value::Array(items)) => items.iter().all(holds),
        _ => true,
    };
    let or = match filter.get("OrConditions") {
        Some(Value::Array(lists)) if !lists.is_empty() => {
            lists.iter().any(|list| list.as_array().is_some_and(|l| l.iter().all(holds)))
        }
        _ => true,
    };
    single && and && or
}

fn collect_field(value: &Value, field: &str, found: &mut Vec<String>) {
    if let Value::Object(map) = value {
        for (k, v) in map {
            if k.eq_ignore_ascii_case(field) {
                if let Some(s) = v.as_str() {
                    found.push(s.to_owned());
                }
            }
            collect_field(v, field, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn criteria() {
        let attrs: Map<String, Value> =
            serde_json::from_value(json!({"Username": "mary", "IdentityInfo": {"FirstName": "Mary"}})).unwrap();
        let none = |_: &str| None;
        let c = |v: Value| matches_criteria(&v, &attrs, &none);
        assert!(c(
            json!({"StringCondition": {"FieldName": "firstname", "Value": "Ma", "ComparisonType": "STARTS_WITH"}})
        ));
        assert!(!c(json!({"StringCondition": {"FieldName": "Username", "Value": "bob", "ComparisonType": "EXACT"}})));
        assert!(c(
            json!({"OrConditions": [{"StringCondition": {"FieldName": "Username", "Value": "bob"}}, {"StringCondition": {"FieldName": "Username", "Value": "mary"}}]})
        ));
        assert!(!c(
            json!({"AndConditions": [{"StringCondition": {"FieldName": "Username", "Value": "bob"}}, {"StringCondition": {"FieldName": "Username", "Value": "mary"}}]})
        ));
    }
}
