//! How the model is stored, so that the generated tables hold no pointer: a position-independent
//! executable relocates every pointer of its static data at start-up (and writes to every page that
//! holds one), which for thousands of shapes costs more than the command itself.
//!
//! Each string, shape reference and list of the model is either a literal (shapes built by hand in
//! tests and examples, and the generated rows before they are compiled) or a position in
//! [`Tables`]: one string table, and one array each of shapes, members, enum values, operations,
//! examples and error references. The generated code writes its rows with literals, as readable
//! as hand-built shapes, and names shapes by [`ShapeId`]; [`Tables::compile`] turns them into the
//! tables at compile time (a `const fn` in a `static`), so the rows themselves never reach the
//! binary. The accessors of [`Shape`], [`Member`], [`Operation`] and the rest resolve positions on
//! demand.

use std::fmt;

use super::{EnumValue, Example, Kind, Member, Operation, Shape, TimestampFormat};

/// A string of the model: a literal, or `len` bytes at `start` of the string table.
#[derive(Clone, Copy)]
pub(crate) enum Text {
    Literal(&'static str),
    Table { start: u32, len: u32 },
}

impl Text {
    pub(crate) const fn optional(text: Option<&'static str>) -> Option<Text> {
        match text {
            Some(s) => Some(Text::Literal(s)),
            None => None,
        }
    }

    pub(crate) fn get(self) -> &'static str {
        match self {
            Text::Literal(s) => s,
            Text::Table { start, len } => {
                // The table is whole strings laid end to end, so every span is UTF-8.
                std::str::from_utf8(span(&crate::generated::TABLES.strings, start, len)).unwrap_or_default()
            }
        }
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

/// A shape of the generated tables, by position: what `generated::shapes::Name` is. It
/// dereferences to its [`Shape`] (`shapes::Name.member("Id")`, `&shapes::Name` where a `&Shape`
/// is expected), and [`ShapeId::get`] gives the `&'static Shape`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShapeId(pub(crate) u32);

impl ShapeId {
    /// The shape.
    pub fn get(self) -> &'static Shape {
        shape_at(self.0)
    }
}

impl std::ops::Deref for ShapeId {
    type Target = Shape;

    fn deref(&self) -> &Shape {
        self.get()
    }
}

/// An operation of the generated tables, by position: what `generated::operations::Name` is.
/// It dereferences to its [`Operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationId(pub(crate) u32);

impl OperationId {
    /// The operation.
    pub fn get(self) -> &'static Operation {
        static NONE: Operation = Operation::new("", "", super::Http { method: "", uri: "", code: 0 });
        crate::generated::TABLES.operations.get(self.0 as usize).unwrap_or(&NONE)
    }
}

impl std::ops::Deref for OperationId {
    type Target = Operation;

    fn deref(&self) -> &Operation {
        self.get()
    }
}

/// `len` entries of a table from `start` (none if the tables are inconsistent, which the
/// compilation of the tables rules out).
pub(crate) fn span<T>(table: &'static [T], start: u32, len: u32) -> &'static [T] {
    table.get(start as usize..start as usize + len as usize).unwrap_or(&[])
}

fn shape_at(index: u32) -> &'static Shape {
    static NONE: Shape = Shape::new("", Kind::String);
    crate::generated::TABLES.shapes.get(index as usize).unwrap_or(&NONE)
}

/// The shape a member, list, map or operation refers to.
#[derive(Clone, Copy)]
pub(crate) enum ShapeRef {
    Literal(&'static Shape),
    Table(u32),
}

impl ShapeRef {
    pub(crate) fn get(self) -> &'static Shape {
        match self {
            ShapeRef::Literal(shape) => shape,
            ShapeRef::Table(index) => shape_at(index),
        }
    }
}

impl fmt::Debug for ShapeRef {
    /// The name only: shapes may be recursive.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "&{}", self.get().name())
    }
}

/// Members, enum values or examples: a literal slice, or `len` entries at `start` of their table.
pub(crate) enum Items<T: 'static> {
    Literal(&'static [T]),
    Table { start: u32, len: u32 },
}

// Not derived: that would ask `T: Copy`.
impl<T> Clone for Items<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Items<T> {}

/// A type with a table of its own in [`Tables`].
pub(crate) trait Tabled: Sized + 'static {
    fn table() -> &'static [Self];
}

