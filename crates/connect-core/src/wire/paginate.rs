//! Automatic pagination as the AWS CLI does it (botocore's page iterator): every page is fetched
//! and the result lists are merged, `--max-items` truncates and hands back a resume token,
//! `--starting-token` resumes from one, and `--page-size` sets the page size member.

use serde_json::{Map, Value};

use crate::compat::json_dumps::{Style, to_compact};
use crate::model::{Operation, Paginated};

/// The pagination options of the command line.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    /// `--starting-token`: where an earlier, truncated run stopped.
    pub starting_token: Option<String>,
    /// `--page-size`: the page size member's value for every call.
    pub page_size: Option<i64>,
    /// `--max-items`: how many result items to return in all.
    pub max_items: Option<u64>,
    /// Keep each page as botocore's page iterator yields it ([`Paged::pages`]), for the output
    /// formats that print page by page (`text`, `yaml-stream`).
    pub keep_pages: bool,
}

/// What automatic pagination gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paged {
    /// The merged output: the items of all pages, the other members of the first page, and
    /// `NextToken` (the resume token) when `--max-items` cut it short.
    pub full: Map<String, Value>,
    /// With [`Paging::keep_pages`], each page as the service sent it, its list of items cut as
    /// botocore's page iterator cuts it (the first page after `--starting-token`'s skip, the last
    /// one at `--max-items`); the service's own next token stays in it.
    pub pages: Vec<Map<String, Value>>,
    /// The resume token when `--max-items` cut the result short (also in `full`).
    pub resume_token: Option<String>,
    /// The members of the first page besides the items and the next token (botocore's
    /// `non_aggregate_part`, whose keys for this service are all the other output members).
    pub first_page_rest: Map<String, Value>,
}

/// Why pagination stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum PageError<E> {
    /// A call failed.
    #[error(transparent)]
    Send(E),
    /// `--starting-token` holds more `___`-separated parts than the operation has input tokens.
    #[error("Bad starting token: {0}")]
    BadToken(String),
    /// The service sent the same next token twice: paging would never end (botocore's
    /// `PaginationError`, the token as Python prints the dict).
    #[error("Error during pagination: The same next token was received twice: {0}")]
    SameToken(String),
}

/// The pagination trait of an operation, when the AWS CLI paginates it automatically: it needs
/// the input and output tokens and the list of items to merge.
pub fn automatic(op: &Operation) -> Option<(Paginated, &'static str, &'static str, &'static str)> {
    let p = op.paginated()?;
    Some((p, p.input_token?, p.output_token?, p.items?))
}

const TRUNCATE: &str = "boto_truncate_amount";

/// botocore's token encoding: base64 of `json.dumps({input_token: value, …})`.
fn encode_token(token: &Map<String, Value>) -> String {
    aws_smithy_types::base64::encode(to_compact(&Value::Object(token.clone()), Style { ensure_ascii: true }))
}

