//! Search criteria and filters of the Search operations, evaluated on a stored resource's
//! members: nested `AndConditions`/`OrConditions`, `StringCondition`, `HierarchyGroupCondition`,
//! `ListCondition` (proficiencies), the tag filter and the attribute filters.

use serde_json::{Map, Value};

/// Whether a resource's members satisfy search criteria: `AndConditions`, `OrConditions`,
/// `StringCondition`s (on any member of that name, nested or not, case-insensitively named) and
/// `HierarchyGroupCondition`s (the resource's `HierarchyGroupId`, or with `WITH_CHILD_GROUPS` also
/// its ancestors, through `parent`) and `ListCondition`s (the user's proficiencies).
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
    let string = c.get("StringCondition").is_none_or(|s| {
        // `resourceid` names the resource's own id.
        let field = s.get("FieldName").and_then(Value::as_str).unwrap_or("");
        let mut value = attrs.clone();
        if field.eq_ignore_ascii_case("resourceid") {
            if let Some(id) = attrs.get("Id") {
                value.insert(field.to_owned(), id.clone());
            }
        }
        string_holds(s, &Value::Object(value))
    });
    let group = c.get("HierarchyGroupCondition").is_none_or(|h| in_group(h, attrs, parent));
    let list = c.get("ListCondition").is_none_or(|l| matches_list(l, attrs));
    all("AndConditions", false) && all("OrConditions", true) && string && group && list
}

/// A `HierarchyGroupCondition`: the resource's `HierarchyGroupId` is the group, or with
/// `WITH_CHILD_GROUPS` one of its descendants (found through `parent`).
fn in_group(condition: &Value, attrs: &Map<String, Value>, parent: &dyn Fn(&str) -> Option<String>) -> bool {
    let want = condition.get("Value").and_then(Value::as_str).unwrap_or("");
    let with_children = condition.get("HierarchyGroupMatchType").and_then(Value::as_str) == Some("WITH_CHILD_GROUPS");
    let mut at = attrs.get("HierarchyGroupId").and_then(Value::as_str).map(str::to_owned);
    // Up the parents (a bounded walk: the model allows five levels).
    for _ in 0..16 {
        let Some(g) = at else { break };
        if g == want {
            return true;
        }
        at = if with_children { parent(&g) } else { None };
    }
    false
}

/// A `ListCondition` on the user's proficiencies: some proficiency satisfies every condition
/// (string conditions on its `AttributeName`/`AttributeValue`, number conditions on its `Level`).
fn matches_list(condition: &Value, attrs: &Map<String, Value>) -> bool {
    let conditions = condition.get("Conditions").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let items = attrs.get("UserProficiencies").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    items.iter().any(|item| {
        conditions.iter().all(|c| {
            let string = c.get("StringCondition").is_none_or(|s| string_holds(s, item));
            let number = c.get("NumberCondition").is_none_or(|n| number_holds(n, item));
            string && number
        })
    })
}

/// A `StringCondition` on one field of `value` (case-insensitively named, at any depth).
fn string_holds(condition: &Value, value: &Value) -> bool {
    let field = condition.get("FieldName").and_then(Value::as_str).unwrap_or("");
    let want = condition.get("Value").and_then(Value::as_str).unwrap_or("");
    let how = condition.get("ComparisonType").and_then(Value::as_str).unwrap_or("EXACT");
    let mut found = Vec::new();
    collect_field(value, field, &mut found);
    found.iter().any(|got| match how {
        "STARTS_WITH" => got.to_lowercase().starts_with(&want.to_lowercase()),
        "CONTAINS" => got.to_lowercase().contains(&want.to_lowercase()),
        _ => got == want,
    })
}

/// A `NumberCondition` on a numeric field of `value` (`MinValue`/`MaxValue` by `ComparisonType`).
fn number_holds(condition: &Value, value: &Value) -> bool {
    let field = condition.get("FieldName").and_then(Value::as_str).unwrap_or("");
    let min = condition.get("MinValue").and_then(Value::as_f64);
    let max = condition.get("MaxValue").and_then(Value::as_f64);
    let Value::Object(map) = value else { return false };
    let Some(got) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(field)).and_then(|(_, v)| v.as_f64()) else {
        return false;
    };
    let at_least = |bound: Option<f64>, strict: bool| bound.is_none_or(|b| if strict { got > b } else { got >= b });
    let at_most = |bound: Option<f64>, strict: bool| bound.is_none_or(|b| if strict { got < b } else { got <= b });
    match condition.get("ComparisonType").and_then(Value::as_str).unwrap_or("RANGE") {
        "GREATER_OR_EQUAL" => at_least(min, false),
        "GREATER" => at_least(min, true),
        "LESSER_OR_EQUAL" => at_most(max, false),
        "LESSER" => at_most(max, true),
        "EQUAL" => min.or(max).is_none_or(|b| got == b),
        "NOT_EQUAL" => min.or(max).is_none_or(|b| got != b),
        _ => at_least(min, false) && at_most(max, false),
    }
}

/// A search filter on attributes: `UserAttributeFilter` of SearchUsers, `AttributeFilter` of
/// SearchUserHierarchyGroups and the others: a `TagCondition`, a `HierarchyGroupCondition`, an
/// `AndCondition` (its `TagConditions` and group condition all hold), or `OrConditions` (any one
/// of them holds).
pub fn matches_attributes(filter: &Value, attrs: &Map<String, Value>, parent: &dyn Fn(&str) -> Option<String>) -> bool {
    let and = |cond: &Value| {
        let tags = match cond.get("TagConditions") {
            Some(Value::Array(items)) => items.iter().all(|t| tag_holds(t, attrs)),
            _ => true,
        };
        tags && cond.get("HierarchyGroupCondition").is_none_or(|h| in_group(h, attrs, parent))
    };
    let single = filter.get("TagCondition").is_none_or(|t| tag_holds(t, attrs));
    let group = filter.get("HierarchyGroupCondition").is_none_or(|h| in_group(h, attrs, parent));
    let all = filter.get("AndCondition").is_none_or(and);
    let any = match filter.get("OrConditions") {
        Some(Value::Array(items)) if !items.is_empty() => items.iter().any(and),
        _ => true,
    };
    single && group && all && any
}

/// A `TagCondition`: the resource has the tag key, with the value when one is given.
fn tag_holds(cond: &Value, attrs: &Map<String, Value>) -> bool {
    let key = cond.get("TagKey").and_then(Value::as_str).unwrap_or("");
    let got = attrs.get("Tags").and_then(Value::as_object).and_then(|t| t.get(key)).and_then(Value::as_str);
    match cond.get("TagValue").and_then(Value::as_str) {
        Some(want) => got == Some(want),
        None => got.is_some(),
    }
}

/// Whether a resource's tags satisfy a search's tag filter: a `TagCondition`, all of
/// `AndConditions`, or all of any one list of `OrConditions` (a condition without a value asks
/// for the key only).
pub fn matches_tags(filter: &Value, attrs: &Map<String, Value>) -> bool {
    let holds = |cond: &Value| tag_holds(cond, attrs);
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
