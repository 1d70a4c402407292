//! The generated tables ([`Tables`]) and their compilation from the generated rows, which runs in
//! constant evaluation: `static TABLES: Tables<…> = Tables::compile(…)` in `generated/mod.rs`,
//! sized by [`Counts::of`] the same rows. Every literal string of the rows is copied into the
//! string table and every literal list into its table, and each becomes a position there, so that
//! the tables hold numbers and bytes only: no pointer, hence nothing to relocate at start-up.
//! A row that would keep a pointer (a shape referred to by reference rather than by
//! [`ShapeId`], a schema function) fails the build.

use super::operation::{InputSchema, Pages};
use super::stored::{Errors, Form, Items, ShapeRef, Text};
use super::{EnumValue, Example, Kind, Member, Operation, Place, Shape};

/// The generated model: the string table (UTF-8 strings end to end), and the shapes, members,
/// enum values, operations (sorted by command-line name), examples and error references (shape
/// positions) that refer to it and to each other by position.
pub(crate) struct Tables<
    const STRINGS: usize,
    const SHAPES: usize,
    const MEMBERS: usize,
    const ENUM_VALUES: usize,
    const OPERATIONS: usize,
    const EXAMPLES: usize,
    const ERRORS: usize,
> {
    pub(crate) strings: [u8; STRINGS],
    pub(crate) shapes: [Shape; SHAPES],
    pub(crate) members: [Member; MEMBERS],
    pub(crate) enum_values: [EnumValue; ENUM_VALUES],
    pub(crate) operations: [Operation; OPERATIONS],
    pub(crate) examples: [Example; EXAMPLES],
    pub(crate) errors: [u32; ERRORS],
}

/// The sizes of the tables for a set of rows.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) strings: usize,
    pub(crate) shapes: usize,
    pub(crate) members: usize,
    pub(crate) enum_values: usize,
    pub(crate) operations: usize,
    pub(crate) examples: usize,
    pub(crate) errors: usize,
}

const fn len(text: Text) -> usize {
    match text {
        Text::Literal(s) => s.len(),
        Text::Table { .. } => 0,
    }
}

const fn len_opt(text: Option<Text>) -> usize {
    match text {
        Some(text) => len(text),
        None => 0,
    }
}

const fn len_place(place: Place) -> usize {
    match place {
        Place::Query(text) | Place::Header(text) => len(text),
        Place::Body | Place::Label => 0,
    }
}

impl Counts {
    /// The sizes of the tables that [`Tables::compile`] makes of these rows.
    pub(crate) const fn of(shapes: &[&[Shape]], operations: &[&[Operation]]) -> Counts {
        let mut c = Counts { strings: 0, shapes: 0, members: 0, enum_values: 0, operations: 0, examples: 0, errors: 0 };
        let mut p = 0;
        while p < shapes.len() {
            let mut i = 0;
            while i < shapes[p].len() {
                let s = &shapes[p][i];
                c.shapes += 1;
                c.strings += len(s.name) + len(s.doc) + len_opt(s.pattern);
                match s.form {
                    Form::Enum(Items::Literal(values)) => {
                        let mut j = 0;
                        while j < values.len() {
                            let v = &values[j];
                            c.strings += len(v.name) + len(v.value) + len(v.doc);
                            j += 1;
                        }
                        c.enum_values += values.len();
                    }
                    Form::Structure(Items::Literal(members)) | Form::Union(Items::Literal(members)) => {
                        let mut j = 0;
                        while j < members.len() {
                            let m = &members[j];
                            c.strings += len(m.name) + len(m.cli_name) + len(m.doc);
                            c.strings += len_place(m.location) + len_opt(m.default);
                            j += 1;
                        }
                        c.members += members.len();
                    }
                    _ => {}
                }
                i += 1;
            }
            p += 1;
        }
        let mut p = 0;
        while p < operations.len() {
            let mut i = 0;
            while i < operations[p].len() {
                let op = &operations[p][i];
                c.operations += 1;
                c.strings += len(op.name) + len(op.cli_name) + len(op.doc) + len(op.method) + len(op.uri);
                if let Some(pages) = op.paginated {
                    c.strings += len_opt(pages.input_token) + len_opt(pages.output_token);
                    c.strings += len_opt(pages.items) + len_opt(pages.page_size);
                }
                if let Items::Literal(examples) = op.examples {
                    let mut j = 0;
                    while j < examples.len() {
                        let e = &examples[j];
                        c.strings += len(e.title) + len(e.doc) + len(e.input) + len_opt(e.output);
                        j += 1;
                    }
                    c.examples += examples.len();
                }
                if let Errors::Ids(ids) = op.errors {
                    c.errors += ids.len();
                }
                i += 1;
            }
            p += 1;
        }
        c
    }
}

