//! The timestamp module against botocore: one Python process reads and writes every form.

use super::*;
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};

/// botocore's reading of each value (`parse_to_aware_datetime`) and its serializer's texts:
/// epoch seconds, ISO 8601 and RFC 822 (`_convert_timestamp_to_str`), and the header value of
/// a timestamp member in each format (`_convert_header_value`); `null` where botocore raises.
/// Also the date `dateutil` takes as today.
const BOTOCORE: &str = r#"
import calendar, datetime, json, sys, warnings
warnings.simplefilter('ignore')
from botocore.model import Shape
from botocore.serialize import RestJSONSerializer
from botocore.utils import parse_to_aware_datetime
s = RestJSONSerializer()
def shape(fmt):
    return Shape('T', {'type': 'timestamp', 'timestampFormat': fmt} if fmt else {'type': 'timestamp'})
today = datetime.datetime.now().date()
results = []
for v in json.load(sys.stdin):
    try:
        dt = parse_to_aware_datetime(v)
        results.append({
            'secs': calendar.timegm(dt.utctimetuple()), 'micros': dt.microsecond,
            'unixtimestamp': s._convert_timestamp_to_str(v, 'unixtimestamp'),
            'iso8601': s._convert_timestamp_to_str(v, 'iso8601'),
            'rfc822': s._convert_timestamp_to_str(v, 'rfc822'),
            'header': s._convert_header_value(shape(None), v),
            'header_iso8601': s._convert_header_value(shape('iso8601'), v),
            'header_unixtimestamp': s._convert_header_value(shape('unixTimestamp'), v),
        })
    except Exception:
        results.append(None)
json.dump({'today': [today.year, today.month, today.day], 'results': results}, sys.stdout)
"#;

