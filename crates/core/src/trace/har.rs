//! Streaming HAR 1.2 reader: [`super::split`] finds each element of `log.entries` in the byte
//! stream and serde reads it, so a 200 MB export never sits in memory — one entry at a time,
//! with its bodies cut to a cap while they are read (the visitor copies a prefix of the
//! parser's buffer; the rest is never kept).
//!
//! Lenient where browsers differ: every optional field may be missing or `null`, `_`-prefixed
//! extensions are ignored, numbers may be integers or floats. Strict where it matters: the
//! input must be JSON with a `log` object holding an `entries` array.

use std::fmt;
use std::io::Read;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de};

/// How much of a request body (form post: SAMLResponse, id_token) is kept: a SAML response
/// can be several MB of base64.
pub const REQUEST_TEXT_CAP: usize = 9 * 1024 * 1024;
/// How much of a response body is kept while the entry is read (error pages, JSON errors).
pub const RESPONSE_TEXT_CAP: usize = 64 * 1024;

/// Limits on the input as a whole.
#[derive(Clone, Debug)]
pub struct HarLimits {
    /// Bytes read before giving up (a 1 GB HAR is refused, not read).
    pub max_bytes: u64,
    /// Entries before giving up.
    pub max_entries: usize,
}

impl Default for HarLimits {
    fn default() -> Self {
        HarLimits {
            max_bytes: 512 * 1024 * 1024,
            max_entries: 500_000,
        }
    }
}

/// Why a HAR could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HarError {
    #[error(
        "the file is not JSON ({0}); export the HAR again from the browser's network panel (Save all as HAR)"
    )]
    NotJson(String),
    #[error("the file ends early ({0}); the HAR export was cut off — export it again")]
    Truncated(String),
    #[error("the file is JSON but not a HAR 1.2 export: {0}")]
    NotHar(String),
    #[error(
        "the HAR is larger than {0} bytes; clear the network log, reproduce only the sign-in, and export again"
    )]
    TooLarge(u64),
    #[error("the HAR has more than {0} entries; record only the sign-in")]
    TooManyEntries(usize),
    #[error("cannot read the HAR: {0}")]
    Io(String),
}

/// `log.creator`, `log.browser` and the entry count.
#[derive(Clone, Debug, Default)]
pub struct HarInfo {
    pub version: Option<String>,
    pub creator: Option<String>,
    pub browser: Option<String>,
    pub entries: usize,
}

/// One `log.entries[i]`, with only the fields a trace reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawEntry {
    #[serde(rename = "startedDateTime")]
    pub started: Option<String>,
    #[serde(deserialize_with = "lenient_f64")]
    pub time: f64,
    pub request: RawRequest,
    pub response: RawResponse,
    /// Chrome's `_resourceType` (`document`, `xhr`, `script`, …).
    #[serde(rename = "_resourceType")]
    pub resource_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawRequest {
    pub method: Option<String>,
    pub url: Option<String>,
    #[serde(deserialize_with = "lenient_vec")]
    pub headers: Vec<NameValue>,
    #[serde(deserialize_with = "lenient_vec")]
    pub cookies: Vec<NameValue>,
    #[serde(rename = "postData")]
    pub post_data: Option<RawPostData>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawPostData {
    #[serde(rename = "mimeType")]
    pub mime_type: Option<String>,
    pub text: CappedText<REQUEST_TEXT_CAP>,
    #[serde(deserialize_with = "lenient_vec")]
    pub params: Vec<NameValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawResponse {
    #[serde(deserialize_with = "lenient_f64")]
    pub status: f64,
    #[serde(deserialize_with = "lenient_vec")]
    pub headers: Vec<NameValue>,
    #[serde(deserialize_with = "lenient_vec")]
    pub cookies: Vec<NameValue>,
    pub content: RawContent,
    #[serde(rename = "redirectURL")]
    pub redirect_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawContent {
    #[serde(rename = "mimeType")]
    pub mime_type: Option<String>,
    pub text: CappedText<RESPONSE_TEXT_CAP>,
    pub encoding: Option<String>,
}

/// A `{name, value}` pair (headers, cookies, query and form parameters). Other members
/// (Firefox's cookie attributes, `comment`) are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameValue {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub value: String,
}

/// A string of which at most `CAP` bytes are kept; `len` is the full length.
#[derive(Debug, Default)]
pub struct CappedText<const CAP: usize> {
    pub text: String,
    pub len: usize,
}

impl<const CAP: usize> CappedText<CAP> {
    pub fn truncated(&self) -> bool {
        self.len > self.text.len()
    }
}

impl<'de, const CAP: usize> Deserialize<'de> for CappedText<CAP> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const C: usize>;
        impl<const C: usize> Visitor<'_> for V<C> {
            type Value = CappedText<C>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                let mut end = s.len().min(C);
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                Ok(CappedText {
                    text: s[..end].to_string(),
                    len: s.len(),
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(CappedText::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(CappedText::default())
            }
        }
        d.deserialize_any(V::<CAP>)
    }
}

/// A number, a numeric string, or null/missing (→ 0); anything else is ignored as 0.
fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            Ok(v.trim().parse().unwrap_or(0.0))
        }
        fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
            Ok(0.0)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<f64, E> {
            Ok(0.0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<f64, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok(0.0)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<f64, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(0.0)
        }
    }
    d.deserialize_any(V)
}

