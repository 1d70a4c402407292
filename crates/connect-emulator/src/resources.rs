//! The stateful operations, by resource kind: the tables of `kinds` say which operations create,
//! describe, list, search, update and delete each kind, which members name it and what refers to
//! it; the behaviour here is the same for every kind and reads the shapes of the model.

use connect_core::model::{Kind, Location, Operation, Shape};
use serde_json::{Map, Value, json};

pub use crate::kinds::{Action, INSTANCE, KINDS, KindSpec, classify, spec};
use crate::kinds::{INSTANCE_CONTENTS, REFERENCES};
use crate::output::{self, Answer, Context, conform, generate, op_error};
use crate::search::{matches_attributes, matches_criteria, matches_tags};
use crate::state::{Resource, Scope};

fn spec_of(kind: &str) -> &'static KindSpec {
    KINDS.iter().find(|k| k.kind == kind).unwrap_or(&KINDS[0])
}

/// A readable kind name for messages (`routing-profile` → `Routing profile`).
fn title(kind: &str) -> String {
    let text = kind.replace('-', " ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The request's `InstanceId`, given as an id or as the instance's ARN.
pub fn instance_id(input: &Map<String, Value>) -> &str {
    let id = text(input, "InstanceId").unwrap_or_default();
    id.rsplit('/').next().unwrap_or(id)
}

/// Checks, for an operation without stateful behaviour, that the resources its request names
/// exist in the instance: the members that carry a kept kind's id (`UserId`, `RoutingProfileId`,
/// …) and the references of [`REFERENCES`].
pub fn check_named(op: &Operation, input: &Map<String, Value>, scope: &Scope) -> Result<(), Answer> {
    let instance = Some(instance_id(input));
    for spec in KINDS.iter().filter(|k| k.kind != INSTANCE) {
        if let Some(id) = text(input, spec.id_member) {
            if scope.find(spec.kind, instance, id).is_none() {
                let message = format!("{} not found: {id}", title(spec.kind));
                return Err(op_error(op, output::NOT_FOUND, 404, &message));
            }
        }
    }
    check_references(op, input, instance, scope)
}

fn text<'a>(input: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    input.get(name).and_then(Value::as_str)
}

/// The outcome of a stateful operation: the output document and whether the state changed.
pub type Outcome = Result<(Map<String, Value>, bool), Answer>;

/// Runs a stateful operation on a scope.
pub fn run(
    action: Action,
    spec: &'static KindSpec,
    op: &'static Operation,
    input: &Map<String, Value>,
    scope: &mut Scope,
    cx: &mut Context<'_>,
) -> Outcome {
    match action {
        Action::Tag | Action::Untag | Action::ListTags => return tags(action, op, input, scope, cx),
        _ => {}
    }
    let instance = if spec.kind == INSTANCE {
        None
    } else {
        let id = instance_id(input);
        if scope.find(INSTANCE, None, id).is_none() {
            return Err(op_error(op, output::NOT_FOUND, 404, &format!("Instance not found: {id}")));
        }
        Some(id.to_owned())
    };
    let instance = instance.as_deref();
    match action {
        Action::Create => create(spec, op, input, instance, scope, cx),
        Action::List | Action::Search => list(action, spec, op, input, instance, scope, cx),
        Action::Describe | Action::Update | Action::Delete => {
            let id = if spec.kind == INSTANCE {
                instance_id(input).to_owned()
            } else {
                text(input, spec.id_member).unwrap_or_default().to_owned()
            };
            if scope.find(spec.kind, instance, &id).is_none() {
                return Err(op_error(op, output::NOT_FOUND, 404, &format!("{} not found: {id}", title(spec.kind))));
            }
            match action {
                Action::Describe => {
                    let res =
                        scope.find(spec.kind, instance, &id).cloned().unwrap_or_else(|| unreachable_resource(spec));
                    let mut out = Map::new();
                    for m in op.output().map_or(&[][..], |s| s.members()) {
                        // A setting stored under its own name (an instance's hierarchy structure).
                        if let Some(v) = res.attrs.get(m.name()).and_then(|v| conform(m.target(), v)) {
                            out.insert(m.name().to_owned(), v);
                        } else if let Kind::Structure(_) = m.target().kind() {
                            out.insert(m.name().to_owned(), render(&res, m.target(), cx));
                        } else if m.required() {
                            out.insert(m.name().to_owned(), generate(m.target(), m.name(), cx, 1));
                        }
                    }
                    Ok((out, false))
                }
                Action::Delete => {
                    check_unused(spec, op, instance, &id, scope)?;
                    scope.remove(spec.kind, instance, &id);
                    Ok((required_output(op, cx), true))
                }
                _ => update(spec, op, input, instance, &id, scope, cx),
            }
        }
        _ => Ok((required_output(op, cx), false)),
    }
}

fn unreachable_resource(spec: &KindSpec) -> Resource {
    Resource { kind: spec.kind.into(), id: String::new(), arn: String::new(), instance: None, attrs: Map::new() }
}

/// The required members of `op`'s output, generated.
fn required_output(op: &Operation, cx: &mut Context<'_>) -> Map<String, Value> {
    let mut out = Map::new();
    for m in op.output().map_or(&[][..], |s| s.members()).iter().filter(|m| m.required()) {
        out.insert(m.name().to_owned(), generate(m.target(), m.name(), cx, 1));
    }
    out
}

/// A resource as a value of `shape`: its stored members where they fit, required ones generated.
fn render(res: &Resource, shape: &'static Shape, cx: &mut Context<'_>) -> Value {
    let mut out = Map::new();
    for m in shape.members() {
        match res.attrs.get(m.name()).and_then(|v| conform(m.target(), v)) {
            Some(v) => {
                out.insert(m.name().to_owned(), v);
            }
            None if m.required() => {
                out.insert(m.name().to_owned(), generate(m.target(), m.name(), cx, 2));
            }
            None => {}
        }
    }
    Value::Object(out)
}

/// The members of a request that the resource keeps: body members that are not idempotency
/// tokens nor secrets.
fn kept_members(op: &Operation, input: &Map<String, Value>) -> Map<String, Value> {
    let mut attrs = Map::new();
    for m in op.input().map_or(&[][..], |s| s.members()) {
        if m.location() != Location::Body || m.idempotency_token() || m.target().sensitive() || m.name() == "InstanceId"
        {
            continue;
        }
        if let Some(v) = input.get(m.name()) {
            attrs.insert(m.name().to_owned(), v.clone());
        }
    }
    attrs
}

/// Checks that every referenced resource exists in the instance.
fn check_references(
    op: &Operation,
    input: &Map<String, Value>,
    instance: Option<&str>,
    scope: &Scope,
) -> Result<(), Answer> {
    for (member, kind) in REFERENCES {
        let is_body = op.input().and_then(|s| s.member(member)).is_some_and(|m| m.location() == Location::Body);
        let Some(value) = input.get(*member).filter(|_| is_body) else { continue };
        let ids: Vec<&str> = match value {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            other => other.as_str().into_iter().collect(),
        };
        for id in ids {
            if scope.find(kind, instance, id).is_none() {
                let message = format!("{} not found: {id} (in {member})", title(kind));
                return Err(op_error(op, output::NOT_FOUND, 404, &message));
            }
        }
    }
    Ok(())
}

/// Refuses to delete a resource that another resource of the instance refers to (a routing
/// profile, security profile or hierarchy group of a user, a hierarchy group that is another's
/// parent), as Connect does, with the modeled `ResourceInUseException` naming the first referrer.
fn check_unused(
    spec: &KindSpec,
    op: &Operation,
    instance: Option<&str>,
    id: &str,
    scope: &Scope,
) -> Result<(), Answer> {
    let members: Vec<&str> = REFERENCES.iter().filter(|(_, kind)| *kind == spec.kind).map(|(m, _)| *m).collect();
    if members.is_empty() || instance.is_none() || !op.errors().any(|e| e.name() == "ResourceInUseException") {
        return Ok(());
    }
    // A resource names itself by its id member too: only others count.
    let refers = |r: &&Resource| {
        !(r.kind == spec.kind && r.id == id)
            && members.iter().any(|m| match r.attrs.get(*m) {
                Some(Value::String(v)) => v == id,
                Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(id)),
                _ => false,
            })
    };
    let in_instance = || scope.resources.iter().filter(|r| r.instance.as_deref() == instance);
    let Some(referrer) = in_instance().filter(|r| r.kind == "user").find(refers).or_else(|| in_instance().find(refers))
    else {
        return Ok(());
    };
    let users = scope.list("user", instance).filter(refers).count();
    let message = match users {
        0 => format!("{} {id} is in use by {} {}", title(spec.kind), title(&referrer.kind).to_lowercase(), referrer.id),
        n => format!("{} {id} is in use by {n} user(s)", title(spec.kind)),
    };
    let resource_type = match referrer.kind.as_str() {
        "user" => "USER",
        _ => "HIERARCHY_GROUP",
    };
    let (code, status) = output::modeled_error(op, &["ResourceInUseException"], 409);
    Err(output::error_with(
        status,
        code,
        &message,
        &[("ResourceType", json!(resource_type)), ("ResourceId", json!(referrer.arn))],
    ))
}

