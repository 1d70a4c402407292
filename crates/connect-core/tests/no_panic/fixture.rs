//! Shapes beyond the shipped model: one of every kind and location, so that every branch of the
//! model-driven code is reached whatever operations the model has; and the members they reach.

use super::*;

pub(crate) static TEXT: Shape = Shape::new("Text", Kind::String).with_length(Some(1.0), Some(40.0));
pub(crate) static ANY_TEXT: Shape = Shape::new("AnyText", Kind::String);
pub(crate) static INT: Shape = Shape::new("Int", Kind::Integer).with_range(Some(-5.0), Some(1000.0));
pub(crate) static LONG: Shape = Shape::new("Long", Kind::Long);
pub(crate) static FLOAT: Shape = Shape::new("Float", Kind::Float).with_range(Some(0.0), None);
pub(crate) static DOUBLE: Shape = Shape::new("Double", Kind::Double);
pub(crate) static FLAG: Shape = Shape::new("Flag", Kind::Boolean);
pub(crate) static WHEN: Shape = Shape::new("When", Kind::Timestamp(TimestampFormat::Default));
pub(crate) static WHEN_EPOCH: Shape = Shape::new("WhenEpoch", Kind::Timestamp(TimestampFormat::EpochSeconds));
pub(crate) static WHEN_HTTP: Shape = Shape::new("WhenHttp", Kind::Timestamp(TimestampFormat::HttpDate));
pub(crate) static WHEN_ISO: Shape = Shape::new("WhenIso", Kind::Timestamp(TimestampFormat::DateTime));
pub(crate) static COLOR: Shape =
    Shape::new("Color", Kind::Enum(&[EnumValue::new("RED", "red"), EnumValue::new("GREEN", "Green")]));
pub(crate) static TEXTS: Shape = Shape::new("Texts", Kind::List(&ANY_TEXT)).with_length(Some(0.0), Some(5.0));
pub(crate) static INTS: Shape = Shape::new("Ints", Kind::List(&INT));
pub(crate) static WHENS: Shape = Shape::new("Whens", Kind::List(&WHEN));
pub(crate) static MATRIX: Shape = Shape::new("Matrix", Kind::List(&TEXTS));
pub(crate) static DICT: Shape = Shape::new("Dict", Kind::Map { key: &TEXT, value: &INT }).with_length(Some(1.0), None);
pub(crate) static MULTI: Shape = Shape::new("Multi", Kind::Map { key: &COLOR, value: &TEXTS });
pub(crate) static CHOICE: Shape = Shape::new(
    "Choice",
    Kind::Union(&[
        Member::new("Text", "text", &ANY_TEXT),
        Member::new("Number", "number", &DOUBLE),
        Member::new("Tree", "tree", &TREE),
    ]),
);
pub(crate) static TREE: Shape = Shape::new(
    "Tree",
    Kind::Structure(&[
        Member::new("Name", "name", &TEXT).with_required(),
        Member::new("Left", "left", &TREE),
        Member::new("Kids", "kids", &TREES),
        Member::new("At", "at", &WHEN_ISO),
    ]),
);
pub(crate) static TREES: Shape = Shape::new("Trees", Kind::List(&TREE));
pub(crate) static THING: Shape = Shape::new(
    "Thing",
    Kind::Structure(&[
        Member::new("Name", "name", &TEXT),
        Member::new("Count", "count", &INT),
        Member::new("Big", "big", &LONG),
        Member::new("Ratio", "ratio", &FLOAT),
        Member::new("On", "on", &FLAG),
        Member::new("At", "at", &WHEN),
        Member::new("Color", "color", &COLOR),
        Member::new("Tags", "tags", &TEXTS),
        Member::new("Grid", "grid", &MATRIX),
        Member::new("Dict", "dict", &DICT),
        Member::new("Multi", "multi", &MULTI),
        Member::new("Choice", "choice", &CHOICE),
    ]),
);
pub(crate) static THINGS: Shape = Shape::new("Things", Kind::List(&THING));
pub(crate) static ZOO_INPUT: Shape = Shape::new(
    "ZooInput",
    Kind::Structure(&[
        Member::new("Id", "id", &TEXT).with_required().with_location(Location::Label),
        Member::new("Path", "path", &ANY_TEXT).with_required().with_location(Location::Label),
        Member::new("Q", "q", &ANY_TEXT).with_location(Location::Query("q")),
        Member::new("Numbers", "numbers", &INTS).with_location(Location::Query("n m")),
        Member::new("Since", "since", &WHEN).with_location(Location::Query("since")),
        Member::new("Many", "many", &WHENS).with_location(Location::Query("many")),
        Member::new("Flagged", "flagged", &FLAG).with_location(Location::Query("flagged")),
        Member::new("Token", "token", &ANY_TEXT).with_location(Location::Header("x-token")),
        Member::new("Stamp", "stamp", &WHEN_HTTP).with_location(Location::Header("x-stamp")),
        Member::new("Epoch", "epoch", &WHEN_EPOCH).with_location(Location::Header("x-epoch")),
        Member::new("Labels", "labels", &TEXTS).with_location(Location::Header("x-labels")),
        Member::new("Thing", "thing", &THING).with_required(),
        Member::new("Things", "things", &THINGS),
        Member::new("Tree", "tree", &TREE),
        Member::new("Choice", "choice", &CHOICE),
        Member::new("Dict", "dict", &DICT),
        Member::new("Count", "count", &INT),
        Member::new("Ratio", "ratio", &DOUBLE),
        Member::new("On", "on", &FLAG),
        Member::new("At", "at", &WHEN),
    ]),
);
pub(crate) static ZOO: Operation =
    Operation::new("Zoo", "zoo", Http { method: "PUT", uri: "/zoo/{Id}/x/{Path}?static=1", code: 200 })
        .with_input(&ZOO_INPUT);

/// The shipped model's operations, then the zoo.
pub(crate) fn operations() -> Vec<&'static Operation> {
    SERVICE.operations().chain([&ZOO]).collect()
}

/// Every member reachable from the operations' inputs, each once, top-level members first.
pub(crate) fn all_members() -> Vec<&'static Member> {
    let mut out: Vec<&'static Member> = Vec::new();
    let mut seen_shapes: HashSet<*const Shape> = HashSet::new();
    let mut queue: Vec<&'static Shape> = operations().iter().filter_map(|op| op.input()).collect();
    while let Some(shape) = queue.pop() {
        if !seen_shapes.insert(shape) {
            continue;
        }
        match shape.kind() {
            Kind::Structure(members) | Kind::Union(members) => {
                for m in members {
                    if !out.iter().any(|o| std::ptr::eq(*o, m)) {
                        out.push(m);
                    }
                    queue.push(m.target());
                }
            }
            Kind::List(item) => queue.push(item),
            Kind::Map { key, value } => queue.extend([key, value]),
            _ => {}
        }
    }
    out
}