/// A string, a number (as text), or null (→ empty).
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<String, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok(String::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<String, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(String::new())
        }
    }
    d.deserialize_any(V)
}

/// An array of pairs, or null/missing (→ empty). Elements that are not objects are skipped.
fn lenient_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NameValue>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<NameValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of name/value objects")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = a.next_element::<MaybePair>()? {
                if let MaybePair(Some(p)) = item {
                    out.push(p);
                }
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}

/// An array element that may or may not be a `{name, value}` object.
struct MaybePair(Option<NameValue>);

impl<'de> Deserialize<'de> for MaybePair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybePair;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name/value object")
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<MaybePair, A::Error> {
                NameValue::deserialize(de::value::MapAccessDeserializer::new(a))
                    .map(|p| MaybePair(Some(p)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<MaybePair, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybePair(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MaybePair, E> {
                Ok(MaybePair(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybePair, E> {
                Ok(MaybePair(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybePair, E> {
                Ok(MaybePair(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybePair, E> {
                Ok(MaybePair(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybePair, E> {
                Ok(MaybePair(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybePair, E> {
                Ok(MaybePair(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Read `log.entries` one by one, calling `on_entry(index, entry)` for each.
pub fn read_entries<R: Read>(
    reader: R,
    limits: &HarLimits,
    mut on_entry: impl FnMut(usize, RawEntry),
) -> Result<HarInfo, HarError> {
    let mut index = 0usize;
    let outline = super::split::split(reader, limits.max_bytes, &mut |bytes| {
        if index >= limits.max_entries {
            return Err(HarError::TooManyEntries(limits.max_entries));
        }
        let entry = match serde_json::from_slice::<Option<RawEntry>>(bytes) {
            Ok(e) => e.unwrap_or_default(),
            Err(e) => return Err(entry_error(index, &e)),
        };
        on_entry(index, entry);
        index += 1;
        Ok(())
    })?;
    if !outline.saw_log {
        return Err(HarError::NotHar(
            "there is no top-level `log` object".into(),
        ));
    }
    if !outline.saw_entries {
        return Err(HarError::NotHar("`log` has no `entries` array".into()));
    }
    let mut info = HarInfo {
        entries: index,
        ..HarInfo::default()
    };
    for (key, raw) in outline.log_members {
        match key.as_str() {
            "version" => {
                info.version = serde_json::from_slice::<CappedText<64>>(&raw)
                    .ok()
                    .map(|t| t.text)
            }
            "creator" => {
                info.creator = serde_json::from_slice::<Option<NameVersion>>(&raw)
                    .ok()
                    .flatten()
                    .and_then(|c| c.label())
            }
            "browser" => {
                info.browser = serde_json::from_slice::<Option<NameVersion>>(&raw)
                    .ok()
                    .flatten()
                    .and_then(|c| c.label())
            }
            _ => {}
        }
    }
    Ok(info)
}

fn entry_error(index: usize, e: &serde_json::Error) -> HarError {
    let message = format!("entry {index}: {e}");
    match e.classify() {
        serde_json::error::Category::Io => HarError::Io(message),
        serde_json::error::Category::Eof => HarError::Truncated(message),
        serde_json::error::Category::Syntax => HarError::NotJson(message),
        serde_json::error::Category::Data => HarError::NotHar(message),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NameVersion {
    #[serde(deserialize_with = "lenient_string")]
    name: String,
    #[serde(deserialize_with = "lenient_string")]
    version: String,
}

impl NameVersion {
    fn label(&self) -> Option<String> {
        let s = format!("{} {}", self.name.trim(), self.version.trim());
        let s = s.trim();
        (!s.is_empty()).then(|| s.chars().take(120).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(HarInfo, Vec<RawEntry>), HarError> {
        let mut out = Vec::new();
        let info = read_entries(text.as_bytes(), &HarLimits::default(), |_, e| out.push(e))?;
        Ok((info, out))
    }

    #[test]
    fn reads_entries_and_tolerates_missing_fields() {
        let (info, entries) = read(
            r#"{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
            "pages":[{"id":"p"}],"entries":[
              {"startedDateTime":"2026-01-01T00:00:00.000Z","time":12.5,"_initiator":{"type":"other"},
               "request":{"method":"GET","url":"https://a/x","headers":[{"name":"Cookie","value":"a=1"}]},
               "response":{"status":302,"headers":null,"redirectURL":"https://b/","content":{"size":0}}},
              {"request":{"url":"https://b/"},"response":{"status":"200","content":{"text":null}}}
            ]}}"#,
        )
        .unwrap();
        assert_eq!(info.entries, 2);
        assert_eq!(info.creator.as_deref(), Some("WebInspector 537.36"));
        assert_eq!(entries[0].response.status, 302.0);
        assert_eq!(entries[1].response.status, 200.0);
        assert_eq!(entries[0].request.headers[0].value, "a=1");
    }

    #[test]
    fn bad_inputs_are_classified() {
        assert!(matches!(read("hello"), Err(HarError::NotJson(_))));
        assert!(matches!(
            read(r#"{"log":{"entries":[{"request":"#),
            Err(HarError::Truncated(_))
        ));
        assert!(matches!(read(r#"{"x":1}"#), Err(HarError::NotHar(_))));
        assert!(matches!(read(r#"{"log":{}}"#), Err(HarError::NotHar(_))));
        assert!(matches!(read("[1,2]"), Err(HarError::NotHar(_))));
        let limits = HarLimits {
            max_bytes: 10,
            max_entries: 5,
        };
        let r = read_entries(
            r#"{"log":{"entries":[]}}         "#.as_bytes(),
            &limits,
            |_, _| {},
        );
        assert!(matches!(r, Err(HarError::TooLarge(10))));
    }

    #[test]
    fn long_bodies_are_cut_while_reading() {
        let body = "é".repeat(RESPONSE_TEXT_CAP);
        let text = format!(
            r#"{{"log":{{"entries":[{{"request":{{}},"response":{{"content":{{"text":"{body}"}}}}}}]}}}}"#
        );
        let (_, entries) = read(&text).unwrap();
        let t = &entries[0].response.content.text;
        assert!(t.truncated() && t.text.len() <= RESPONSE_TEXT_CAP);
        assert_eq!(t.len, body.len());
    }
}