/// Refuses a name another resource of the kind has, where the operation models the error.
fn check_unique(
    spec: &KindSpec,
    op: &Operation,
    name: Option<&str>,
    instance: Option<&str>,
    except: Option<&str>,
    scope: &Scope,
) -> Result<(), Answer> {
    let Some(name) = name else { return Ok(()) };
    if !op.errors().any(|e| e.name() == "DuplicateResourceException") {
        return Ok(());
    }
    let taken = scope
        .list(spec.kind, instance)
        .any(|r| Some(r.id.as_str()) != except && r.attrs.get(spec.name_member).and_then(Value::as_str) == Some(name));
    if taken {
        let message = format!("{} with {} {name} already exists", title(spec.kind), spec.name_member);
        return Err(op_error(op, &["DuplicateResourceException"], 409, &message));
    }
    Ok(())
}

pub fn arn(spec: &KindSpec, cx: &Context<'_>, instance: Option<&str>, id: &str) -> String {
    match instance {
        None => format!("arn:aws:connect:{}:{}:instance/{id}", cx.region, cx.account),
        Some(i) => format!("arn:aws:connect:{}:{}:instance/{i}/{}/{id}", cx.region, cx.account, spec.arn_path),
    }
}

/// Makes and stores a resource from its members.
fn insert(
    spec: &KindSpec,
    mut attrs: Map<String, Value>,
    instance: Option<&str>,
    scope: &mut Scope,
    cx: &mut Context<'_>,
) -> Resource {
    let id = (cx.ids)();
    let arn = arn(spec, cx, instance, &id);
    for (name, template) in spec.defaults {
        let text = template.replace("{account}", cx.account).replace("{region}", cx.region).replace("{id}", &id);
        if let Ok(v) = serde_json::from_str(&text) {
            attrs.entry(name.to_string()).or_insert(v);
        }
    }
    if let Some(name) = attrs.get(spec.name_member).cloned() {
        attrs.entry("Name").or_insert(name);
    }
    attrs.insert("Id".into(), json!(id));
    attrs.insert(spec.id_member.into(), json!(id));
    attrs.insert("Arn".into(), json!(arn));
    if let Some(i) = instance {
        attrs.insert("InstanceId".into(), json!(i));
    }
    attrs.insert("CreatedTime".into(), json!(cx.now));
    attrs.insert("LastModifiedTime".into(), json!(cx.now));
    attrs.insert("LastModifiedRegion".into(), json!(cx.region));
    let res = Resource { kind: spec.kind.into(), id, arn, instance: instance.map(str::to_owned), attrs };
    scope.push(res.clone());
    res
}