fn decode_token(text: &str) -> Option<Map<String, Value>> {
    let bytes = aws_smithy_types::base64::decode(text).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Where `--starting-token` resumes, read as botocore's `_parse_starting_token` reads it: the
/// input members to set in the first request, and how many items of the first page to skip.
///
/// A token this pagination wrote (base64 of a JSON object) gives its members and its
/// `boto_truncate_amount`. Anything else is botocore's older form, `TOKEN___SKIP`, or a service
/// token passed on as it is (`--starting-token` with a `NextToken` the service returned): split
/// on `___`, a last part that Python's `int()` reads is the number to skip when there is one more
/// part than input tokens, a part `None` is no token, and more parts than input tokens is a bad
/// token. (botocore's base64 decoder skips characters outside the alphabet where ours refuses
/// them; either way such a token is not JSON and goes the second way.)
fn starting_point(text: &str, input_token: &str) -> Result<(Map<String, Value>, i64), String> {
    if let Some(mut token) = decode_token(text) {
        let skip = token.remove(TRUNCATE).and_then(|v| v.as_i64()).unwrap_or(0);
        return Ok((token, skip));
    }
    let mut parts: Vec<&str> = text.split("___").collect();
    let mut skip = 0;
    if parts.len() == 2 {
        match crate::compat::repr::int(parts[1]).ok().and_then(|n| n.as_i64()) {
            Some(n) => {
                skip = n;
                parts.pop();
            }
            None => parts = vec![text],
        }
    }
    if parts.len() > 1 {
        return Err(text.to_owned());
    }
    let value = match parts[0] {
        "None" => Value::Null,
        token => Value::String(token.to_owned()),
    };
    Ok((Map::from_iter([(input_token.to_owned(), value)]), skip))
}

/// Python's `items[skip:]`: a negative `skip` counts from the end.
fn skip_items(items: &mut Vec<Value>, skip: i64) {
    let len = items.len() as i64;
    let start = if skip < 0 { (len + skip).max(0) } else { skip.min(len) };
    items.drain(..start as usize);
}

/// `input` with `--page-size` in the operation's page size member (`MaxResults`, …), as botocore's
/// paginator sets it before the client validates the parameters: the page size is validated as
/// that member. Unchanged without a page size or a member to fill.
pub fn with_page_size(op: &Operation, mut input: Map<String, Value>, page_size: Option<i64>) -> Map<String, Value> {
    if let (Some(size), Some(key)) = (page_size, op.paginated().and_then(|p| p.page_size)) {
        input.insert(key.to_owned(), Value::from(size));
    }
    input
}

/// Fetches every page (or up to `--max-items` items) with `send` and builds the merged result:
/// the items of all pages, the other members of the first page, and `NextToken` when truncated.
pub fn run<E>(
    op: &Operation,
    input: Map<String, Value>,
    paging: &Paging,
    send: impl FnMut(&Map<String, Value>) -> Result<Map<String, Value>, E>,
) -> Result<Map<String, Value>, PageError<E>> {
    pages(op, input, paging, send).map(|paged| paged.full)
}

/// [`run`], with the pages (see [`Paged`]). An operation the AWS CLI does not paginate is sent
/// once and gives no pages.
pub fn pages<E>(
    op: &Operation,
    mut input: Map<String, Value>,
    paging: &Paging,
    mut send: impl FnMut(&Map<String, Value>) -> Result<Map<String, Value>, E>,
) -> Result<Paged, PageError<E>> {
    let Some((_, input_token, output_token, items)) = automatic(op) else {
        return send(&input).map(|full| Paged { full, ..Paged::default() }).map_err(PageError::Send);
    };
    let mut kept_pages: Vec<Map<String, Value>> = Vec::new();
    // A page as yielded: the page as sent, with its (cut) list of items in its place.
    let keep_page = |kept: &mut Vec<Map<String, Value>>, page: &Map<String, Value>, list: &Option<Vec<Value>>| {
        if paging.keep_pages {
            let mut shown = page.clone();
            if let Some(list) = list {
                shown.insert(items.to_owned(), Value::Array(list.clone()));
            }
            kept.push(shown);
        }
    };
    let mut next_token: Map<String, Value> = Map::new();
    next_token.insert(input_token.to_owned(), Value::Null);
    let mut starting_truncation = 0i64;
    if let Some(text) = &paging.starting_token {
        let (token, skip) = starting_point(text, input_token).map_err(PageError::BadToken)?;
        starting_truncation = skip;
        // botocore's `_inject_token_into_kwargs`: every member of the token is set, and one
        // that is null or `"None"` is taken out of the input.
        for (name, value) in &token {
            if value.is_null() || value == "None" {
                input.remove(name);
            } else {
                input.insert(name.clone(), value.clone());
            }
        }
        next_token = token;
    }
    input = with_page_size(op, input, paging.page_size);

    let mut result_items: Option<Vec<Value>> = None;
    let mut first_page_rest: Option<Map<String, Value>> = None;
    let mut resume: Option<Map<String, Value>> = None;
    let mut total = 0usize;
    let mut previous: Option<Map<String, Value>> = None;
    let mut first = true;
    loop {
        let mut page = send(&input).map_err(PageError::Send)?;
        let as_sent = if paging.keep_pages { page.clone() } else { Map::new() };
        let mut page_items = match page.remove(items) {
            Some(Value::Array(list)) => Some(list),
            Some(_) | None => None,
        };
        if first {
            if starting_truncation != 0 {
                if let Some(list) = &mut page_items {
                    skip_items(list, starting_truncation);
                }
            }
            let mut rest = page.clone();
            rest.remove(output_token);
            first_page_rest = Some(rest);
        } else {
            starting_truncation = 0;
        }
        let count = page_items.as_ref().map_or(0, Vec::len);
        let over = paging.max_items.map_or(0, |max| (total + count).saturating_sub(max as usize));
        if over > 0 {
            let keep = count - over;
            if let Some(list) = &mut page_items {
                list.truncate(keep);
            }
            let mut token = next_token.clone();
            token.insert(TRUNCATE.to_owned(), Value::from((keep as i64).saturating_add(starting_truncation)));
            resume = Some(token);
            keep_page(&mut kept_pages, &as_sent, &page_items);
            extend(&mut result_items, page_items);
            break;
        }
        keep_page(&mut kept_pages, &as_sent, &page_items);
        extend(&mut result_items, page_items);
        total += count;
        let token = page.get(output_token).cloned().unwrap_or(Value::Null);
        next_token = Map::new();
        next_token.insert(input_token.to_owned(), token.clone());
        if token.is_null() {
            break;
        }
        if paging.max_items.is_some_and(|max| total as u64 == max) {
            resume = Some(next_token.clone());
            break;
        }
        if previous.as_ref() == Some(&next_token) {
            return Err(PageError::SameToken(crate::compat::repr::python_repr(&Value::Object(next_token))));
        }
        input.insert(input_token.to_owned(), token);
        previous = Some(next_token.clone());
        first = false;
    }

    let mut full = Map::new();
    if let Some(list) = result_items {
        full.insert(items.to_owned(), Value::Array(list));
    }
    let first_page_rest = first_page_rest.unwrap_or_default();
    for (k, v) in &first_page_rest {
        full.entry(k.clone()).or_insert(v.clone());
    }
    let resume_token = resume.map(|token| encode_token(&token));
    if let Some(token) = &resume_token {
        full.insert("NextToken".to_owned(), Value::String(token.clone()));
    }
    Ok(Paged { full, pages: kept_pages, resume_token, first_page_rest })
}

fn extend(acc: &mut Option<Vec<Value>>, page: Option<Vec<Value>>) {
    match (acc.as_mut(), page) {
        (Some(all), Some(more)) => all.extend(more),
        (None, Some(more)) => *acc = Some(more),
        (_, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Http, Operation};
    use serde_json::json;

    static OP: Operation =
        Operation::new("ListThings", "list-things", Http { method: "GET", uri: "/things", code: 200 }).with_paginated(
            Paginated {
                input_token: Some("NextToken"),
                output_token: Some("NextToken"),
                items: Some("Things"),
                page_size: Some("MaxResults"),
            },
        );

    /// A service with `pages` pages of items; returns the requests it saw.
    fn serve(pages: &[&[i64]], paging: Paging) -> (Map<String, Value>, Vec<Map<String, Value>>) {
        let mut seen = Vec::new();
        let result = run(&OP, Map::new(), &paging, |input| -> Result<_, ()> {
            seen.push(input.clone());
            let i: usize = input.get("NextToken").and_then(|t| t.as_str()).map_or(0, |t| t[1..].parse().unwrap());
            let mut page = json!({"Things": pages[i], "Count": i}).as_object().unwrap().clone();
            if i + 1 < pages.len() {
                page.insert("NextToken".into(), json!(format!("p{}", i + 1)));
            }
            Ok(page)
        })
        .unwrap();
        (result, seen)
    }

    fn decode(token: &Value) -> String {
        String::from_utf8(aws_smithy_types::base64::decode(token.as_str().unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn all_pages_are_merged_with_the_first_page_rest() {
        let (r, seen) = serve(&[&[1, 2], &[3], &[4, 5]], Paging::default());
        assert_eq!(Value::Object(r), json!({"Things": [1, 2, 3, 4, 5], "Count": 0}));
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn max_items_truncates_and_resumes() {
        // Inside a page: the token of the request that fetched it, plus how many were taken.
        let (r, _) = serve(&[&[1, 2], &[3, 4], &[5]], Paging { max_items: Some(3), ..Default::default() });
        assert_eq!(r["Things"], json!([1, 2, 3]));
        assert_eq!(decode(&r["NextToken"]), r#"{"NextToken": "p1", "boto_truncate_amount": 1}"#);
        // At a page boundary: the service's next token.
        let (r, _) = serve(&[&[1, 2], &[3, 4]], Paging { max_items: Some(2), ..Default::default() });
        assert_eq!(decode(&r["NextToken"]), r#"{"NextToken": "p1"}"#);
        // Within the first page, botocore's token carries a null service token.
        let (r, _) = serve(&[&[1, 2], &[3]], Paging { max_items: Some(1), ..Default::default() });
        assert_eq!(decode(&r["NextToken"]), r#"{"NextToken": null, "boto_truncate_amount": 1}"#);
        // Resuming skips what was already returned.
        let token = r["NextToken"].as_str().unwrap().to_owned();
        let (r, seen) = serve(&[&[1, 2], &[3]], Paging { starting_token: Some(token), ..Default::default() });
        assert_eq!(r["Things"], json!([2, 3]));
        assert!(!seen[0].contains_key("NextToken"));
    }

    #[test]
    fn page_size_and_bad_tokens() {
        let (_, seen) = serve(&[&[1]], Paging { page_size: Some(7), ..Default::default() });
        assert_eq!(seen[0]["MaxResults"], json!(7));
        let err =
            run(&OP, Map::new(), &Paging { starting_token: Some("a___b___c".into()), ..Default::default() }, |_| {
                Ok::<_, ()>(Map::new())
            })
            .unwrap_err();
        assert!(matches!(err, PageError::BadToken(t) if t == "a___b___c"));
    }

    #[test]
    fn a_token_that_is_not_ours_is_the_services_or_botocores_older_form() {
        let first = |token: &str| {
            let (r, seen) = serve(
                &[&[1, 2, 3], &[4, 5, 6], &[7]],
                Paging { starting_token: Some(token.into()), ..Default::default() },
            );
            (seen[0].get("NextToken").cloned(), r["Things"].clone())
        };
        // A service token is sent as it is.
        assert_eq!(first("p1"), (Some(json!("p1")), json!([4, 5, 6, 7])));
        // TOKEN___SKIP, with Python's int() for SKIP; a negative one counts from the end.
        assert_eq!(first("p1___2"), (Some(json!("p1")), json!([6, 7])));
        assert_eq!(first("p1___ +1 "), (Some(json!("p1")), json!([5, 6, 7])));
        assert_eq!(first("p1___-1"), (Some(json!("p1")), json!([6, 7])));
        assert_eq!(first("None___1"), (None, json!([2, 3, 4, 5, 6, 7])));
        // A last part that is not a number belongs to the token.
        let point = |token: &str| starting_point(token, "NextToken").map(|(t, skip)| (Value::Object(t), skip));
        assert_eq!(point("p1___x"), Ok((json!({"NextToken": "p1___x"}), 0)));
        assert_eq!(point("p1___"), Ok((json!({"NextToken": "p1___"}), 0)));
        // Our own token: every member it holds, and its truncation.
        let ours = aws_smithy_types::base64::encode(r#"{"NextToken": null, "Other": "x", "boto_truncate_amount": 2}"#);
        assert_eq!(point(&ours), Ok((json!({"NextToken": null, "Other": "x"}), 2)));
        assert_eq!(point("a___1___2"), Err("a___1___2".to_owned()));
    }
}
