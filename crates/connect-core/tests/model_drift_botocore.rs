//! Model drift against botocore: every fact of the API that the runtime uses (the generated tables
//! in `connect_core::generated`) and the facts of `models/connect.json` the tables do not hold, fact
//! by fact, against the Connect model of the installed botocore (`service-2.json` and
//! `paginators-1.json`), which the AWS CLI runs on. Both sides are reduced to the same vocabulary
//! (botocore's JSON model is a translation of Smithy); the differences that are artefacts of that
//! translation are listed with a reason in `vectors/model_drift_botocore.tsv`, and the test fails
//! when a listed difference no longer occurs.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use connect_core::generated::SERVICE;
use connect_core::model::{Bounds, Fault, Kind, Location, Shape, TimestampFormat};
use serde_json::{Value, json};

/// botocore's facts, in the vocabulary below, as one JSON object `{fact: value}`.
///
/// - `service.<key>`: the metadata;
/// - `op.<Op>.<key>`: `method`, `requestUri`, `responseCode`, `input`, `output`, `errors` (sorted),
///   `idempotent`, and any other key botocore has, as is;
/// - `shape.<Shape>.<key>`: `type` (an enum is a string with `enum`, a union a structure with
///   `union`), `enum` (wire values in order), `member`/`key`/`value`, `min`/`max`, `pattern`,
///   `sensitive`, `timestampFormat` (Smithy's names), `error.code` (the code botocore matches,
///   the shape's name unless the model gives one), `error.httpStatusCode`, `error.fault` (`server`
///   only where botocore says `fault`), `exception`, `deprecated…`, and any other key, as is;
/// - `member.<Shape>.<Member>.<key>`: `shape`, `required`, `location` and `locationName` for
///   `uri`/`querystring`/`header` members, `jsonName` (a body member's `locationName`),
///   `idempotencyToken`, `hostLabel`, `timestampFormat`, `deprecated…`, and any other key;
/// - `paginator.<Op>.<key>`: `input_token`, `output_token`, `limit_key`, `result_key` (a list),
///   `non_aggregate_keys` (sorted), and any other key.
///
/// Documentation is left out (the project writes its own), and so is botocore's `box` (see the
/// script). Smithy's `@default` has no counterpart in botocore's model (botocore fills in no
/// defaults), so it is compared with nothing here.
const BOTOCORE: &str = r#"
import json, sys
try:
    import botocore, botocore.loaders
except ImportError:
    sys.exit("botocore is not installed: pip install -r .ci/requirements.txt")
loader = botocore.loaders.create_loader()
model = loader.load_service_model('connect', 'service-2')
pages = loader.load_service_model('connect', 'paginators-1')['pagination']
facts = {}
def put(key, value):
    facts[key] = value
TIMESTAMP = {'iso8601': 'date-time', 'unixTimestamp': 'epoch-seconds', 'rfc822': 'http-date'}
# Left out: documentation, and `box`, a Smithy 1.0 trait that botocore's copy still carries but
# that follows no rule of the Smithy 2.0 model (79 optional members whose target has no default
# are boxed, 110 are not) and that botocore reads nowhere.
DOC = {'documentation', 'documentationUrl', 'box'}
# botocore's copy has a second plain timestamp shape, `timestamp`, that some members target where
# the Smithy model targets `Timestamp`: the same shape, so the same name, but the alias is a fact.
shapes = model['shapes']
strip = lambda s: {k: v for k, v in s.items() if k not in DOC}
if 'timestamp' in shapes and 'Timestamp' in shapes and strip(shapes['timestamp']) == strip(shapes['Timestamp']):
    del shapes['timestamp']
    facts['shape.timestamp.aliasOf'] = 'Timestamp'
    for shape in shapes.values():
        for member in shape.get('members', {}).values():
            if member['shape'] == 'timestamp':
                member['shape'] = 'Timestamp'
meta = model['metadata']
for k, v in meta.items():
    put('service.' + k, v)
for name, op in model['operations'].items():
    p = 'op.%s.' % name
    for k, v in op.items():
        if k in DOC or k == 'name':
            continue
        if k == 'http':
            put(p + 'method', v['method'])
            put(p + 'requestUri', v['requestUri'])
            put(p + 'responseCode', v.get('responseCode', 200))
            for hk, hv in v.items():
                if hk not in ('method', 'requestUri', 'responseCode'):
                    put(p + 'http.' + hk, hv)
        elif k in ('input', 'output'):
            put(p + k, v['shape'])
        elif k == 'errors':
            put(p + k, sorted(e['shape'] for e in v))
        else:
            put(p + k, v)