/// Where the next entry of each growing table goes.
struct Cursor {
    strings: usize,
    members: usize,
    enum_values: usize,
    examples: usize,
    errors: usize,
}

/// Whether `a` sorts before `b`, byte by byte.
const fn before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

const fn literal(text: Text) -> &'static str {
    match text {
        Text::Literal(s) => s,
        Text::Table { .. } => "",
    }
}

const fn by_id(shape: ShapeRef) -> ShapeRef {
    match shape {
        ShapeRef::Table(_) => shape,
        ShapeRef::Literal(_) => panic!("a generated row refers to a shape by reference: name it by ShapeId"),
    }
}

const fn by_id_opt(shape: Option<ShapeRef>) -> Option<ShapeRef> {
    match shape {
        Some(shape) => Some(by_id(shape)),
        None => None,
    }
}

impl<
    const STRINGS: usize,
    const SHAPES: usize,
    const MEMBERS: usize,
    const ENUM_VALUES: usize,
    const OPERATIONS: usize,
    const EXAMPLES: usize,
    const ERRORS: usize,
> Tables<STRINGS, SHAPES, MEMBERS, ENUM_VALUES, OPERATIONS, EXAMPLES, ERRORS>
{
    /// The tables of these rows: the shapes of `shapes` in order (a [`ShapeId`](super::ShapeId)
    /// is a position in that order), the operations of `operations` in order, which must be
    /// sorted by command-line name. The sizes must be [`Counts::of`] the same rows.
    pub(crate) const fn compile(shapes: &[&[Shape]], operations: &[&[Operation]]) -> Self {
        const NO_SHAPE: Shape = Shape::new("", Kind::String);
        const NO_MEMBER: Member = Member::of("", "", super::ShapeId(0));
        const NO_VALUE: EnumValue = EnumValue::new("", "");
        const NO_OPERATION: Operation = Operation::new("", "", super::Http { method: "", uri: "", code: 0 });
        const NO_EXAMPLE: Example = Example::new("", "");
        assert!(STRINGS <= u32::MAX as usize, "the string table is too large for 32-bit positions");
        let mut t = Tables {
            strings: [0; STRINGS],
            shapes: [NO_SHAPE; SHAPES],
            members: [NO_MEMBER; MEMBERS],
            enum_values: [NO_VALUE; ENUM_VALUES],
            operations: [NO_OPERATION; OPERATIONS],
            examples: [NO_EXAMPLE; EXAMPLES],
            errors: [0; ERRORS],
        };
        let mut at = Cursor { strings: 0, members: 0, enum_values: 0, examples: 0, errors: 0 };
        let (mut n, mut p) = (0, 0);
        while p < shapes.len() {
            let mut i = 0;
            while i < shapes[p].len() {
                t.shapes[n] = t.shape(&mut at, shapes[p][i]);
                n += 1;
                i += 1;
            }
            p += 1;
        }
        assert!(n == SHAPES, "the shape table's size is not the rows' count");
        let (mut n, mut p) = (0, 0);
        let mut last = "";
        while p < operations.len() {
            let mut i = 0;
            while i < operations[p].len() {
                let op = operations[p][i];
                let cli_name = literal(op.cli_name);
                assert!(n == 0 || before(last, cli_name), "operations must be sorted by command-line name");
                last = cli_name;
                t.operations[n] = t.operation(&mut at, op);
                n += 1;
                i += 1;
            }
            p += 1;
        }
        assert!(n == OPERATIONS, "the operation table's size is not the rows' count");
        assert!(
            at.strings == STRINGS
                && at.members == MEMBERS
                && at.enum_values == ENUM_VALUES
                && at.examples == EXAMPLES
                && at.errors == ERRORS,
            "the tables' sizes are not the rows' counts"
        );
        t
    }

    /// Copies a literal string into the string table and returns its place there.
    const fn text(&mut self, at: &mut Cursor, text: Text) -> Text {
        let Text::Literal(s) = text else { return text };
        let bytes = s.as_bytes();
        assert!(at.strings + bytes.len() <= STRINGS, "the string table is too small");
        // SAFETY: the destination range is inside `self.strings` (checked above), and the source,
        // a `&str`, cannot overlap the table, which `self` borrows mutably. (A byte loop would be
        // as safe but makes constant evaluation some ten times slower.)
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.strings.as_mut_ptr().add(at.strings), bytes.len());
        }
        let placed = Text::Table { start: at.strings as u32, len: bytes.len() as u32 };
        at.strings += bytes.len();
        placed
    }

    const fn text_opt(&mut self, at: &mut Cursor, text: Option<Text>) -> Option<Text> {
        match text {
            Some(text) => Some(self.text(at, text)),
            None => None,
        }
    }

    const fn shape(&mut self, at: &mut Cursor, mut s: Shape) -> Shape {
        s.name = self.text(at, s.name);
        s.doc = self.text(at, s.doc);
        s.pattern = self.text_opt(at, s.pattern);
        s.form = match s.form {
            Form::Enum(values) => Form::Enum(self.enum_values(at, values)),
            Form::Structure(members) => Form::Structure(self.members(at, members)),
            Form::Union(members) => Form::Union(self.members(at, members)),
            Form::List(shape) => Form::List(by_id(shape)),
            Form::Map { key, value } => Form::Map { key: by_id(key), value: by_id(value) },
            scalar => scalar,
        };
        s
    }

    const fn enum_values(&mut self, at: &mut Cursor, values: Items<EnumValue>) -> Items<EnumValue> {
        let Items::Literal(values) = values else { return values };
        let start = at.enum_values;
        let mut j = 0;
        while j < values.len() {
            let mut v = values[j];
            v.name = self.text(at, v.name);
            v.value = self.text(at, v.value);
            v.doc = self.text(at, v.doc);
            self.enum_values[at.enum_values] = v;
            at.enum_values += 1;
            j += 1;
        }
        Items::Table { start: start as u32, len: values.len() as u32 }
    }

    const fn members(&mut self, at: &mut Cursor, members: Items<Member>) -> Items<Member> {
        let Items::Literal(members) = members else { return members };
        let start = at.members;
        let mut j = 0;
        while j < members.len() {
            let mut m = members[j];
            m.name = self.text(at, m.name);
            m.cli_name = self.text(at, m.cli_name);
            m.doc = self.text(at, m.doc);
            m.target = by_id(m.target);
            m.location = match m.location {
                Place::Query(text) => Place::Query(self.text(at, text)),
                Place::Header(text) => Place::Header(self.text(at, text)),
                other => other,
            };
            m.default = self.text_opt(at, m.default);
            self.members[at.members] = m;
            at.members += 1;
            j += 1;
        }
        Items::Table { start: start as u32, len: members.len() as u32 }
    }

    const fn operation(&mut self, at: &mut Cursor, mut op: Operation) -> Operation {
        op.name = self.text(at, op.name);
        op.cli_name = self.text(at, op.cli_name);
        op.doc = self.text(at, op.doc);
        op.method = self.text(at, op.method);
        op.uri = self.text(at, op.uri);
        op.input = by_id_opt(op.input);
        op.output = by_id_opt(op.output);
        op.errors = match op.errors {
            Errors::Ids(ids) => {
                let start = at.errors;
                let mut j = 0;
                while j < ids.len() {
                    self.errors[at.errors] = ids[j].0;
                    at.errors += 1;
                    j += 1;
                }
                Errors::Table { start: start as u32, len: ids.len() as u32 }
            }
            Errors::Literal([]) => Errors::Table { start: 0, len: 0 },
            Errors::Literal(_) => panic!("a generated row refers to its errors by reference: name them by ShapeId"),
            table => table,
        };
        op.paginated = match op.paginated {
            Some(p) => Some(Pages {
                input_token: self.text_opt(at, p.input_token),
                output_token: self.text_opt(at, p.output_token),
                items: self.text_opt(at, p.items),
                page_size: self.text_opt(at, p.page_size),
            }),
            None => None,
        };
        op.examples = self.examples(at, op.examples);
        op.input_schema = match op.input_schema {
            InputSchema::None => InputSchema::Generated,
            InputSchema::Function(_) => panic!("a generated row holds a schema function: the tables find it by name"),
            generated => generated,
        };
        op
    }

    const fn examples(&mut self, at: &mut Cursor, examples: Items<Example>) -> Items<Example> {
        let Items::Literal(examples) = examples else { return examples };
        let start = at.examples;
        let mut j = 0;
        while j < examples.len() {
            let mut e = examples[j];
            e.title = self.text(at, e.title);
            e.doc = self.text(at, e.doc);
            e.input = self.text(at, e.input);
            e.output = self.text_opt(at, e.output);
            self.examples[at.examples] = e;
            at.examples += 1;
            j += 1;
        }
        Items::Table { start: start as u32, len: examples.len() as u32 }
    }
}
