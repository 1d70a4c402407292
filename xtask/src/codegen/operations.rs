//! The operation rows (`operations.rs` and `operations/*.rs`): HTTP binding, input and output
//! shapes, errors, pagination and examples of each operation, named by `OperationId`, and the
//! function that finds an operation's input schema by its name.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Error, doc_text, lit_str, split_rows};
use crate::docs::plain_text;
use crate::names::cli_name;
use crate::smithy::{Model, Shape, ShapeType};

pub(super) fn operations_file(model: &Model) -> Result<Vec<(String, TokenStream)>, Error> {
    let mut ops: Vec<_> = model.operations().collect();
    ops.sort_by_key(|(shape, _)| cli_name(&shape.name));
    let mut rows = Vec::new();
    let mut schemas = Vec::new();
    for (shape, op) in &ops {
        let name = lit_str(&shape.name);
        let cli = lit_str(&cli_name(&shape.name));
        let doc = lit_str(&doc_text(&shape.traits));
        let http = shape.traits.http.as_ref().ok_or_else(|| Error(format!("{}: no @http", shape.id)))?;
        let (method, uri, code) = (lit_str(&http.method), lit_str(&http.uri), Literal::u16_unsuffixed(http.code));
        check_labels(model, shape, op.input.as_deref(), &http.uri)?;
        let opt_shape = |id: &Option<String>| match id {
            Some(id) => {
                let ident = format_ident!("{}", model.shape(id).name);
                Some(quote!(shapes::#ident))
            }
            None => None,
        };
        let (input, output) = (opt_shape(&op.input), opt_shape(&op.output));
        let errors = op.errors.iter().map(|e| {
            let ident = format_ident!("{}", model.shape(e).name);
            quote!(shapes::#ident)
        });
        let paginated = match &shape.traits.paginated {
            Some(p) => {
                let f = |v: &Option<String>| match v {
                    Some(s) => {
                        let s = lit_str(s);
                        quote!(Some(#s))
                    }
                    None => quote!(None),
                };
                let (it, ot, items, ps) = (f(&p.input_token), f(&p.output_token), f(&p.items), f(&p.page_size));
                Some(quote!(Paginated { input_token: #it, output_token: #ot, items: #items, page_size: #ps }))
            }
            None => None,
        };
        let examples = shape.traits.examples.iter().map(|e| {
            let title = lit_str(&e.title);
            let doc = lit_str(&e.documentation.as_deref().map(plain_text).unwrap_or_default());
            let input = lit_str(&e.input.to_string());
            let mut example = quote!(Example::new(#title, #input).with_doc(#doc));
            if let Some(o) = &e.output {
                let o = lit_str(&o.to_string());
                example = quote!(#example.with_output(#o));
            }
            example
        });
        if let Some(id) = &op.input {
            let ty = format_ident!("{}", model.shape(id).name);
            schemas.push(quote!(#name => crate::schema::schema_of::<types::#ty>()));
        }
        let mut builder = quote! {
            Operation::new(#name, #cli, Http { method: #method, uri: #uri, code: #code }).with_doc(#doc)
        };
        if let Some(input) = input {
            builder = quote!(#builder.with_input_of(#input));
        }
        if let Some(output) = output {
            builder = quote!(#builder.with_output_of(#output));
        }
        builder = quote!(#builder.with_errors_of(&[#(#errors),*]));
        if let Some(paginated) = paginated {
            builder = quote!(#builder.with_paginated(#paginated));
        }
        builder = quote!(#builder.with_examples(&[#(#examples),*]));
        if shape.traits.idempotent {
            builder = quote!(#builder.with_idempotent());
        }
        let pages = if shape.traits.paginated.is_some() { ", paginated" } else { "" };
        let summary = format!("`aws-connect {}`: `{} {}`{pages}.", cli_name(&shape.name), http.method, http.uri);
        rows.push((shape.name.clone(), summary, builder));
    }
    Ok(split_rows(
        "operations",
        "Operation rows: HTTP binding, input and output shapes, errors, pagination, examples; sorted by command-line name.",
        quote! {
            use crate::model::*;
            use crate::generated::shapes;
        },
        ("Operation", "OperationId"),
        rows,
        quote! {
            use crate::generated::types;
            /// The JSON Schema of the input of the operation called `name`, from its generated
            /// Rust type (found by name: the tables hold no function pointers).
            pub(crate) fn input_schema(name: &str) -> Option<schemars::Schema> {
                Some(match name {
                    #(#schemas,)*
                    _ => return None,
                })
            }
        },
    ))
}

/// Every `{Label}` of the URI must be a required `@httpLabel` member, and the reverse.
fn check_labels(model: &Model, op: &Shape, input: Option<&str>, uri: &str) -> Result<(), Error> {
    let mut in_uri = BTreeSet::new();
    let path = uri.split('?').next().unwrap_or(uri);
    for seg in path.split('/') {
        if let Some(label) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if label.ends_with('+') {
                return Err(Error(format!("{}: greedy label {{{label}}} is not supported", op.id)));
            }
            in_uri.insert(label.to_owned());
        } else if seg.contains(['{', '}']) {
            return Err(Error(format!("{}: label must fill a whole path segment in {uri}", op.id)));
        }
    }
    let members = input.map(|id| model.shape(id)).map_or(&[][..], |s| match &s.ty {
        ShapeType::Structure(ms) => ms.as_slice(),
        _ => &[],
    });
    let labelled: BTreeSet<String> = members.iter().filter(|m| m.traits.http_label).map(|m| m.name.clone()).collect();
    if labelled != in_uri {
        return Err(Error(format!("{}: URI labels {in_uri:?} do not match @httpLabel members {labelled:?}", op.id)));
    }
    Ok(())
}
