//! Timestamps side by side with the installed AWS CLI: every form botocore reads
//! (`parse_to_aware_datetime`: epoch seconds with or without a fraction, ISO 8601 variants,
//! RFC 822, month names, slashes, offsets with fractions) is sent as botocore sends it: whole
//! epoch seconds in the body, an HTTP date in a header. A value botocore refuses is refused
//! before anything is sent.

use crate::order::{INSTANCE, check, side_by_side};

const ARN: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

/// Pairs of forms for a start and an end time.
const FORMS: &[(&str, &str)] = &[
    ("1577934245.75", "1577934299.999"),
    ("Jan 3 2020", "2020/02/29"),
    ("1577934245.75", "Thu, 02 Jan 2020 03:04:05 GMT"),
    ("2020-01-02T03:04:05.5-03:30", "31-Jan-2020 10:30 PM"),
    ("02/29/2020 23:59:59.999999", "2020-01-02 03:04:05 +0130"),
    ("January 3, 2020 12:05 AM UTC", "20200102T030405Z"),
];

#[test]
fn body_timestamps_as_botocore() {
    let mut problems = Vec::new();
    for (start, end) in FORMS {
        let args = [
            "--resource-arn",
            ARN,
            "--start-time",
            start,
            "--end-time",
            end,
            "--filters",
            "FilterKey=QUEUE,FilterValues=q1",
            "--metrics",
            "Name=CONTACTS_HANDLED",
        ];
        problems.extend(check(&format!("{start} / {end}"), "get-metric-data-v2", &args, &[]));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn header_timestamps_as_botocore() {
    let mut problems = Vec::new();
    for (a, b) in FORMS {
        for form in [a, b] {
            let args = [
                "--instance-id",
                INSTANCE,
                "--name",
                "case",
                "--content",
                "{}",
                "--last-modified-time",
                form,
                "--last-modified-region",
                "us-east-1",
            ];
            let headers = ["x-amz-last-modified-time", "x-amz-last-modified-region"];
            problems.extend(check(form, "create-test-case", &args, &headers));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn refused_timestamps_send_nothing() {
    for form in ["today", "2021-02-29", "25:00"] {
        let args = [
            "--resource-arn",
            ARN,
            "--start-time",
            form,
            "--end-time",
            "2020-01-01",
            "--filters",
            "FilterKey=QUEUE,FilterValues=q1",
            "--metrics",
            "Name=CONTACTS_HANDLED",
        ];
        let (ours, v1) = side_by_side("get-metric-data-v2", &args, &[]);
        let want = format!(
            "Invalid type for parameter StartTime, value: {form}, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string"
        );
        // AWS CLI v1 exits 255 for a parameter error, v2 (and so aws-connect) 252.
        assert_eq!((v1.code, v1.requests.len()), (255, 0), "{form}: aws: {}", v1.stderr);
        assert!(v1.stderr.contains(&want), "{form}: aws: {}", v1.stderr);
        assert_eq!((ours.code, ours.requests.len()), (252, 0), "{form}: ours: {}", ours.stderr);
        assert!(ours.stderr.contains(&want), "{form}: ours: {}", ours.stderr);
    }
}
