//! The shape rows (`shapes.rs` and `shapes/*.rs`): one `Shape` row per shape of data, with its
//! traits, members and documentation, and its name as a `ShapeId`, by which rows refer to each
//! other (`crate::model` compiles the rows into tables without pointers).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::type_docs::shape_summary;
use super::{Error, doc_text, lit_str, split_rows};
use crate::names::cli_name;
use crate::smithy::{Bounds, Member, Model, Shape, ShapeType};

pub(super) fn shapes_file(model: &Model) -> Result<Vec<(String, TokenStream)>, Error> {
    let mut rows = Vec::new();
    for shape in model.shapes.values() {
        if matches!(shape.ty, ShapeType::Operation(_)) {
            continue;
        }
        rows.push((shape.name.clone(), shape_summary(model, shape), shape_row(model, shape)?));
    }
    Ok(split_rows(
        "shapes",
        "Shape rows: every shape the operations reach, with its traits and documentation.",
        quote!(
            use crate::model::*;
        ),
        ("Shape", "ShapeId"),
        rows,
        TokenStream::new(),
    ))
}

fn shape_row(model: &Model, shape: &Shape) -> Result<TokenStream, Error> {
    let name = lit_str(&shape.name);
    let kind = match &shape.ty {
        ShapeType::String => quote!(Kind::String),
        ShapeType::Integer => quote!(Kind::Integer),
        ShapeType::Long => quote!(Kind::Long),
        ShapeType::Boolean => quote!(Kind::Boolean),
        ShapeType::Float => quote!(Kind::Float),
        ShapeType::Double => quote!(Kind::Double),
        ShapeType::Timestamp => {
            let format = match shape.traits.timestamp_format.as_deref() {
                None => quote!(Default),
                Some("epoch-seconds") => quote!(EpochSeconds),
                Some("date-time") => quote!(DateTime),
                Some(_) => quote!(HttpDate),
            };
            quote!(Kind::Timestamp(TimestampFormat::#format))
        }
        ShapeType::Enum(values) => {
            let values = values.iter().map(|v| {
                let (name, value, doc) = (lit_str(&v.name), lit_str(&v.value), doc_text(&v.traits));
                if doc.is_empty() {
                    quote!(EnumValue::new(#name, #value))
                } else {
                    let doc = lit_str(&doc);
                    quote!(EnumValue::new(#name, #value).with_doc(#doc))
                }
            });
            quote!(Kind::Enum(&[#(#values),*]))
        }
        ShapeType::Structure(members) => {
            let members = members.iter().map(|m| member_tokens(model, shape, m)).collect::<Result<Vec<_>, _>>()?;
            quote!(Kind::Structure(&[#(#members),*]))
        }
        ShapeType::Union(members) => {
            let members = members.iter().map(|m| member_tokens(model, shape, m)).collect::<Result<Vec<_>, _>>()?;
            quote!(Kind::Union(&[#(#members),*]))
        }
        ShapeType::List(_) | ShapeType::Map { .. } => TokenStream::new(),
        ShapeType::Operation(_) => unreachable!("operations are not shapes of data"),
    };
    let mut builder = match &shape.ty {
        ShapeType::List(target) => {
            let target = shape_ref(model, target);
            quote!(Shape::list_of(#name, #target))
        }
        ShapeType::Map { key, value } => {
            let (key, value) = (shape_ref(model, key), shape_ref(model, value));
            quote!(Shape::map_of(#name, #key, #value))
        }
        _ => quote!(Shape::new(#name, #kind)),
    };
    let t = &shape.traits;
    let doc = doc_text(t);
    if !doc.is_empty() {
        let doc = lit_str(&doc);
        builder = quote!(#builder.with_doc(#doc));
    }
    if let Some(Bounds { min, max, .. }) = t.length {
        let (min, max) = (opt_f64(min), opt_f64(max));
        builder = quote!(#builder.with_length(#min, #max));
    }
    if let Some(Bounds { min, max, .. }) = t.range {
        let (min, max) = (opt_f64(min), opt_f64(max));
        builder = quote!(#builder.with_range(#min, #max));
    }
    if t.length.iter().chain(&t.range).any(|b| b.decimal) {
        builder = quote!(#builder.with_decimal_bounds());
    }
    if let Some(p) = &t.pattern {
        let p = lit_str(p);
        builder = quote!(#builder.with_pattern(#p));
    }
    if t.sensitive {
        builder = quote!(#builder.with_sensitive());
    }
    if let Some(fault) = &t.error {
        let fault = if fault == "client" { quote!(Fault::Client) } else { quote!(Fault::Server) };
        let status = Literal::u16_unsuffixed(t.http_error.unwrap_or(400));
        builder = quote!(#builder.with_error(#fault, #status));
    }
    Ok(builder)
}

fn member_tokens(model: &Model, owner: &Shape, m: &Member) -> Result<TokenStream, Error> {
    let (name, cli) = (lit_str(&m.name), lit_str(&cli_name(&m.name)));
    let target = shape_ref(model, &m.target);
    let mut b = quote!(Member::of(#name, #cli, #target));
    let t = &m.traits;
    let ctx = format!("{}${}", owner.id, m.name);
    // Constraint traits on members would need a second set of bounds per member; the Connect
    // model has none, so refuse rather than drop them.
    if t.length.is_some() || t.range.is_some() || t.pattern.is_some() || t.sensitive || t.timestamp_format.is_some() {
        return Err(Error(format!("{ctx}: constraint traits on members are not supported by the generator")));
    }
    let doc = doc_text(t);
    if !doc.is_empty() {
        let doc = lit_str(&doc);
        b = quote!(#b.with_doc(#doc));
    }
    if t.required {
        b = quote!(#b.with_required());
    }
    let bindings =
        usize::from(t.http_label) + usize::from(t.http_query.is_some()) + usize::from(t.http_header.is_some());
    if bindings > 1 {
        return Err(Error(format!("{ctx}: more than one HTTP binding")));
    }
    if t.http_label {
        b = quote!(#b.with_location(Location::Label));
    } else if let Some(q) = &t.http_query {
        let q = lit_str(q);
        b = quote!(#b.with_location(Location::Query(#q)));
    } else if let Some(h) = &t.http_header {
        let h = lit_str(h);
        b = quote!(#b.with_location(Location::Header(#h)));
    }
    let target_default = model.shape(&m.target).traits.default.as_ref();
    match (&t.default, target_default) {
        (Some(v), _) => {
            let json = lit_str(&v.to_string());
            b = quote!(#b.with_default(#json));
        }
        // Union members never carry defaults; structure members must repeat their target's.
        (None, Some(_)) if !t.required && matches!(owner.ty, ShapeType::Structure(_)) => {
            return Err(Error(format!("{ctx}: target has a default but the member does not repeat it")));
        }
        _ => {}
    }
    if t.idempotency_token {
        b = quote!(#b.with_idempotency_token());
    }
    if t.deprecated {
        b = quote!(#b.with_deprecated());
    }
    Ok(b)
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => {
            let lit = Literal::f64_unsuffixed(v);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

/// The `ShapeId` of a target.
fn shape_ref(model: &Model, id: &str) -> TokenStream {
    let ident = format_ident!("{}", model.shape(id).name);
    quote!(#ident)
}