fn create(
    spec: &'static KindSpec,
    op: &'static Operation,
    input: &Map<String, Value>,
    instance: Option<&str>,
    scope: &mut Scope,
    cx: &mut Context<'_>,
) -> Outcome {
    check_references(op, input, instance, scope)?;
    check_unique(spec, op, text(input, spec.name_member), instance, None, scope)?;
    let mut res = insert(spec, kept_members(op, input), instance, scope, cx);
    let mut out = Map::new();
    for m in op.output().map_or(&[][..], |s| s.members()) {
        if m.name().ends_with("Arn") {
            out.insert(m.name().to_owned(), json!(res.arn));
            res.attrs.insert(m.name().to_owned(), json!(res.arn));
        } else if m.name().ends_with("Id") {
            out.insert(m.name().to_owned(), json!(res.id));
        } else if m.required() {
            out.insert(m.name().to_owned(), generate(m.target(), m.name(), cx, 1));
        }
    }
    // The output's ARN member name (`UserArn`) is also how the resource's shapes call it.
    if let Some(stored) = scope.find_mut(spec.kind, instance, &res.id) {
        stored.attrs = res.attrs.clone();
    }
    if spec.kind == INSTANCE {
        for (kind, members) in INSTANCE_CONTENTS {
            let child = spec_of(kind);
            let attrs: Map<String, Value> = serde_json::from_str(members).unwrap_or_default();
            let made = insert(child, attrs, Some(&res.id), scope, cx);
            // The ARN under the kind's own member name, as its create operation would answer.
            let arn_member = child.id_member.replace("Id", "Arn");
            if let Some(stored) = scope.find_mut(kind, Some(&res.id), &made.id) {
                stored.attrs.insert(arn_member, json!(made.arn));
            }
        }
    }
    Ok((out, true))
}

