//! Hostile command lines: generated argument lists (known and unknown options, broken shorthand,
//! JSON and YAML, nesting far beyond any model, paramfiles with odd contents, odd Unicode) never
//! make the binary panic or crash. `--generate-cli-skeleton output` is appended, so nothing is
//! sent; every run must end with one of the AWS CLI's exit codes for it: 0, 252 or 255.

use crate::common::Env;

const OP: &str = "update-user-identity-info";

/// How many command lines are run.
const CASES: usize = 200;

/// A small deterministic generator (splitmix64), so a failure can be replayed from its case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Text from characters that matter to the parsers, plus any Unicode scalar value but NUL
    /// (which no argument can hold).
    fn text(&mut self, max: usize) -> String {
        const GRAMMAR: &[u8] = b"ab=,[]{}'\"\\@ \n\t:./-#*&!|>%~$`?01";
        const ODD: [char; 8] = ['é', '✓', '😀', '\u{feff}', '\u{2028}', '\u{1c}', '\u{7f}', '\u{85}'];
        let len = self.below(max + 1);
        (0..len)
            .map(|_| match self.below(4) {
                0 | 1 => char::from(GRAMMAR[self.below(GRAMMAR.len())]),
                2 => ODD[self.below(ODD.len())],
                _ => char::from_u32(1 + self.below(0x10_ffff) as u32).unwrap_or('x'),
            })
            .collect()
    }

    /// `open` repeated up to `max` times, sometimes closed again.
    fn nested(&mut self, prefix: &str, open: &str, close: &str, max: usize) -> String {
        let depth = 1 + self.below(max);
        let mut s = format!("{prefix}{}x", open.repeat(depth));
        if self.below(2) == 0 {
            s.push_str(&close.repeat(depth));
        }
        s
    }

    /// A value for an option: shorthand, JSON, YAML, nesting, paramfiles, numbers, noise.
    fn value(&mut self) -> String {
        match self.below(16) {
            0 => self.text(12),
            1 => self.text(200),
            2 => format!("FirstName={},LastName={}", self.text(6), self.text(6)),
            3 => format!("{}={}", self.pick(&["FirstName", "Mobile", "", "a.b", "x@"]), self.text(20)),
            4 => self.nested("FirstName=", "[", "]", 3000),
            5 => self.nested("a=", "{b=", "}", 3000),
            // An argument holds at most 128 KiB.
            6 => self.nested("", "{\"FirstName\":", "}", 9000),
            7 => self.nested("", "[", "]", 60_000),
            8 => self.nested("", "- ", "", 30_000),
            9 => format!("{{\"FirstName\": \"{}\", \"x\": [1, 2.5e400, -0, {}]}}", self.text(5), self.text(5)),
            10 => format!("file://{}", self.pick(&["~/doc", "~/deep", "~/dashes", "~/binary", "~/", "/nonexistent/x"])),
            11 => format!("fileb://{}", self.pick(&["~/doc", "~/binary", "~/nope"])),
            12 => format!("FirstName@={}", self.pick(&["file://~/doc", "fileb://~/binary", "file:///nonexistent"])),
            13 => self.pick(&["", " ", "-", "--", "-1", "1e999", "nan", "null", "[]", "{}", "true"]).to_owned(),
            14 => format!("{{a: [{}], b: &x {}, c: *x, d: *y}}", self.text(8), self.text(8)),
            _ => self
                .pick(&["`1`", "[?a==`1`]", "a.b[0]", "{x: @}", "sort_by(@, &a)", "[:-1:0]", "length(@)"])
                .to_owned(),
        }
    }

    fn option(&mut self) -> String {
        let known = [
            "--instance-id",
            "--user-id",
            "--identity-info",
            "--cli-input-json",
            "--cli-input-yaml",
            "--generate-cli-skeleton",
            "--generate-json-schema",
            "--region",
            "--output",
            "--query",
            "--profile",
            "--endpoint-url",
            "--debug",
            "--no-paginate",
            "--cli-read-timeout",
            "--color",
        ];
        match self.below(10) {
            0 => format!("--{}", self.text(8)),
            1 => self.pick(&["--", "-", "-x", "--no-identity-info", "--identity-info=", "---", "--version"]).to_owned(),
            2 => format!("{}={}", self.pick(&known), self.value()),
            _ => self.pick(&known).to_owned(),
        }
    }

    /// One command line, without the trailing skeleton option: mostly the operation's parameters
    /// with hostile values (so that parsing reaches the input pipeline), sometimes option soup.
    fn args(&mut self) -> Vec<String> {
        let mut args = Vec::new();
        if self.below(8) == 0 {
            args.push(self.option());
        }
        args.push(if self.below(20) == 0 { self.text(10) } else { OP.to_owned() });
        if self.below(4) > 0 {
            let simple = ["i-1", "u-1", "FirstName=a"];
            for (i, name) in ["--instance-id", "--user-id", "--identity-info"].into_iter().enumerate() {
                match self.below(4) {
                    0 => {}
                    1 => args.extend([name.to_owned(), simple[i].to_owned()]),
                    _ => args.extend([name.to_owned(), self.value()]),
                }
            }
            for _ in 0..self.below(3) {
                let name = self.pick(&["--cli-input-json", "--cli-input-yaml", "--query", "--output", "--region"]);
                args.extend([name.to_owned(), self.value()]);
            }
        } else {
            for _ in 0..self.below(7) {
                args.push(self.option());
                for _ in 0..self.below(3) {
                    args.push(self.value());
                }
            }
        }
        // All arguments together hold at most 2 MiB.
        while args.iter().map(String::len).sum::<usize>() > 1 << 20 {
            args.pop();
        }
        args
    }
}

#[test]
fn hostile_command_lines_never_panic() {
    let env = Env::new();
    let home = env.home.path();
    std::fs::write(home.join("doc"), "{\"FirstName\": \"a\",\r\n \"Mobile\": [1, {\"b\": null}]}\n").expect("doc");
    let deep = format!("{}{}", "[{\"a\":".repeat(100_000), "}]".repeat(100_000));
    std::fs::write(home.join("deep"), deep).expect("deep");
    std::fs::write(home.join("dashes"), format!("{}x\n", "- ".repeat(200_000))).expect("dashes");
    std::fs::write(home.join("binary"), [0xff, 0xfe, 0x00, b'{', 0xc3, 0x28, b'\r']).expect("binary");

    let mut rng = Rng(0x005e_ed0f_ba5e);
    let mut failures = Vec::new();
    let mut codes = [0usize; 3];
    for case in 0..CASES {
        let mut args = rng.args();
        args.extend(["--generate-cli-skeleton".to_owned(), "output".to_owned()]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = env.run(&argv);
        match r.code {
            0 => codes[0] += 1,
            252 => codes[1] += 1,
            255 => codes[2] += 1,
            _ => {}
        }
        let crashed = r.stderr.contains("panicked") || r.stderr.contains("RUST_BACKTRACE");
        if crashed || ![0, 252, 255].contains(&r.code) {
            let shown: Vec<String> = args.iter().map(|a| a.chars().take(120).collect()).collect();
            failures.push(format!("case {case}: exit {}\nargs: {shown:?}\nstderr: {}", r.code, r.stderr));
        }
    }
    assert!(failures.is_empty(), "{} of {CASES} command lines failed:\n\n{}", failures.len(), failures.join("\n\n"));
    // The generator reaches every outcome, not only argument errors.
    assert!(codes.iter().all(|&n| n > 0), "exit codes 0/252/255: {codes:?}");
}