for name, shape in model['shapes'].items():
    p = 'shape.%s.' % name
    required = set(shape.get('required', []))
    for k, v in shape.items():
        if k in DOC or k == 'required':
            continue
        if k in ('member', 'key', 'value'):
            put(p + k, v['shape'])
            extra = {mk: mv for mk, mv in v.items() if mk not in DOC and mk != 'shape'}
            if extra:
                put(p + k + '.traits', extra)
        elif k == 'members':
            for m, member in v.items():
                q = 'member.%s.%s.' % (name, m)
                for mk, mv in member.items():
                    if mk in DOC:
                        continue
                    if mk == 'locationName' and 'location' not in member:
                        put(q + 'jsonName', mv)
                    elif mk == 'timestampFormat':
                        put(q + mk, TIMESTAMP.get(mv, mv))
                    else:
                        put(q + mk, mv)
                if m in required:
                    put(q + 'required', True)
        elif k == 'error':
            put(p + 'error.code', v.get('code', name))
            put(p + 'error.httpStatusCode', v['httpStatusCode'])
            put(p + 'error.fault', 'server' if shape.get('fault') else 'client')
            for ek, ev in v.items():
                if ek not in ('code', 'httpStatusCode'):
                    put(p + 'error.' + ek, ev)
        elif k == 'fault':
            pass
        elif k == 'min' and v == 0 and shape['type'] in ('string', 'list', 'map', 'blob'):
            # A length's minimum of 0 is no constraint; botocore's copy writes it for some shapes
            # and leaves it out for others.
            pass
        elif k == 'timestampFormat':
            put(p + k, TIMESTAMP.get(v, v))
        else:
            put(p + k, v)
    for m in required - set(shape.get('members', {})):
        put('member.%s.%s.required' % (name, m), True)
for name, pg in pages.items():
    p = 'paginator.%s.' % name
    for k, v in pg.items():
        if k == 'result_key' and not isinstance(v, list):
            v = [v]
        if k == 'non_aggregate_keys':
            v = sorted(v)
        put(p + k, v)
json.dump(facts, sys.stdout)
"#;

/// The listed differences: fact, our value, botocore's value (`-` for absent), reason.
const KNOWN: &str = include_str!("vectors/model_drift_botocore.tsv");

/// Numbers compared as numbers (botocore writes `5.0` where Smithy writes `5`).
fn canonical(v: &Value) -> String {
    fn norm(v: &Value) -> Value {
        match v {
            Value::Number(n) => json!(n.as_f64().unwrap()),
            Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
            Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), norm(v))).collect()),
            v => v.clone(),
        }
    }
    norm(v).to_string()
}

/// The Smithy model the project ships, for the facts the generated tables do not hold.
fn smithy() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/connect.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn traits(node: &Value) -> &serde_json::Map<String, Value> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> = std::sync::OnceLock::new();
    node.get("traits").and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Default::default))
}