fn update(
    spec: &'static KindSpec,
    op: &'static Operation,
    input: &Map<String, Value>,
    instance: Option<&str>,
    id: &str,
    scope: &mut Scope,
    cx: &mut Context<'_>,
) -> Outcome {
    check_references(op, input, instance, scope)?;
    check_unique(spec, op, text(input, spec.name_member), instance, Some(id), scope)?;
    let changes = kept_members(op, input);
    // An update of one optional member (a user's hierarchy group) without it clears it.
    let body: Vec<_> = op
        .input()
        .map_or(&[][..], |s| s.members())
        .iter()
        .filter(|m| m.location() == Location::Body && !m.idempotency_token() && m.name() != "InstanceId")
        .collect();
    let cleared = match body[..] {
        [only] if !only.required() && !input.contains_key(only.name()) => Some(only.name()),
        _ => None,
    };
    let out = required_output(op, cx);
    let Some(res) = scope.find_mut(spec.kind, instance, id) else { return Ok((out, false)) };
    if let Some(name) = cleared {
        res.attrs.remove(name);
    }
    for (k, v) in changes {
        if k == spec.name_member {
            res.attrs.insert("Name".into(), v.clone());
        }
        res.attrs.insert(k, v);
    }
    res.attrs.insert("LastModifiedTime".into(), json!(cx.now));
    res.attrs.insert("LastModifiedRegion".into(), json!(cx.region));
    Ok((out, true))
}

/// The list member of an output that holds the page's items.
fn items_member(op: &Operation) -> Option<(&'static str, &'static Shape)> {
    let output = op.output()?;
    let name = op.paginated().and_then(|p| p.items);
    let m = match name {
        Some(n) => output.member(n)?,
        None => output.members().iter().find(|m| matches!(m.target().kind(), Kind::List(_)))?,
    };
    match m.target().kind() {
        Kind::List(element) => Some((m.name(), element)),
        _ => None,
    }
}

fn list(
    action: Action,
    spec: &'static KindSpec,
    op: &'static Operation,
    input: &Map<String, Value>,
    instance: Option<&str>,
    scope: &Scope,
    cx: &mut Context<'_>,
) -> Outcome {
    let criteria = input.get("SearchCriteria").filter(|_| action == Action::Search);
    let filter = input.get("SearchFilter").filter(|_| action == Action::Search);
    let tag_filter = filter.and_then(|f| f.get("TagFilter"));
    let attribute_filter = filter.and_then(|f| f.get("UserAttributeFilter").or_else(|| f.get("AttributeFilter")));
    let parent = |group: &str| -> Option<String> {
        scope.find("hierarchy-group", instance, group)?.attrs.get("ParentGroupId")?.as_str().map(str::to_owned)
    };
    let matched: Vec<&Resource> = scope
        .list(spec.kind, instance)
        .filter(|r| criteria.is_none_or(|c| matches_criteria(c, &r.attrs, &parent)))
        .filter(|r| tag_filter.is_none_or(|f| matches_tags(f, &r.attrs)))
        .filter(|r| attribute_filter.is_none_or(|f| matches_attributes(f, &r.attrs, &parent)))
        .collect();
    let page = op.paginated();
    let size_member = page.and_then(|p| p.page_size);
    let max = op
        .input()
        .and_then(|s| size_member.and_then(|n| s.member(n)))
        .and_then(|m| m.target().range())
        .and_then(|b| b.max)
        .unwrap_or(100.0);
    let size =
        size_member.and_then(|n| input.get(n)).and_then(Value::as_u64).unwrap_or(max.min(100.0) as u64).max(1) as usize;
    let start = match page.and_then(|p| p.input_token).and_then(|n| text(input, n)) {
        None => 0,
        Some(token) => match token.strip_prefix("page-").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n <= matched.len() => n,
            _ => return Err(op_error(op, output::INVALID_INPUT, 400, &format!("Invalid NextToken: {token}"))),
        },
    };
    let mut out = required_output(op, cx);
    if let Some((name, element)) = items_member(op) {
        let items: Vec<Value> = matched.iter().skip(start).take(size).map(|r| render(r, element, cx)).collect();
        out.insert(name.to_owned(), Value::Array(items));
    }
    if let Some(token) = page.and_then(|p| p.output_token) {
        out.remove(token);
        if start + size < matched.len() {
            out.insert(token.to_owned(), json!(format!("page-{}", start + size)));
        }
    }
    if action == Action::Search {
        for m in op.output().map_or(&[][..], |s| s.members()) {
            if matches!(m.target().kind(), Kind::Long | Kind::Integer) && m.name().ends_with("Count") {
                out.insert(m.name().to_owned(), json!(matched.len()));
            }
        }
    }
    Ok((out, false))
}