fn botocore(values: &[Value]) -> (Vec<Value>, (i64, u32, u32)) {
    let mut child = Command::new("python3")
        .args(["-c", BOTOCORE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with botocore is needed: python3 -m pip install -r .ci/requirements.txt");
    child.stdin.take().unwrap().write_all(Value::Array(values.to_vec()).to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "botocore failed: python3 -m pip install -r .ci/requirements.txt");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &doc["today"];
    let today = (t[0].as_i64().unwrap(), t[1].as_u64().unwrap() as u32, t[2].as_u64().unwrap() as u32);
    (doc["results"].as_array().unwrap().clone(), today)
}

/// What we make of `v`, in the oracle's shape.
fn ours(v: &Value, today: (i64, u32, u32)) -> Value {
    match parse_at(v, today) {
        None => Value::Null,
        Some(t) => json!({
            "secs": t.secs(), "micros": t.micros(),
            "unixtimestamp": t.epoch_seconds(), "iso8601": t.iso8601(), "rfc822": t.rfc822(),
            "header": UtcTime::new(t.secs(), 0).unwrap().rfc822(),
            "header_iso8601": UtcTime::new(t.secs(), 0).unwrap().iso8601(),
            "header_unixtimestamp": t.epoch_seconds().to_string(),
        }),
    }
}

/// Forms `dateutil` reads that we refuse (see the module documentation).
const REFUSED_BY_US: &[&str] = &["10pm", "Jan 3 2020 10:00 GMT+3", "3 2020", "3 20", "10:30.5"];

fn forms() -> Vec<Value> {
    let mut forms: Vec<Value> = vec![
        json!(0),
        json!(-1),
        json!(true),
        json!(false),
        json!(1.5),
        json!(-1.5),
        json!(1.5e9),
        json!(1577836800.9999999),
        json!(1577836800.0000005),
        json!(1577836800.0000015),
        json!(253402300799i64),
        json!(253402300800i64),
        json!(-62135596800i64),
        json!(-62135596801i64),
        json!(1e11),
        json!(1e12),
        json!(1e20),
        json!(null),
        json!([1]),
        json!({}),
    ];
    for s in [
        "1577836800",
        "1577836800.25",
        " 3 ",
        "1_000",
        "-2.5e3",
        "1e20",
        "nan",
        "inf",
        "",
        " ",
        "today",
        "x",
        "2020-13-01",
        "2021-02-29",
        "25:00",
        "1__0",
        "2020-01-01T10:00:00+25:00",
        "10:30pm",
        "10:30:15.5 PM",
        "0001-01-01",
        "9999-12-31T23:59:59.999999",
        "20200131",
        "2020-01",
        "2020-1-5",
        "Feb 2020",
        "Jan 2020",
        "Jan 3",
        "Feb 29",
        "Wed",
        "Wed 10:00",
        "12:30",
        "12:30:59.5",
        "0:30 AM",
        "13:00 PM",
        "12 PM",
        "Jan 3, 20",
        "Jan 3 99",
        "Jan 3 75",
        "3 10:00",
        "2020-01-31T10",
        "2020-01-31T24:00:00",
        "10:00 Z",
        "10:00 XYZ +01:00",
        "2020-01-31T10:00:00 z",
        "Wed, 01 Jan 2020 00:00:00 UT",
        "2020-01-31T10:00:00,5Z",
        "2020-01-31T10:00:00.1234567890123Z",
        "2020-01-31T10:00:00.5-03:30",
        "2020-01-31T10:00:00-0000",
        "13/13/2020",
        "é",
    ] {
        forms.push(json!(s));
    }
    let dates = [
        "2020-01-31",
        "2020/02/29",
        "02/29/2020",
        "31/01/2020",
        "3/4/2020",
        "31.01.2020",
        "Jan 3 2020",
        "3 Jan 2020",
        "January 3, 2020",
        "Wed, 01 Jan 2020",
        "31-Jan-2020",
        "20200131",
        "2020 Feb 3",
        "1969-07-20",
        "2021-02-29",
    ];
    let times = ["", "10:30", "10:30:15", "23:59:59.5", "10:30:15.1234567", "10:30 PM", "12:05 AM", "103015"];
    let zones = ["", "Z", "GMT", "UTC", "EST", "+01:00", "-0330", "+01"];
    for date in dates {
        for time in times {
            for zone in zones {
                if time.is_empty() && !zone.is_empty() {
                    continue;
                }
                forms.push(json!(
                    [date, time, zone].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
                ));
                if date == "2020-01-31" && !time.is_empty() && !time.contains('M') {
                    forms.push(json!(format!("{date}T{time}{zone}")));
                }
            }
        }
    }
    forms.extend(REFUSED_BY_US.iter().map(|s| json!(s)));
    forms
}

#[test]
fn reads_and_writes_as_botocore() {
    let forms = forms();
    let (want, today) = botocore(&forms);
    assert_eq!(want.len(), forms.len());
    let mut failures = Vec::new();
    let mut accepted = 0;
    for (v, want) in forms.iter().zip(&want) {
        let got = ours(v, today);
        let refused = v.as_str().is_some_and(|s| REFUSED_BY_US.contains(&s));
        if refused {
            if !got.is_null() || want.is_null() {
                failures
                    .push(format!("{v}: listed as read by dateutil and refused by us; ours {got}, botocore {want}"));
            }
            continue;
        }
        accepted += usize::from(!want.is_null());
        if &got != want {
            failures.push(format!("{v}:\n  ours:     {got}\n  botocore: {want}"));
        }
    }
    eprintln!("{} timestamp values compared with botocore, {accepted} of them valid", forms.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), forms.len(), failures.join("\n"));
}

#[test]
fn formats() {
    let t = UtcTime::new(1_577_934_245, 0).unwrap();
    assert_eq!(t.iso8601(), "2020-01-02T03:04:05Z");
    assert_eq!(t.rfc822(), "Thu, 02 Jan 2020 03:04:05 GMT");
    assert_eq!(UtcTime::new(-1, 500_000).unwrap().iso8601(), "1969-12-31T23:59:59.500000Z");
    for days in [-719_468, -1, 0, 59, 10_956, 2_932_896] {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
    }
}

#[test]
fn parser_never_panics() {
    let alphabet = ["1", "2", ":", "-", "+", "t", "z", ".", " ", "é", "/", "p", "T", "Z", "m", ","];
    fn walk(word: &mut Vec<&'static str>, alphabet: &[&'static str], depth: usize) {
        let _ = parse(&Value::String(word.concat()));
        if depth == 0 {
            return;
        }
        for a in alphabet {
            word.push(a);
            walk(word, alphabet, depth - 1);
            word.pop();
        }
    }
    walk(&mut Vec::new(), &alphabet, 4);
    for s in ["+aéb", "10:00+aéb", "2020-01-01T10:00:00+é1", "1é345678", "é2345678T1", "10:00 +"] {
        assert_eq!(parse(&json!(s)), None, "{s}");
    }
}
