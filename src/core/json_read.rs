//! Reading typed values out of a parsed [`Value`] by hand, for the input types (HAR entries,
//! webRequest details, stored records).
//!
//! Why not `#[derive(Deserialize)]`: every derived type instantiates serde_json's deserializer,
//! serde's visitors and its error texts (which print floats) once more in the wasm; reading the
//! `Value` the text was parsed into (needed anyway) costs a few small functions instead.
//!
//! The rules are serde's for `#[serde(default)]` fields: a missing field takes its default,
//! `null` is `None` for an optional field, unknown fields are ignored, and a value of the wrong
//! type is an error naming its path. Input is untrusted: nothing here panics, whatever its shape.

use std::fmt;

use serde_json::{Map, Number, Value};

/// A value of the wrong type (or a required one missing), and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// From the value read down: `response.headers[2].name`; empty for that value itself.
    path: String,
    expected: &'static str,
    found: &'static str,
}

impl ReadError {
    fn new(expected: &'static str, found: &'static str) -> ReadError {
        ReadError {
            path: String::new(),
            expected,
            found,
        }
    }

    /// `found` is not what the reader `expected`.
    pub fn wrong_type(expected: &'static str, found: &Value) -> ReadError {
        ReadError::new(expected, kind(found))
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The error as seen one step up: from the object holding field `step`, or the array holding
    /// item `[i]`. Paths are built on the way out, so valid input allocates nothing for them.
    fn at(mut self, step: &str) -> ReadError {
        let dot = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = format!("{step}{dot}{}", self.path);
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (expected, found) = (self.expected, self.found);
        if self.path.is_empty() {
            write!(f, "invalid type: expected {expected}, found {found}")
        } else {
            let path = &self.path;
            write!(
                f,
                "invalid type at {path}: expected {expected}, found {found}"
            )
        }
    }
}

/// What a value is, for error messages (never its content: it may be a secret).
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The fields of a JSON object being read.
#[derive(Debug, Clone, Copy)]
pub struct Object<'v>(&'v Map<String, Value>);

impl<'v> Object<'v> {
    pub fn new(v: &'v Value) -> Result<Object<'v>, ReadError> {
        match v {
            Value::Object(map) => Ok(Object(map)),
            other => Err(ReadError::wrong_type("an object", other)),
        }
    }

    /// `key` read with `read`; missing gives the type's default (`null` is a wrong type).
    pub fn or_default<T: Default>(
        self,
        key: &str,
        read: impl FnOnce(&'v Value) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        match self.0.get(key) {
            None => Ok(T::default()),
            Some(v) => read(v).map_err(|e| e.at(key)),
        }
    }

    /// `key` read with `read`; missing or `null` gives `None`.
    pub fn optional<T>(
        self,
        key: &str,
        read: impl FnOnce(&'v Value) -> Result<T, ReadError>,
    ) -> Result<Option<T>, ReadError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => read(v).map(Some).map_err(|e| e.at(key)),
        }
    }

    /// `key` read with `read`; missing is an error.
    pub fn required<T>(
        self,
        key: &str,
        read: impl FnOnce(&'v Value) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        match self.0.get(key) {
            Some(v) => read(v).map_err(|e| e.at(key)),
            None => Err(ReadError::new("a value", "nothing").at(key)),
        }
    }
}

pub fn string(v: &Value) -> Result<String, ReadError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(ReadError::wrong_type("a string", other)),
    }
}

pub fn boolean(v: &Value) -> Result<bool, ReadError> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(ReadError::wrong_type("a boolean", other)),
    }
}

/// Any number, as `f64` (integers beyond 2^53 are rounded, as JavaScript does).
pub fn number(v: &Value) -> Result<f64, ReadError> {
    match v {
        // `as_f64` is `None` only with serde_json's `arbitrary_precision`, which is off.
        Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        other => Err(ReadError::wrong_type("a number", other)),
    }
}

/// An integer `convert` accepts; like serde, `402.0` is not an integer.
pub fn integer<T>(
    v: &Value,
    expected: &'static str,
    convert: impl FnOnce(&Number) -> Option<T>,
) -> Result<T, ReadError> {
    match v {
        Value::Number(n) => convert(n).ok_or_else(|| {
            let found = if n.is_f64() {
                "a number with a fraction or exponent"
            } else {
                "an integer out of range"
            };
            ReadError::new(expected, found)
        }),
        other => Err(ReadError::wrong_type(expected, other)),
    }
}

pub fn u16(v: &Value) -> Result<u16, ReadError> {
    integer(v, "an integer from 0 to 65535", |n| {
        n.as_u64().and_then(|n| u16::try_from(n).ok())
    })
}

pub fn i32(v: &Value) -> Result<i32, ReadError> {
    integer(v, "a 32-bit integer", |n| {
        n.as_i64().and_then(|n| i32::try_from(n).ok())
    })
}

pub fn u64(v: &Value) -> Result<u64, ReadError> {
    integer(v, "a non-negative integer", Number::as_u64)
}

/// An array, each element read with `read`.
pub fn list<'v, T>(
    v: &'v Value,
    read: impl Fn(&'v Value) -> Result<T, ReadError>,
) -> Result<Vec<T>, ReadError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| read(item).map_err(|e| e.at(&format!("[{i}]"))))
            .collect(),
        other => Err(ReadError::wrong_type("an array", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_nulls_follow_serde() {
        let v = json!({"s": "x", "n": null});
        let o = Object::new(&v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.or_default("missing", string), Ok(String::new()));
        assert_eq!(o.optional("n", string), Ok(None));
        assert_eq!(o.optional("s", string), Ok(Some("x".into())));
        assert!(o.or_default("n", string).is_err());
        assert!(o.required("missing", string).is_err());
    }

    #[test]
    fn integers_are_checked_like_serde() {
        assert_eq!(u16(&json!(402)), Ok(402));
        for bad in [
            json!(402.0),
            json!("402"),
            json!(70000),
            json!(-1),
            json!(1e3),
        ] {
            assert!(u16(&bad).is_err(), "{bad}");
        }
        assert_eq!(i32(&json!(-1)), Ok(-1));
        assert!(i32(&json!(1u64 << 31)).is_err());
        assert_eq!(u64(&json!(1_764_069_780_000u64)), Ok(1_764_069_780_000));
        assert!(u64(&json!(-5)).is_err());
    }

    #[test]
    fn errors_name_the_path() {
        let v = json!({"a": {"list": [{"k": 1}, {"k": "x"}]}});
        let read = |v: &Value| -> Result<u16, ReadError> {
            let a = Object::new(v)?.required("a", |a| {
                Object::new(a)?.or_default("list", |l| {
                    list(l, |item| Object::new(item)?.or_default("k", u16))
                })
            })?;
            Ok(a.iter().sum())
        };
        let e = read(&v).expect_err("a string is not a u16");
        assert_eq!(e.path(), "a.list[1].k");
        assert_eq!(
            e.to_string(),
            "invalid type at a.list[1].k: expected an integer from 0 to 65535, found a string"
        );
        let e = read(&json!([1])).expect_err("not an object");
        assert_eq!(
            e.to_string(),
            "invalid type: expected an object, found an array"
        );
    }
}