/// TagResource, UntagResource and ListTagsForResource on a stored resource, found by ARN.
fn tags(
    action: Action,
    op: &'static Operation,
    input: &Map<String, Value>,
    scope: &mut Scope,
    cx: &mut Context<'_>,
) -> Outcome {
    let members = op.input().map_or(&[][..], |s| s.members());
    let arn = members
        .iter()
        .find(|m| m.location() == Location::Label)
        .and_then(|m| text(input, m.name()))
        .unwrap_or_default()
        .to_owned();
    let Some(found) = scope.by_arn(&arn) else {
        return Err(op_error(op, output::NOT_FOUND, 404, &format!("Resource not found: {arn}")));
    };
    if action == Action::ListTags {
        let mut out = required_output(op, cx);
        let tags = found.attrs.get("Tags").cloned().unwrap_or_else(|| Value::Object(Map::new()));
        for m in op.output().map_or(&[][..], |s| s.members()) {
            if matches!(m.target().kind(), Kind::Map { .. }) {
                out.insert(m.name().to_owned(), tags.clone());
            }
        }
        return Ok((out, false));
    }
    let Some(res) = scope.by_arn_mut(&arn) else { return Ok((required_output(op, cx), false)) };
    let mut tags = match res.attrs.get("Tags") {
        Some(Value::Object(t)) => t.clone(),
        _ => Map::new(),
    };
    let out = required_output(op, cx);
    match action {
        Action::Tag => {
            if let Some(Value::Object(new)) =
                members.iter().find(|m| matches!(m.target().kind(), Kind::Map { .. })).and_then(|m| input.get(m.name()))
            {
                tags.extend(new.clone());
            }
        }
        Action::Untag => {
            if let Some(Value::Array(keys)) =
                members.iter().find(|m| matches!(m.target().kind(), Kind::List(_))).and_then(|m| input.get(m.name()))
            {
                for k in keys.iter().filter_map(Value::as_str) {
                    tags.remove(k);
                }
            }
        }
        _ => {}
    }
    res.attrs.insert("Tags".into(), Value::Object(tags));
    Ok((out, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::TAG_OPERATIONS;
    use connect_core::generated::SERVICE;

    #[test]
    fn every_table_entry_names_an_operation_of_the_model() {
        let classified = classify(&SERVICE.operations().collect::<Vec<_>>());
        for spec in KINDS {
            for name in [spec.create, spec.describe, spec.list, spec.delete].into_iter().chain(spec.search) {
                assert!(classified.contains_key(name), "{name} is not in the model");
            }
        }
        for name in TAG_OPERATIONS {
            assert!(classified.contains_key(name), "{name}");
        }
        let updates: Vec<&str> = classified
            .iter()
            .filter(|(_, (a, k))| *a == Action::Update && KINDS[*k].kind == "user")
            .map(|(n, _)| *n)
            .collect();
        assert!(updates.len() >= 6, "{updates:?}");
    }
}
