//! Fuzzes `--starting-token` and the pages it resumes: for a paginated operation chosen by the
//! first byte, with `--max-items` and `--page-size` from the next two, the text up to the first
//! NUL is the token and each further NUL-separated part a page the service answers (`{}` when
//! they run out), through `paginate::run`.
#![no_main]

use connect_core::generated::SERVICE;
use connect_core::model::Operation;
use connect_core::wire::paginate::{self, PageError, Paging};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let [pick, max_items, page_size, rest @ ..] = data else { return };
    let paginated: Vec<&Operation> =
        SERVICE.operations().filter(|op| paginate::automatic(op).is_some()).collect();
    let op = paginated[usize::from(*pick) % paginated.len()];
    let mut parts = rest.split(|&b| b == 0);
    let token = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut pages = parts.map(|p| match serde_json::from_slice::<Value>(p) {
        Ok(Value::Object(page)) => page,
        _ => Map::new(),
    });
    let paging = Paging {
        starting_token: Some(token),
        page_size: (*page_size != 0).then_some(i64::from(*page_size) - 128),
        max_items: (*max_items != 0).then_some(u64::from(*max_items)),
        keep_pages: *pick % 2 == 0,
    };
    let mut calls = 0;
    let result = paginate::pages(op, Map::new(), &paging, |_input: &Map<String, Value>| {
        calls += 1;
        // Every page past the input's: none. The loop must end on its own.
        assert!(calls <= rest.len() + 2, "pagination did not stop");
        Ok::<_, std::convert::Infallible>(pages.next().unwrap_or_default())
    });
    match result {
        Ok(paged) => {
            assert!(paging.keep_pages || paged.pages.is_empty(), "pages kept unasked");
            let _ = Value::Object(paged.full).to_string();
        }
        Err(PageError::BadToken(t)) | Err(PageError::SameToken(t)) => {
            let _ = t;
        }
        Err(PageError::Send(never)) => match never {},
    }
});