/// Our facts, in botocore's vocabulary (see [`BOTOCORE`]).
fn ours() -> BTreeMap<String, Value> {
    let model = smithy();
    let shapes = model["shapes"].as_object().unwrap();
    let node = |name: &str| &shapes[&format!("com.amazonaws.connect#{name}")];
    let service = shapes.values().find(|s| s["type"] == "service").unwrap();
    let mut facts = BTreeMap::new();
    let mut put = |key: String, value: Value| {
        assert!(facts.insert(key.clone(), value).is_none(), "fact {key} twice");
    };

    // The service: the tables' identity and signing name, the protocol and auth from the model.
    let t = traits(service);
    put("service.apiVersion".into(), json!(SERVICE.version()));
    put("service.endpointPrefix".into(), json!(SERVICE.endpoint_prefix()));
    put("service.serviceId".into(), json!(SERVICE.sdk_id()));
    put("service.signingName".into(), json!(SERVICE.signing_name()));
    if t.contains_key("aws.protocols#restJson1") {
        put("service.protocol".into(), json!("rest-json"));
        put("service.protocols".into(), json!(["rest-json"]));
    }
    if t.contains_key("aws.auth#sigv4") {
        put("service.signatureVersion".into(), json!("v4"));
        put("service.auth".into(), json!(["aws.auth#sigv4"]));
    }
    if let Some(title) = t.get("smithy.api#title") {
        put("service.serviceFullName".into(), title.clone());
    }

    // Operations, and the shapes they reach.
    let mut todo: Vec<&'static Shape> = Vec::new();
    for op in SERVICE.operations() {
        let p = format!("op.{}.", op.name());
        put(format!("{p}method"), json!(op.http().method));
        put(format!("{p}requestUri"), json!(op.http().uri));
        put(format!("{p}responseCode"), json!(op.http().code));
        if let Some(input) = op.input() {
            put(format!("{p}input"), json!(input.name()));
            todo.push(input);
        }
        if let Some(output) = op.output() {
            put(format!("{p}output"), json!(output.name()));
            todo.push(output);
        }
        let errors: BTreeSet<&str> = op.errors().map(|e| e.name()).collect();
        put(format!("{p}errors"), json!(errors));
        todo.extend(op.errors());
        if op.idempotent() {
            put(format!("{p}idempotent"), json!(true));
        }
        // The runtime paginates where the trait names both tokens and the list (botocore's
        // paginator model has no entry without a result key).
        if let Some((trait_, input_token, output_token, items)) = connect_core::wire::paginate::automatic(op) {
            let p = format!("paginator.{}.", op.name());
            put(format!("{p}input_token"), json!(input_token));
            put(format!("{p}output_token"), json!(output_token));
            if let Some(limit) = trait_.page_size {
                put(format!("{p}limit_key"), json!(limit));
            }
            put(format!("{p}result_key"), json!([items]));
            // The AWS CLI keeps the first page's other members; botocore lists them.
            let kept: BTreeSet<&str> = op
                .output()
                .unwrap()
                .members()
                .iter()
                .map(|m| m.name())
                .filter(|m| *m != items && *m != output_token)
                .collect();
            if !kept.is_empty() {
                put(format!("{p}non_aggregate_keys"), json!(kept));
            }
        }
    }

    let mut seen = BTreeSet::new();
    while let Some(shape) = todo.pop() {
        if !seen.insert(shape.name()) {
            continue;
        }
        let p = format!("shape.{}.", shape.name());
        let smithy = node(shape.name());
        let st = traits(smithy);
        let type_ = match shape.kind() {
            Kind::String | Kind::Enum(_) => "string",
            Kind::Integer => "integer",
            Kind::Long => "long",
            Kind::Boolean => "boolean",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Timestamp(_) => "timestamp",
            Kind::Structure(_) | Kind::Union(_) => "structure",
            Kind::List(_) => "list",
            Kind::Map { .. } => "map",
        };
        put(format!("{p}type"), json!(type_));
        match shape.kind() {
            Kind::Enum(values) => put(format!("{p}enum"), json!(values.iter().map(|v| v.value()).collect::<Vec<_>>())),
            Kind::Timestamp(format) => {
                let format = match format {
                    TimestampFormat::Default => None,
                    TimestampFormat::EpochSeconds => Some("epoch-seconds"),
                    TimestampFormat::DateTime => Some("date-time"),
                    TimestampFormat::HttpDate => Some("http-date"),
                };
                if let Some(f) = format {
                    put(format!("{p}timestampFormat"), json!(f));
                }
            }
            Kind::List(member) => {
                put(format!("{p}member"), json!(member.name()));
                todo.push(member);
            }
            Kind::Map { key, value } => {
                put(format!("{p}key"), json!(key.name()));
                put(format!("{p}value"), json!(value.name()));
                todo.push(key);
                todo.push(value);
            }
            Kind::Union(_) => put(format!("{p}union"), json!(true)),
            _ => {}
        }
        // botocore has one min/max for Smithy's @length and @range, and leaves out a length's
        // minimum of 0 (no length is below it).
        let length = shape.length().map(|b| Bounds { min: b.min.filter(|&m| m != 0.0), ..b });
        for bounds in [length, shape.range()].into_iter().flatten() {
            if let Some(min) = bounds.min {
                put(format!("{p}min"), json!(min));
            }
            if let Some(max) = bounds.max {
                put(format!("{p}max"), json!(max));
            }
        }
        if let Some(pattern) = shape.pattern() {
            put(format!("{p}pattern"), json!(pattern));
        }
        if shape.sensitive() {
            put(format!("{p}sensitive"), json!(true));
        }
        if let Some(error) = shape.error() {
            let code = st.get("aws.protocols#awsQueryError").and_then(|q| q.get("code"));
            put(format!("{p}error.code"), code.cloned().unwrap_or(json!(shape.name())));
            put(format!("{p}error.httpStatusCode"), json!(error.http_status));
            put(
                format!("{p}error.fault"),
                json!(match error.fault {
                    Fault::Client => "client",
                    Fault::Server => "server",
                }),
            );
            put(format!("{p}exception"), json!(true));
        }
        if let Some(d) = st.get("smithy.api#deprecated") {
            put(format!("{p}deprecated"), json!(true));
            deprecated_details(&mut put, &p, d);
        }
        for m in shape.members() {
            let q = format!("member.{}.{}.", shape.name(), m.name());
            let mn = &smithy["members"][m.name()];
            let mt = traits(mn);
            todo.push(m.target());
            put(format!("{q}shape"), json!(m.target().name()));
            if m.required() {
                put(format!("{q}required"), json!(true));
            }
            match m.location() {
                Location::Body => {}
                Location::Label => {
                    put(format!("{q}location"), json!("uri"));
                    put(format!("{q}locationName"), json!(m.name()));
                }
                Location::Query(name) => {
                    put(format!("{q}location"), json!("querystring"));
                    put(format!("{q}locationName"), json!(name));
                }
                Location::Header(name) => {
                    put(format!("{q}location"), json!("header"));
                    put(format!("{q}locationName"), json!(name));
                }
            }
            if let Some(name) = mt.get("smithy.api#jsonName") {
                put(format!("{q}jsonName"), name.clone());
            }
            if m.idempotency_token() {
                put(format!("{q}idempotencyToken"), json!(true));
            }
            if mt.contains_key("smithy.api#hostLabel") {
                put(format!("{q}hostLabel"), json!(true));
            }
            if let Some(f) = mt.get("smithy.api#timestampFormat") {
                put(format!("{q}timestampFormat"), f.clone());
            }
            if m.deprecated() {
                put(format!("{q}deprecated"), json!(true));
                deprecated_details(&mut put, &q, &mt["smithy.api#deprecated"]);
            }
        }
    }
    facts
}

