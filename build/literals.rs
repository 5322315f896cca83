//! Rust literals for the generated knowledge, and the checks every file shares (no empty list
//! item, known cause and enum ids, no duplicate key). `{:?}` of a str is a valid Rust string
//! literal.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The cause ids of `core::diagnosis::Cause`. A new cause goes in both places; the generated
/// code names the enum variants, so a mismatch does not compile.
const CAUSES: [&str; 10] = [
    "payment_method_missing",
    "insufficient_balance",
    "plan_limit_reached",
    "payment_declined",
    "payment_processing_error",
    "rate_limited",
    "account_suspended",
    "payment_challenge",
    "payment_rejected",
    "unknown",
];

/// A JSON object as its entries in file order, refusing a key seen twice (a map would keep
/// only the last one, silently).
pub(crate) struct Entries<T>(pub(crate) Vec<(String, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, T>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    entries.push((key, value));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

pub(crate) fn list<T>(items: &[T], item: impl Fn(&T) -> String) -> String {
    format!(
        "&[{}]",
        items.iter().map(item).collect::<Vec<_>>().join(", ")
    )
}

/// A `&[&str]` literal.
pub(crate) fn strs<S: AsRef<str>>(items: &[S]) -> String {
    list(items, |s| format!("{:?}", s.as_ref()))
}

/// List items must not be empty (an empty phrase would match everything).
pub(crate) fn nonempty<'a>(items: &'a [String], at: &str) -> Result<&'a [String], String> {
    if items.iter().any(String::is_empty) {
        return Err(format!("{at}: empty list item"));
    }
    Ok(items)
}

/// Phrases are matched against lowercased text, so they are lowercased here once.
pub(crate) fn phrases_lit(items: &[String], at: &str) -> Result<String, String> {
    let lower: Vec<String> = nonempty(items, at)?
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    Ok(strs(&lower))
}

pub(crate) fn opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

/// `Some(Cause::…)`, or `None`.
pub(crate) fn opt_cause(id: &Option<String>, at: &str) -> Result<String, String> {
    Ok(match id {
        Some(id) => format!("Some({})", cause(id, at)?),
        None => "None".into(),
    })
}

pub(crate) fn cause(id: &str, at: &str) -> Result<String, String> {
    variant("Cause", &CAUSES, id, at)
}

/// `Enum::Variant` for a snake_case id from `known`, else an error listing the known ids.
pub(crate) fn variant(ty: &str, known: &[&str], id: &str, at: &str) -> Result<String, String> {
    if !known.contains(&id) {
        return Err(format!(
            "{at}: unknown {} `{id}` (known: {})",
            ty.to_lowercase(),
            known.join(", ")
        ));
    }
    let camel: String = id
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    Ok(format!("{ty}::{camel}"))
}
