//! The seed's example parsed the ways a user can give it, and snapshots of how tricky shorthand
//! parses and how bad shorthand fails, for the seed command's `--identity-info`.

use connect_core::generated::shapes::UpdateUserIdentityInfoRequest;
use connect_core::input::param_value;
use connect_core::input::paramfile::LocalParamFiles;
use serde_json::Value;

fn identity_info(text: &str) -> Result<Value, String> {
    let member = UpdateUserIdentityInfoRequest.member("IdentityInfo").unwrap();
    param_value(member, &[text.to_owned()], &LocalParamFiles).map_err(|e| e.to_string())
}

#[test]
fn seed_shorthand_and_json_syntax_parse_the_same() {
    let shorthand = identity_info("FirstName=Mary,LastName=Major,Email=marym@example.com").unwrap();
    let json = identity_info(
        r#"{
  "FirstName": "Mary",
  "LastName": "Major",
  "Email": "marym@example.com"
}"#,
    )
    .unwrap();
    assert_eq!(shorthand, json);
    insta::assert_snapshot!(shorthand, @r#"{"FirstName":"Mary","LastName":"Major","Email":"marym@example.com"}"#);
    // From a file too.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("info.json");
    std::fs::write(&path, r#"{"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"}"#).unwrap();
    assert_eq!(identity_info(&format!("file://{}", path.display())).unwrap(), shorthand);
}

#[test]
fn tricky_shorthand() {
    let cases = [
        "FirstName=Mary,,LastName=Major",
        "FirstName=a=b=c",
        "FirstName=Mary Ann  ,LastName=O\\,Neil",
        "FirstName='Mary, Ann',LastName=\"Ma\\\"jor\"",
        "FirstName=  spaced",
        "FirstName=",
        "FirstName=Zoë 😀,Mobile=+15555550100",
        "FirstName=Mary,LastName",
        "FirstName=[a,b]",
        "Nickname=M",
        "FirstName=Mary\n,LastName=Major",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c:?}\n  => {}", identity_info(c).map_or_else(|e| e, |v| v.to_string())))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn bad_shorthand_errors() {
    let cases = [
        "FirstName",
        "FirstName=Mary,FirstName=Bob",
        "FirstName='Mary",
        "FirstName=\"Mary\"x",
        "FirstName=Mary,",
        "FirstName=Mary}",
        "FirstName={a=b",
        "FirstName@=file:///nonexistent/x",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| match identity_info(c) {
            Err(e) => format!("{c:?}\n{e}"),
            Ok(v) => panic!("{c:?} parsed as {v}"),
        })
        .collect();
    insta::assert_snapshot!(out.join("\n\n"));
}
