//! Shared by the differential tests: a deterministic generator of values for any shape.

#![allow(dead_code)]

use connect_core::model::{Kind, Shape};
use serde_json::{Map, Value, json};

/// A small deterministic generator (splitmix64), so a failure can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Text mixing ASCII, reserved URI characters, spaces, and any Unicode scalar value.
    pub fn text(&mut self, min: usize, max: usize) -> String {
        let len = min + self.below((max - min + 1) as u64) as usize;
        (0..len)
            .map(|_| match self.below(6) {
                0 => char::from(b"abcXYZ019-._~"[self.below(13) as usize]),
                1 => char::from(b" /?#[]@!$&'()*+,;=%:\"\\"[self.below(22) as usize]),
                2 => ['é', 'ü', 'ß', '中', '文', '😀', '\u{2028}', '\u{7f}'][self.below(8) as usize],
                3 => char::from_u32(self.below(0x11_0000) as u32).filter(|c| !c.is_control()).unwrap_or('x'),
                _ => char::from(b'a' + self.below(26) as u8),
            })
            .collect()
    }

    pub fn label(&mut self) -> String {
        loop {
            let s = self.text(1, 12);
            // Empty, "." and ".." labels are refused before serialization.
            if !matches!(s.as_str(), "." | "..") {
                return s;
            }
        }
    }
}

pub fn value(rng: &mut Rng, shape: &'static Shape, depth: usize) -> Value {
    match shape.kind() {
        Kind::String => Value::String(rng.text(0, 10)),
        Kind::Enum(values) => Value::String(values[rng.below(values.len() as u64) as usize].value().to_owned()),
        Kind::Integer => json!(rng.below(2000) as i64 - 1000),
        Kind::Long => json!(rng.next() as i64 >> 12),
        Kind::Boolean => json!(rng.chance(50)),
        Kind::Float | Kind::Double => json!((rng.below(100_000) as f64) / 8.0),
        Kind::Timestamp(_) => json!(1_600_000_000 + rng.below(100_000_000) as i64),
        Kind::Structure(members) => {
            let mut map = Map::new();
            for m in members {
                if depth < 4 && (m.required() || rng.chance(50)) {
                    map.insert(m.name().to_owned(), value(rng, m.target(), depth + 1));
                }
            }
            Value::Object(map)
        }
        Kind::Union(members) => {
            let m = &members[rng.below(members.len() as u64) as usize];
            let mut map = Map::new();
            map.insert(m.name().to_owned(), value(rng, m.target(), depth + 1));
            Value::Object(map)
        }
        Kind::List(element) => {
            let n = if depth < 4 { rng.below(4) } else { 0 };
            Value::Array((0..n).map(|_| value(rng, element, depth + 1)).collect())
        }
        Kind::Map { key, value: v } => {
            let n = if depth < 4 { rng.below(4) } else { 0 };
            let mut map = Map::new();
            for _ in 0..n {
                let k = match key.kind() {
                    Kind::Enum(values) => values[rng.below(values.len() as u64) as usize].value().to_owned(),
                    _ => rng.text(1, 8),
                };
                map.insert(k, value(rng, v, depth + 1));
            }
            Value::Object(map)
        }
    }
}
