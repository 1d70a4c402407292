//! The service file (`service.rs`): the service's identity, signing name and endpoint rules.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Error, doc_text, lit_str};
use crate::smithy::Model;

pub(super) fn service_file(model: &Model) -> Result<TokenStream, Error> {
    let s = &model.service;
    let t = &s.traits;
    let aws = t.aws_service.as_ref().ok_or_else(|| Error("service has no aws.api#service".into()))?;
    let name = lit_str(s.id.rsplit_once('#').map_or(s.id.as_str(), |(_, n)| n));
    let version = lit_str(&s.version);
    let (sdk_id, prefix) = (lit_str(&aws.sdk_id), lit_str(&aws.endpoint_prefix));
    let signing = lit_str(t.sigv4_name.as_deref().unwrap_or_default());
    let doc = lit_str(&doc_text(t));
    let rules = raw_json(t.endpoint_rule_set.as_ref())?;
    let tests = raw_json(t.endpoint_tests.as_ref())?;
    Ok(quote! {
        //! The service: identity, signing name and endpoint rules.
        use crate::model::Service;
        /// The service as the model describes it: names, API version, SigV4 signing name and
        /// endpoint rules.
        pub static SERVICE: Service = Service::new(
            #name,
            #version,
            #sdk_id,
            #prefix,
            #signing,
            &[],
        )
        .with_generated_operations()
        .with_doc(#doc)
        .with_endpoint_rules(#rules, #tests);
    })
}

/// JSON as a raw string literal, one member or element per line and without indentation: a rule
/// change reads as a diff, and the program, which reads the rules for every request, does not
/// scan indentation (two thirds of the pretty-printed text).
fn raw_json(value: Option<&serde_json::Value>) -> Result<TokenStream, Error> {
    use serde::Serialize;
    let text = match value {
        Some(v) => {
            let mut out = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b"");
            v.serialize(&mut serde_json::Serializer::with_formatter(&mut out, formatter))
                .map_err(|e| Error(e.to_string()))?;
            String::from_utf8(out).map_err(|e| Error(e.to_string()))?
        }
        None => "null".to_owned(),
    };
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let lit: Literal =
        format!("r{hashes}\"{text}\"{hashes}").parse().map_err(|e| Error(format!("raw string: {e:?}")))?;
    Ok(quote!(#lit))
}