impl Tabled for Member {
    fn table() -> &'static [Member] {
        &crate::generated::TABLES.members
    }
}

impl Tabled for EnumValue {
    fn table() -> &'static [EnumValue] {
        &crate::generated::TABLES.enum_values
    }
}

impl Tabled for Example {
    fn table() -> &'static [Example] {
        &crate::generated::TABLES.examples
    }
}

impl<T: Tabled> Items<T> {
    pub(crate) fn get(self) -> &'static [T] {
        match self {
            Items::Literal(items) => items,
            Items::Table { start, len } => span(T::table(), start, len),
        }
    }
}

impl<T: Tabled + fmt::Debug> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

/// An operation's modeled errors: literal shapes, the generated rows' ids, or `len` ids at
/// `start` of the error table.
#[derive(Clone, Copy)]
pub(crate) enum Errors {
    Literal(&'static [&'static Shape]),
    Ids(&'static [ShapeId]),
    Table { start: u32, len: u32 },
}

impl Errors {
    pub(crate) fn get(self) -> impl ExactSizeIterator<Item = &'static Shape> + Clone + 'static {
        match self {
            Errors::Literal(shapes) => Resolved::Literal(shapes.iter()),
            Errors::Ids(ids) => Resolved::Ids(ids.iter()),
            Errors::Table { start, len } => Resolved::Table(span(&crate::generated::TABLES.errors, start, len).iter()),
        }
    }
}

impl fmt::Debug for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.get().map(Shape::name)).finish()
    }
}

/// The shapes of [`Errors::get`].
#[derive(Clone)]
enum Resolved {
    Literal(std::slice::Iter<'static, &'static Shape>),
    Ids(std::slice::Iter<'static, ShapeId>),
    Table(std::slice::Iter<'static, u32>),
}

impl Iterator for Resolved {
    type Item = &'static Shape;

    fn next(&mut self) -> Option<&'static Shape> {
        match self {
            Resolved::Literal(it) => it.next().copied(),
            Resolved::Ids(it) => it.next().map(|id| id.get()),
            Resolved::Table(it) => it.next().map(|&i| shape_at(i)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Resolved::Literal(it) => it.len(),
            Resolved::Ids(it) => it.len(),
            Resolved::Table(it) => it.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for Resolved {}

/// How a shape is made, as stored: [`Kind`] with its references and lists as [`ShapeRef`] and
/// [`Items`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Form {
    String,
    Enum(Items<EnumValue>),
    Integer,
    Long,
    Boolean,
    Float,
    Double,
    Timestamp(TimestampFormat),
    Structure(Items<Member>),
    Union(Items<Member>),
    List(ShapeRef),
    Map { key: ShapeRef, value: ShapeRef },
}

impl Form {
    pub(crate) const fn of(kind: Kind) -> Form {
        match kind {
            Kind::String => Form::String,
            Kind::Enum(values) => Form::Enum(Items::Literal(values)),
            Kind::Integer => Form::Integer,
            Kind::Long => Form::Long,
            Kind::Boolean => Form::Boolean,
            Kind::Float => Form::Float,
            Kind::Double => Form::Double,
            Kind::Timestamp(format) => Form::Timestamp(format),
            Kind::Structure(members) => Form::Structure(Items::Literal(members)),
            Kind::Union(members) => Form::Union(Items::Literal(members)),
            Kind::List(shape) => Form::List(ShapeRef::Literal(shape)),
            Kind::Map { key, value } => Form::Map { key: ShapeRef::Literal(key), value: ShapeRef::Literal(value) },
        }
    }

    pub(crate) fn kind(self) -> Kind {
        match self {
            Form::String => Kind::String,
            Form::Enum(values) => Kind::Enum(values.get()),
            Form::Integer => Kind::Integer,
            Form::Long => Kind::Long,
            Form::Boolean => Kind::Boolean,
            Form::Float => Kind::Float,
            Form::Double => Kind::Double,
            Form::Timestamp(format) => Kind::Timestamp(format),
            Form::Structure(members) => Kind::Structure(members.get()),
            Form::Union(members) => Kind::Union(members.get()),
            Form::List(shape) => Kind::List(shape.get()),
            Form::Map { key, value } => Kind::Map { key: key.get(), value: value.get() },
        }
    }
}
