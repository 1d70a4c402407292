//! Runs every endpoint test case of the generated service through the endpoint rules engine.

use connect_core::generated::SERVICE;
use connect_core::wire::endpoint::{EndpointError, EndpointParams, resolve, resolve_named};
use serde_json::{Map, Value};

/// The builtIn of each rule set parameter, by parameter name.
fn builtins() -> Map<String, Value> {
    let rule_set: Value = serde_json::from_str(SERVICE.endpoint_rule_set()).expect("rule set is JSON");
    let params = rule_set["parameters"].as_object().expect("parameters");
    params.iter().map(|(name, def)| (name.clone(), def["builtIn"].clone())).collect()
}

/// The [`EndpointParams`] for a test case's named parameters.
fn endpoint_params(params: &Map<String, Value>, builtins: &Map<String, Value>) -> Result<EndpointParams, String> {
    let mut out = EndpointParams::default();
    for (name, value) in params {
        match (builtins.get(name).and_then(Value::as_str), value) {
            (Some("AWS::Region"), Value::String(s)) => out.region = Some(s.clone()),
            (Some("AWS::UseFIPS"), Value::Bool(b)) => out.use_fips = *b,
            (Some("AWS::UseDualStack"), Value::Bool(b)) => out.use_dual_stack = *b,
            (Some("SDK::Endpoint"), Value::String(s)) => out.endpoint = Some(s.clone()),
            (builtin, _) => {
                return Err(format!("parameter {name}={value} (builtIn {builtin:?}) has no EndpointParams field"));
            }
        }
    }
    Ok(out)
}

/// Checks one outcome against the test case's `expect`; `Err` describes the mismatch.
fn check(expect: &Value, got: &Result<connect_core::wire::endpoint::Endpoint, EndpointError>) -> Result<(), String> {
    match (expect.get("endpoint"), expect.get("error"), got) {
        (Some(want), None, Ok(endpoint)) => {
            if want["url"] != endpoint.url.as_str() {
                return Err(format!("url: want {}, got {:?}", want["url"], endpoint.url));
            }
            if let Some(props) = want.get("properties") {
                if props != &Value::Object(endpoint.properties.clone()) {
                    return Err(format!("properties: want {props}, got {:?}", endpoint.properties));
                }
            }
            if let Some(headers) = want.get("headers") {
                let got = serde_json::to_value(&endpoint.headers).map_err(|e| e.to_string())?;
                if headers != &got {
                    return Err(format!("headers: want {headers}, got {got}"));
                }
            }
            Ok(())
        }
        (None, Some(want), Err(EndpointError::Rule(message))) if want.as_str() == Some(message.as_str()) => Ok(()),
        (_, _, got) => Err(format!("want {expect}, got {got:?}")),
    }
}

#[test]
fn all_endpoint_test_cases_pass() {
    let tests: Value = serde_json::from_str(SERVICE.endpoint_tests()).expect("endpoint tests are JSON");
    let cases = tests["testCases"].as_array().expect("testCases");
    assert_eq!(cases.len(), 32, "the Connect model has 32 endpoint test cases");
    let builtins = builtins();
    let empty = Map::new();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = case["documentation"].as_str().unwrap_or("");
        let params = case.get("params").and_then(Value::as_object).unwrap_or(&empty);
        // Through the public builtIn API, and through the parameter names: both must agree.
        let by_builtin = endpoint_params(params, &builtins).map(|p| resolve(SERVICE.endpoint_rule_set(), &p));
        let by_name = resolve_named(SERVICE.endpoint_rule_set(), params);
        match by_builtin {
            Err(e) => failures.push(format!("#{i} {doc}: {e}")),
            Ok(got) => {
                if let Err(e) = check(&case["expect"], &got) {
                    failures.push(format!("#{i} {doc}: {e}"));
                }
                if got != by_name {
                    failures.push(format!("#{i} {doc}: by builtIn {got:?} but by name {by_name:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} endpoint test cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_display_the_rule_message_exactly() {
    let err = resolve(SERVICE.endpoint_rule_set(), &EndpointParams::default()).unwrap_err();
    assert_eq!(err.to_string(), "Invalid Configuration: Missing Region");
}

#[test]
fn other_regions_resolve_through_the_partition_table() {
    let url = |region: &str, fips: bool, dual: bool| {
        let p = EndpointParams { region: Some(region.into()), use_fips: fips, use_dual_stack: dual, endpoint: None };
        resolve(SERVICE.endpoint_rule_set(), &p).map(|e| e.url)
    };
    assert_eq!(url("eu-isoe-west-1", false, false).as_deref(), Ok("https://connect.eu-isoe-west-1.cloud.adc-e.uk"));
    assert_eq!(
        url("us-isof-south-1", true, false).as_deref(),
        Ok("https://connect-fips.us-isof-south-1.csp.hci.ic.gov")
    );
    assert_eq!(
        url("eusc-de-east-1", false, true).as_deref(),
        Ok("https://connect.eusc-de-east-1.api.amazonwebservices.eu")
    );
    assert_eq!(url("xx-foo-1", false, false).as_deref(), Ok("https://connect.xx-foo-1.amazonaws.com"));
    assert_eq!(url("us-gov-west-1", true, true).as_deref(), Ok("https://connect-fips.us-gov-west-1.api.aws"));
}
