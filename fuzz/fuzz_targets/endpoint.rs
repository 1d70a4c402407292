//! Fuzzes endpoint resolution as a command resolves it: the first byte sets FIPS, dual-stack and
//! which values are given; the NUL-separated parts that follow are the region, `--endpoint-url`,
//! and the `https_proxy`/`http_proxy`/`no_proxy` variables. The model's rules resolve the
//! endpoint, the proxy is chosen for it, and the request URL is built as the client builds it.
#![no_main]

use connect_core::generated::SERVICE;
use connect_core::wire::endpoint::{self, EndpointParams};
use connect_core::wire::proxy::Proxy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [flags, rest @ ..] = data else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split('\0');
    let mut next = |given: bool| parts.next().filter(|_| given).map(str::to_owned);
    let region = next(flags & 4 != 0);
    let endpoint_url = next(flags & 8 != 0);
    let https_proxy = next(flags & 16 != 0);
    let http_proxy = next(flags & 32 != 0);
    let no_proxy = next(flags & 64 != 0);
    let params =
        EndpointParams { region, use_fips: flags & 1 != 0, use_dual_stack: flags & 2 != 0, endpoint: endpoint_url };
    match endpoint::resolve(SERVICE.endpoint_rule_set(), &params) {
        Ok(endpoint) => {
            let base_url = endpoint.url.trim_end_matches('/').to_owned();
            let var = |name: &str| match name {
                "https_proxy" | "HTTPS_PROXY" => https_proxy.clone(),
                "http_proxy" | "HTTP_PROXY" => http_proxy.clone(),
                "no_proxy" | "NO_PROXY" => no_proxy.clone(),
                _ => None,
            };
            if let Some(proxy) = Proxy::for_endpoint(&base_url, var) {
                let _ = proxy.connect_url();
                let _ = proxy.masked();
            }
            let _ = format!("{base_url}/users/x?y=z");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
