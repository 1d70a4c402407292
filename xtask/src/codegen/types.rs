//! The Rust types (`types.rs` and `types/*.rs`): a serde and schemars type for every structure,
//! union and enum, with sensitive members redacted from `Debug`.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::type_docs::{Places, member_line, value_line};
use super::{Error, doc_text, lit_str, split};
use crate::names::{field_name, variant_name};
use crate::smithy::{Bounds, Member, Model, Shape, ShapeType};

pub(super) fn types_file(model: &Model) -> Result<Vec<(String, TokenStream)>, Error> {
    let boxed = recursive_edges(model);
    let places = Places::of(model);
    let mut items = Vec::new();
    for shape in model.shapes.values() {
        match &shape.ty {
            ShapeType::Structure(members) => {
                items.push((shape.name.clone(), struct_type(model, &places, shape, members, &boxed)?))
            }
            ShapeType::Union(members) => {
                items.push((shape.name.clone(), union_type(model, &places, shape, members, &boxed)?))
            }
            ShapeType::Enum(values) => {
                let ident = format_ident!("{}", shape.name);
                let docs = doc_attrs(&or_fact(doc_text(&shape.traits), || places.shape_line(shape)));
                let mut seen = BTreeSet::new();
                let variants = values
                    .iter()
                    .map(|v| {
                        let variant = unique(&mut seen, variant_name(&v.name), shape, "variant")?;
                        let value = lit_str(&v.value);
                        let docs = doc_attrs(&or_fact(doc_text(&v.traits), || value_line(&v.value)));
                        Ok(quote! { #docs #[serde(rename = #value)] #variant })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                items.push((shape.name.clone(), quote! {
                    #docs
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
                    pub enum #ident { #(#variants),* }
                }));
            }
            _ => {}
        }
    }
    Ok(split(
        "types",
        "Rust types for the inputs, outputs and errors, with serde and JSON Schema support.",
        TokenStream::new(),
        quote! {
            use schemars::JsonSchema;
            use serde::{Deserialize, Serialize};
        },
        items,
        TokenStream::new(),
    ))
}

/// The model's documentation (as literal text), or where it has none, a line of facts (every public item of
/// connect-core has rustdoc).
fn or_fact(doc: String, fact: impl FnOnce() -> String) -> String {
    if doc.trim().is_empty() { fact() } else { doc.lines().map(rustdoc_text).collect::<Vec<_>>().join("\n") }
}

fn doc_attrs(doc: &str) -> TokenStream {
    let lines = doc.lines().map(|l| lit_str(&if l.is_empty() { String::new() } else { format!(" {l}") }));
    quote!(#(#[doc = #lines])*)
}

/// A line of the model's plain-text documentation as rustdoc reads it: brackets and
/// angle brackets escaped (not links or HTML), bare URLs in angle brackets (autolinks).
fn rustdoc_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            // A sentence's closing punctuation is not part of the URL.
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The identifier for `name`, which no other member of `shape` may map to.
fn unique(seen: &mut BTreeSet<String>, name: String, shape: &Shape, what: &str) -> Result<proc_macro2::Ident, Error> {
    let ident = format_ident!("{}", name);
    if !seen.insert(name.clone()) {
        return Err(Error(format!("{}: members map to the same {what} {name}", shape.id)));
    }
    Ok(ident)
}

/// The Rust type of a member, boxed where it closes a cycle of structures held by value.
fn member_type(model: &Model, owner: &Shape, m: &Member, boxed: &BTreeSet<(String, String)>) -> TokenStream {
    let ty = rust_type(model, &m.target);
    if boxed.contains(&(owner.id.clone(), m.target.clone())) { quote!(::std::boxed::Box<#ty>) } else { ty }
}

/// The Rust type of a member's target.
fn rust_type(model: &Model, id: &str) -> TokenStream {
    let shape = model.shape(id);
    match &shape.ty {
        ShapeType::String => quote!(::std::string::String),
        ShapeType::Integer => quote!(i32),
        ShapeType::Long => quote!(i64),
        ShapeType::Boolean => quote!(bool),
        ShapeType::Float => quote!(f32),
        ShapeType::Double => quote!(f64),
        ShapeType::Timestamp => quote!(crate::value::Timestamp),
        ShapeType::List(t) => {
            let t = rust_type(model, t);
            quote!(::std::vec::Vec<#t>)
        }
        ShapeType::Map { value, .. } => {
            let v = rust_type(model, value);
            quote!(::std::collections::BTreeMap<::std::string::String, #v>)
        }
        ShapeType::Enum(_) | ShapeType::Structure(_) | ShapeType::Union(_) => {
            let ident = format_ident!("{}", shape.name);
            quote!(#ident)
        }
        ShapeType::Operation(_) => unreachable!("members do not target operations"),
    }
}

/// schemars validation attributes for a member's constraints.
fn schema_attrs(model: &Model, target: &str) -> TokenStream {
    let t = &model.shape(target).traits;
    let num = |v: f64| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            let n = Literal::i64_unsuffixed(v as i64);
            quote!(#n)
        } else {
            let n = Literal::f64_unsuffixed(v);
            quote!(#n)
        }
    };
    let bounds = |b: &Bounds| {
        let mut parts = Vec::new();
        if let Some(min) = b.min {
            let n = num(min);
            parts.push(quote!(min = #n));
        }
        if let Some(max) = b.max {
            let n = num(max);
            parts.push(quote!(max = #n));
        }
        parts
    };
    let mut attrs = TokenStream::new();
    if let Some(b) = &t.length {
        let parts = bounds(b);
        if !parts.is_empty() {
            attrs.extend(quote!(#[schemars(length(#(#parts),*))]));
        }
    }
    if let Some(b) = &t.range {
        let parts = bounds(b);
        if !parts.is_empty() {
            attrs.extend(quote!(#[schemars(range(#(#parts),*))]));
        }
    }
    attrs
}

fn struct_type(
    model: &Model,
    places: &Places,
    shape: &Shape,
    members: &[Member],
    boxed: &BTreeSet<(String, String)>,
) -> Result<TokenStream, Error> {
    let ident = format_ident!("{}", shape.name);
    let docs = doc_attrs(&or_fact(doc_text(&shape.traits), || places.shape_line(shape)));
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut any_sensitive = false;
    let mut seen = BTreeSet::new();
    for m in members {
        let fname = field_name(&m.name);
        let field = unique(&mut seen, fname.clone(), shape, "field name")?;
        let ty = member_type(model, shape, m, boxed);
        let rename = lit_str(&m.name);
        let docs = doc_attrs(&or_fact(doc_text(&m.traits), || member_line(model, m)));
        let schema = schema_attrs(model, &m.target);
        if m.traits.required {
            fields.push(quote! { #docs #[serde(rename = #rename)] #schema pub #field: #ty });
        } else {
            fields.push(quote! {
                #docs
                #[serde(rename = #rename, default, skip_serializing_if = "Option::is_none")]
                #schema
                pub #field: ::std::option::Option<#ty>
            });
        }
        let label = lit_str(fname.trim_start_matches("r#"));
        if model.shape(&m.target).traits.sensitive {
            any_sensitive = true;
            debug_fields.push(quote!(.field(#label, &"*** Sensitive Data Redacted ***")));
        } else {
            debug_fields.push(quote!(.field(#label, &self.#field)));
        }
    }
    let name = lit_str(&shape.name);
    let (derive_debug, debug_impl) = if any_sensitive {
        (
            quote!(),
            quote! {
                impl ::std::fmt::Debug for #ident {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(#name) #(#debug_fields)* .finish()
                    }
                }
            },
        )
    } else {
        (quote!(Debug,), quote!())
    };
    Ok(quote! {
        #docs
        #[derive(#derive_debug Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct #ident { #(#fields),* }
        #debug_impl
    })
}

fn union_type(
    model: &Model,
    places: &Places,
    shape: &Shape,
    members: &[Member],
    boxed: &BTreeSet<(String, String)>,
) -> Result<TokenStream, Error> {
    let ident = format_ident!("{}", shape.name);
    let docs = doc_attrs(&or_fact(doc_text(&shape.traits), || places.shape_line(shape)));
    let mut seen = BTreeSet::new();
    let variants = members
        .iter()
        .map(|m| {
            let variant = unique(&mut seen, variant_name(&m.name), shape, "variant")?;
            let rename = lit_str(&m.name);
            let docs = doc_attrs(&or_fact(doc_text(&m.traits), || member_line(model, m)));
            let ty = member_type(model, shape, m, boxed);
            Ok(quote! { #docs #[serde(rename = #rename)] #variant(#ty) })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if variants.is_empty() {
        return Err(Error(format!("{}: a union needs at least one member", shape.id)));
    }
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub enum #ident { #(#variants),* }
    })
}

/// Member edges `(owner, target)` that close a cycle of structures and unions held by value; their
/// fields are boxed. Lists and maps already hold their elements on the heap.
fn recursive_edges(model: &Model) -> BTreeSet<(String, String)> {
    let direct = |shape: &Shape| -> Vec<String> {
        match &shape.ty {
            ShapeType::Structure(ms) | ShapeType::Union(ms) => ms
                .iter()
                .filter(|m| matches!(model.shape(&m.target).ty, ShapeType::Structure(_) | ShapeType::Union(_)))
                .map(|m| m.target.clone())
                .collect(),
            _ => Vec::new(),
        }
    };
    // An edge a→b is recursive when b reaches a by direct containment.
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if id == to {
                return true;
            }
            if seen.insert(id.clone()) {
                stack.extend(direct(model.shape(&id)));
            }
        }
        false
    };
    let mut edges = BTreeSet::new();
    for shape in model.shapes.values() {
        for target in direct(shape) {
            if reaches(&target, &shape.id) {
                edges.insert((shape.id.clone(), target));
            }
        }
    }
    edges
}
