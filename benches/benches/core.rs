//! Micro-benchmarks: the shorthand parser, typing a parameter against the model, validation, and
//! the restJson1 serializer, on the seed command's input.

use std::hint::black_box;

use connect_core::generated::operations::UpdateUserIdentityInfo;
use connect_core::generated::shapes::UpdateUserIdentityInfoRequest;
use connect_core::input::param_value;
use connect_core::input::paramfile::LocalParamFiles;
use connect_core::wire::rest_json::serialize;
use connect_core::input::shorthand;
use connect_core::input::validate::validate;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

const SEED: &str = "FirstName=Mary,LastName=Major,Email=marym@example.com";
const TRICKY: &str = "a='x, y',b=\"q\\\"r\",c=[1,2,{d=e,f=[g,h]}],i=j\\,k,l=m=n,,o=  p  ";

fn benches(c: &mut Criterion) {
    c.bench_function("shorthand/seed", |b| b.iter(|| shorthand::parse(black_box(SEED), &LocalParamFiles)));
    c.bench_function("shorthand/tricky", |b| b.iter(|| shorthand::parse(black_box(TRICKY), &LocalParamFiles)));
    let member = UpdateUserIdentityInfoRequest.member("IdentityInfo").unwrap();
    let values = vec![SEED.to_owned()];
    c.bench_function("param/seed", |b| b.iter(|| param_value(member, black_box(&values), &LocalParamFiles)));
    let input = json!({
        "IdentityInfo": {"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"},
        "UserId": "87654321-2222-1234-1234-111234567891",
        "InstanceId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    });
    c.bench_function("validate/seed", |b| b.iter(|| validate(black_box(&input), &UpdateUserIdentityInfoRequest)));
    let map = match input {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    c.bench_function("serialize/seed", |b| b.iter(|| serialize(&UpdateUserIdentityInfo, black_box(&map))));
}

criterion_group!(core, benches);
criterion_main!(core);