fn deprecated_details(put: &mut impl FnMut(String, Value), prefix: &str, trait_: &Value) {
    if let Some(message) = trait_.get("message") {
        put(format!("{prefix}deprecatedMessage"), message.clone());
    }
    if let Some(since) = trait_.get("since") {
        put(format!("{prefix}deprecatedSince"), since.clone());
    }
}

fn botocore() -> BTreeMap<String, Value> {
    let out = Command::new("python3").args(["-c", BOTOCORE]).output().unwrap_or_else(|e| {
        panic!("cannot run python3 ({e}); the drift check needs botocore: pip install -r .ci/requirements.txt")
    });
    assert!(
        out.status.success(),
        "botocore's model could not be read (pip install -r .ci/requirements.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("botocore's facts as JSON")
}

#[test]
fn model_facts_equal_botocore() {
    let ours = ours();
    let theirs = botocore();
    let absent = "-".to_owned();
    let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    let mut differences = BTreeMap::new();
    let mut equal = 0;
    for key in keys {
        let a = ours.get(key).map_or_else(|| absent.clone(), canonical);
        let b = theirs.get(key).map_or_else(|| absent.clone(), canonical);
        if a == b {
            equal += 1;
        } else {
            differences.insert(key.as_str(), (a, b));
        }
    }

    let mut unexplained = Vec::new();
    let mut stale = Vec::new();
    let mut listed = BTreeSet::new();
    for line in KNOWN.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [key, a, b, reason] = fields[..] else {
            panic!("a listed difference needs 4 tab-separated fields: {line}")
        };
        assert!(!reason.trim().is_empty(), "a listed difference needs a reason: {line}");
        assert!(listed.insert(key), "{key} listed twice");
        match differences.get(key) {
            Some((x, y)) if x == a && y == b => {}
            Some((x, y)) => {
                stale.push(format!("{key}: listed as ours {a} / botocore {b}, now ours {x} / botocore {y}"))
            }
            None => stale.push(format!("{key}: listed, but ours and botocore agree now (or neither has it)")),
        }
    }
    for (key, (a, b)) in &differences {
        if !listed.contains(key) {
            unexplained.push(format!("{key}\t{a}\t{b}"));
        }
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for key in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
        *kinds.entry(key.split('.').next().unwrap()).or_default() += 1;
    }
    eprintln!("facts by kind: {kinds:?}");
    eprintln!(
        "{} facts compared: {equal} equal, {} differ ({} listed in vectors/model_drift_botocore.tsv)",
        equal + differences.len(),
        differences.len(),
        listed.len()
    );
    assert!(
        unexplained.is_empty(),
        "{} facts of models/connect.json differ from botocore's Connect model (fact, ours, botocore; `-` = absent):\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed differences that no longer occur (update {}):\n{}",
        "tests/vectors/model_drift_botocore.tsv",
        stale.join("\n")
    );
    // Guards against comparing nothing: the model has some 370 operations, 2,100 shapes and 4,000
    // members, some 12,900 facts.
    assert!(equal > 12_000, "only {equal} facts compared equal");
}
