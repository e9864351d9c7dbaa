//! A redacted copy of a HAR for a support ticket (`preflight trace --redact-out`, and the
//! escalation package): cookies, `Authorization`, passwords and other form secrets, tokens,
//! codes and SAML signature values are replaced by stable placeholders ([`Placeholders`]);
//! with `mask_names`, NameIDs and e-mail addresses too. The output is still HAR 1.2: the
//! same members in the same order, only string values changed.
//!
//! Streamed like the reader: one entry at a time is held (as a JSON value), so the copy of a
//! 200 MB HAR needs about as much memory as its largest entry.

use std::fmt;
use std::io::{self, Read, Write};

use base64::Engine;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::har::{HarError, HarLimits};
use super::params::is_secret_name;
use super::placeholder::Placeholders;
use crate::federation::saml::response;

/// Header names whose whole value is a credential (compared lower-case); the names
/// `crate::redact` masks, plus common session and CSRF headers.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-csrf-token",
    "x-xsrf-token",
    "x-okta-xsrftoken",
];

#[derive(Clone, Debug, Default)]
pub struct RedactOptions {
    /// Also replace NameIDs and e-mail addresses.
    pub mask_names: bool,
}

/// What a redaction did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RedactSummary {
    pub entries: usize,
    /// Distinct values replaced.
    pub replaced: usize,
}

/// Write a redacted copy of the HAR read from `reader` to `writer`.
pub fn redact_har<R: Read, W: Write>(
    reader: R,
    writer: W,
    opts: &RedactOptions,
    limits: &HarLimits,
) -> Result<RedactSummary, HarError> {
    let mut state = State {
        out: io::BufWriter::new(writer),
        io_error: None,
        places: Placeholders::new(),
        opts: opts.clone(),
        entries: 0,
        max_entries: limits.max_entries,
    };
    let input = io::BufReader::with_capacity(256 * 1024, reader).take(limits.max_bytes + 1);
    let mut de = serde_json::Deserializer::from_reader(input);
    let result = Root(&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Some(e) = state.io_error.take() {
        return Err(HarError::Io(e.to_string()));
    }
    if let Err(e) = result {
        return Err(match e.classify() {
            serde_json::error::Category::Io => HarError::Io(e.to_string()),
            serde_json::error::Category::Eof => HarError::Truncated(e.to_string()),
            serde_json::error::Category::Syntax => HarError::NotJson(e.to_string()),
            serde_json::error::Category::Data => HarError::NotHar(e.to_string()),
        });
    }
    state.out.flush().map_err(|e| HarError::Io(e.to_string()))?;
    Ok(RedactSummary {
        entries: state.entries,
        replaced: state.places.len(),
    })
}

struct State<W: Write> {
    out: io::BufWriter<W>,
    io_error: Option<io::Error>,
    places: Placeholders,
    opts: RedactOptions,
    entries: usize,
    max_entries: usize,
}

impl<W: Write> State<W> {
    fn write<E: serde::de::Error>(&mut self, bytes: &[u8]) -> Result<(), E> {
        self.out.write_all(bytes).map_err(|e| {
            let msg = e.to_string();
            self.io_error = Some(e);
            E::custom(msg)
        })
    }

    fn write_json<E: serde::de::Error>(&mut self, value: &Value) -> Result<(), E> {
        let bytes = serde_json::to_vec(value).map_err(E::custom)?;
        self.write(&bytes)
    }

    /// Redact a value outside `entries` (pages, comments): free-text pass only.
    fn generic(&mut self, mut value: Value) -> Value {
        walk_strings(&mut value, &mut |s| self.scrub(s));
        value
    }

    fn scrub(&mut self, s: &str) -> String {
        let out = self.places.scrub_text(s);
        if self.opts.mask_names {
            self.places.scrub_emails(&out)
        } else {
            out
        }
    }
}

struct Root<'a, W: Write>(&'a mut State<W>);

impl<'de, W: Write> DeserializeSeed<'de> for Root<'_, W> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, W: Write> Visitor<'de> for Root<'_, W> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        st.write(b"{")?;
        let mut first = true;
        let mut saw_log = false;
        while let Some(key) = map.next_key::<String>()? {
            if !first {
                st.write(b",")?;
            }
            first = false;
            st.write_json(&Value::String(key.clone()))?;
            st.write(b":")?;
            if key == "log" && !saw_log {
                saw_log = true;
                map.next_value_seed(Log(&mut *st))?;
            } else {
                let v: Value = map.next_value()?;
                let v = st.generic(v);
                st.write_json(&v)?;
            }
        }
        st.write(b"}\n")?;
        if !saw_log {
            return Err(serde::de::Error::custom(
                "there is no top-level `log` object",
            ));
        }
        Ok(())
    }
}

struct Log<'a, W: Write>(&'a mut State<W>);

impl<'de, W: Write> DeserializeSeed<'de> for Log<'_, W> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, W: Write> Visitor<'de> for Log<'_, W> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the HAR `log` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        st.write(b"{")?;
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if !first {
                st.write(b",")?;
            }
            first = false;
            st.write_json(&Value::String(key.clone()))?;
            st.write(b":")?;
            if key == "entries" {
                map.next_value_seed(Entries(&mut *st))?;
            } else {
                let v: Value = map.next_value()?;
                let v = st.generic(v);
                st.write_json(&v)?;
            }
        }
        st.write(b"}")
    }
}

struct Entries<'a, W: Write>(&'a mut State<W>);

impl<'de, W: Write> DeserializeSeed<'de> for Entries<'_, W> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, W: Write> Visitor<'de> for Entries<'_, W> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the `log.entries` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        st.write(b"[\n")?;
        while let Some(mut entry) = seq.next_element::<Value>()? {
            if st.entries >= st.max_entries {
                return Err(serde::de::Error::custom("too many entries"));
            }
            if st.entries > 0 {
                st.write(b",\n")?;
            }
            redact_entry(&mut entry, &mut st.places, st.opts.mask_names);
            st.write_json(&entry)?;
            st.entries += 1;
        }
        st.write(b"\n]")
    }
}

/// Redact one entry in place.
pub fn redact_entry(entry: &mut Value, places: &mut Placeholders, mask_names: bool) {
    if let Some(req) = entry.get_mut("request").and_then(Value::as_object_mut) {
        if let Some(Value::String(url)) = req.get_mut("url") {
            *url = redact_url(url, places, mask_names);
        }
        redact_headers(req.get_mut("headers"), places, mask_names);
        redact_cookie_list(req.get_mut("cookies"), places);
        redact_pairs(req.get_mut("queryString"), places, mask_names);
        if let Some(post) = req.get_mut("postData").and_then(Value::as_object_mut) {
            redact_pairs(post.get_mut("params"), places, mask_names);
            let mime = post
                .get("mimeType")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            if let Some(Value::String(text)) = post.get_mut("text") {
                *text = redact_body(text, &mime, places, mask_names);
            }
        }
    }
    if let Some(resp) = entry.get_mut("response").and_then(Value::as_object_mut) {
        redact_headers(resp.get_mut("headers"), places, mask_names);
        redact_cookie_list(resp.get_mut("cookies"), places);
        if let Some(Value::String(url)) = resp.get_mut("redirectURL") {
            *url = redact_url(url, places, mask_names);
        }
        if let Some(content) = resp.get_mut("content").and_then(Value::as_object_mut) {
            redact_content(content, places, mask_names);
        }
    }
    // Everything else (`_initiator` stacks, comments, timings) and a last pass over all
    // strings: every value replaced above is replaced wherever else it appears.
    walk_strings(entry, &mut |s| {
        let out = places.scrub_text(s);
        if mask_names {
            places.scrub_emails(&out)
        } else {
            out
        }
    });
}

fn walk_strings(value: &mut Value, f: &mut dyn FnMut(&str) -> String) {
    match value {
        Value::String(s) => {
            let new = f(s);
            if &new != s {
                *s = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk_strings(v, f)),
        Value::Object(map) => map.values_mut().for_each(|v| walk_strings(v, f)),
        _ => {}
    }
}

/// Secret query and fragment values → placeholders; `SAMLResponse` → its redacted copy.
pub fn redact_url(url: &str, places: &mut Placeholders, mask_names: bool) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let mut out = match rest.split_once('?') {
        Some((b, q)) => format!("{b}?{}", redact_encoded(q, places, mask_names)),
        None => rest.to_string(),
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&redact_encoded(f, places, mask_names));
    }
    out
}

/// A `name=value&…` string with secret values replaced, other bytes unchanged.
fn redact_encoded(encoded: &str, places: &mut Placeholders, mask_names: bool) -> String {
    encoded
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !v.is_empty() => {
                let name = percent_encoding::percent_decode_str(k).decode_utf8_lossy();
                let value = percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned();
                match redact_param(&name, &value, places, mask_names) {
                    Some(new) => format!(
                        "{k}={}",
                        url::form_urlencoded::byte_serialize(new.as_bytes()).collect::<String>()
                    ),
                    None => pair.to_string(),
                }
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The replacement of one decoded parameter, or `None` to keep it.
fn redact_param(
    name: &str,
    value: &str,
    places: &mut Placeholders,
    mask_names: bool,
) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if lower == "samlresponse" {
        return Some(redact_saml(value, places, mask_names));
    }
    if is_secret_name(name) || lower == "code_verifier" {
        let kind = match lower.as_str() {
            "code" => "code",
            "id_token" | "access_token" | "refresh_token" | "token" => "token",
            l if l.contains("pass") || l == "pwd" => "password",
            _ => "secret",
        };
        return Some(places.of(kind, value));
    }
    if mask_names && (lower.contains("user") || lower.contains("login") || lower.contains("email"))
    {
        return Some(places.of("user", value));
    }
    None
}

/// Replace SAML signature values (and with `mask_names` the NameID and e-mail addresses),
/// keeping the binding's encoding. Unreadable values are replaced whole.
fn redact_saml(value: &str, places: &mut Placeholders, mask_names: bool) -> String {
    let Ok(xml) = response::decode(value) else {
        return places.of("saml", value);
    };
    let mut out = replace_element_text(&xml, "SignatureValue", |t| places.of("signature", t));
    if mask_names {
        out = replace_element_text(&out, "NameID", |t| places.of("user", t));
        out = places.scrub_emails(&out);
    }
    let was_base64_xml = base64::engine::general_purpose::STANDARD
        .decode(
            value
                .trim()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>(),
        )
        .map(|b| b.first() == Some(&b'<') || b.starts_with(b"\xef\xbb\xbf<"))
        .unwrap_or(false);
    if value.trim_start().starts_with('<') {
        out
    } else if was_base64_xml {
        base64::engine::general_purpose::STANDARD.encode(out.as_bytes())
    } else {
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = enc.write_all(out.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(enc.finish().unwrap_or_default())
    }
}

/// Replace the text of every element with this local name (any prefix).
fn replace_element_text(xml: &str, local: &str, mut f: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    loop {
        let Some(open) = find_open_tag(rest, local) else {
            out.push_str(rest);
            return out;
        };
        let Some(gt) = rest[open..].find('>') else {
            out.push_str(rest);
            return out;
        };
        let body_start = open + gt + 1;
        if rest[..body_start].ends_with("/>") {
            out.push_str(&rest[..body_start]);
            rest = &rest[body_start..];
            continue;
        }
        let Some(close) = rest[body_start..].find("</") else {
            out.push_str(rest);
            return out;
        };
        let body_end = body_start + close;
        out.push_str(&rest[..body_start]);
        let text = &rest[body_start..body_end];
        out.push_str(&if text.trim().is_empty() {
            text.to_string()
        } else {
            f(text.trim())
        });
        rest = &rest[body_end..];
    }
}

/// Offset of `<local` or `<prefix:local` followed by whitespace, `>` or `/`.
fn find_open_tag(text: &str, local: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find('<') {
        let at = from + i;
        let name_end = text[at + 1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map(|e| at + 1 + e)?;
        let name = &text[at + 1..name_end];
        if name == local || name.rsplit(':').next() == Some(local) && name.contains(':') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn redact_headers(headers: Option<&mut Value>, places: &mut Placeholders, mask_names: bool) {
    let Some(Value::Array(list)) = headers else {
        return;
    };
    for h in list.iter_mut().filter_map(Value::as_object_mut) {
        let name = h
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(Value::String(value)) = h.get_mut("value") else {
            continue;
        };
        *value = match name.as_str() {
            "cookie" => value
                .split(';')
                .map(|c| match c.split_once('=') {
                    Some((n, v)) => format!("{n}={}", places.of("cookie", v.trim())),
                    None => c.to_string(),
                })
                .collect::<Vec<_>>()
                .join(";"),
            "set-cookie" => value
                .lines()
                .map(|line| redact_set_cookie(line, places))
                .collect::<Vec<_>>()
                .join("\n"),
            "location" | "referer" | "origin" | "content-location" | "refresh" => {
                redact_url(value, places, mask_names)
            }
            n if SECRET_HEADERS.contains(&n) || is_secret_name(n) => match value.split_once(' ') {
                Some((scheme, cred)) if n.ends_with("authorization") => {
                    format!("{scheme} {}", places.of("credential", cred.trim()))
                }
                _ => places.of("credential", value),
            },
            _ => continue,
        };
    }
}

fn redact_set_cookie(line: &str, places: &mut Placeholders) -> String {
    let (first, attrs) = match line.split_once(';') {
        Some((f, a)) => (f, Some(a)),
        None => (line, None),
    };
    let first = match first.split_once('=') {
        Some((n, v)) => format!("{n}={}", places.of("cookie", v.trim())),
        None => first.to_string(),
    };
    match attrs {
        Some(a) => format!("{first};{a}"),
        None => first,
    }
}

fn redact_cookie_list(cookies: Option<&mut Value>, places: &mut Placeholders) {
    let Some(Value::Array(list)) = cookies else {
        return;
    };
    for c in list.iter_mut().filter_map(Value::as_object_mut) {
        if let Some(Value::String(v)) = c.get_mut("value") {
            *v = places.of("cookie", v);
        }
    }
}

fn redact_pairs(pairs: Option<&mut Value>, places: &mut Placeholders, mask_names: bool) {
    let Some(Value::Array(list)) = pairs else {
        return;
    };
    for p in list.iter_mut().filter_map(Value::as_object_mut) {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        let raw_name = percent_encoding::percent_decode_str(name)
            .decode_utf8_lossy()
            .into_owned();
        if let Some(Value::String(v)) = p.get_mut("value") {
            // Chrome keeps form params URL-encoded; decode to judge, keep the encoding.
            let encoded = v.contains('%');
            let decoded = if encoded {
                percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            } else {
                v.clone()
            };
            if let Some(new) = redact_param(&raw_name, &decoded, places, mask_names) {
                *v = if encoded {
                    url::form_urlencoded::byte_serialize(new.as_bytes()).collect()
                } else {
                    new
                };
            }
        }
    }
}

/// A request or response body: form, JSON, or text (HTML included).
fn redact_body(text: &str, mime: &str, places: &mut Placeholders, mask_names: bool) -> String {
    let trimmed = text.trim_start();
    if (mime.contains("json") || trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(mut v) = serde_json::from_str::<Value>(text)
    {
        redact_json(&mut v, places, mask_names);
        return serde_json::to_string(&v).unwrap_or_default();
    }
    if mime.contains("x-www-form-urlencoded") {
        return redact_encoded(text, places, mask_names);
    }
    if mime.contains("html") || trimmed.starts_with('<') {
        return redact_html_inputs(text, places, mask_names);
    }
    if text.contains('=') && !text.contains(char::is_whitespace) {
        return redact_encoded(text, places, mask_names);
    }
    text.to_string()
}

fn redact_json(value: &mut Value, places: &mut Placeholders, mask_names: bool) {
    match value {
        Value::Object(map) => redact_json_object(map, places, mask_names),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| redact_json(v, places, mask_names)),
        _ => {}
    }
}

fn redact_json_object(map: &mut Map<String, Value>, places: &mut Placeholders, mask_names: bool) {
    for (k, v) in map.iter_mut() {
        match v {
            Value::String(s) => {
                if let Some(new) = redact_param(k, s, places, mask_names) {
                    *s = new;
                }
            }
            Value::Number(_) if is_secret_name(k) => {
                *v = Value::String(places.of("secret", &v.to_string()));
            }
            _ => redact_json(v, places, mask_names),
        }
    }
}

/// `<input name="SAMLResponse" value="…">` and other secret inputs in an HTML page (the
/// IdP's auto-post form), by attribute scanning.
fn redact_html_inputs(html: &str, places: &mut Placeholders, mask_names: bool) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<input") {
        let Some(end) = rest[i..].find('>').map(|e| i + e) else {
            break;
        };
        out.push_str(&rest[..i]);
        let tag = &rest[i..=end];
        out.push_str(&redact_input_tag(tag, places, mask_names));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<(usize, usize, &'a str)> {
    for quote in ['"', '\''] {
        let key = format!("{name}={quote}");
        let mut from = 0;
        while let Some(i) = tag[from..].find(&key) {
            let at = from + i;
            let before_ok = at == 0 || tag[..at].ends_with(char::is_whitespace);
            let start = at + key.len();
            if let Some(len) = tag[start..].find(quote)
                && before_ok
            {
                return Some((start, start + len, &tag[start..start + len]));
            }
            from = start;
        }
    }
    None
}

fn redact_input_tag(tag: &str, places: &mut Placeholders, mask_names: bool) -> String {
    let Some((_, _, name)) = attr(tag, "name") else {
        return tag.to_string();
    };
    let input_type = attr(tag, "type").map(|(_, _, t)| t.to_ascii_lowercase());
    let Some((start, end, value)) = attr(tag, "value") else {
        return tag.to_string();
    };
    let decoded = value
        .replace("&#x2B;", "+")
        .replace("&#43;", "+")
        .replace("&#x3D;", "=")
        .replace("&#61;", "=")
        .replace("&amp;", "&");
    let new = if input_type.as_deref() == Some("password") {
        Some(places.of("password", &decoded))
    } else {
        redact_param(name, &decoded, places, mask_names)
    };
    match new {
        Some(v) => format!("{}{}{}", &tag[..start], v, &tag[end..]),
        None => tag.to_string(),
    }
}

/// Response content: text or base64 text redacted; binary content kept.
fn redact_content(content: &mut Map<String, Value>, places: &mut Placeholders, mask_names: bool) {
    let mime = content
        .get("mimeType")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let base64_encoded = content
        .get("encoding")
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
    let Some(Value::String(text)) = content.get_mut("text") else {
        return;
    };
    if base64_encoded {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match base64::engine::general_purpose::STANDARD.decode(&compact) {
            Ok(bytes) => {
                if let Ok(decoded) = String::from_utf8(bytes) {
                    let redacted = redact_body(&decoded, &mime, places, mask_names);
                    let redacted = places.scrub_text(&redacted);
                    if redacted != decoded {
                        *text = base64::engine::general_purpose::STANDARD.encode(redacted);
                    }
                }
            }
            // Not base64 after all: treat it as text.
            Err(_) => *text = redact_body(text, &mime, places, mask_names),
        }
    } else {
        *text = redact_body(text, &mime, places, mask_names);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_headers_and_forms() {
        let mut p = Placeholders::new();
        assert_eq!(
            redact_url(
                "https://a/cb?code=c0de12&state=s#id_token=tok123",
                &mut p,
                false
            ),
            "https://a/cb?code=REDACTED-code-1&state=s#id_token=REDACTED-token-1"
        );
        let mut entry: Value = serde_json::from_str(
            r#"{"request":{"url":"https://a/x?code=c0de12","headers":[{"name":"Cookie","value":"sid=s3ss10n; b=2"},{"name":"Authorization","value":"Bearer abc.def"}],
            "postData":{"mimeType":"application/x-www-form-urlencoded","text":"username=al&password=hunter22","params":[{"name":"password","value":"hunter22"}]}},
            "response":{"headers":[{"name":"Set-Cookie","value":"sid=s3ss10n; Path=/; Secure"}],"content":{"mimeType":"text/html","text":"<input type=\"hidden\" name=\"code\" value=\"c0de12\">"}}}"#,
        )
        .unwrap();
        redact_entry(&mut entry, &mut p, false);
        let text = entry.to_string();
        for secret in ["c0de12", "s3ss10n", "abc.def", "hunter22"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("sid=REDACTED-cookie-1; Path=/; Secure"));
        assert!(text.contains("Bearer REDACTED-credential-1"));
        assert!(text.contains("REDACTED-code-1"));
    }

    #[test]
    fn saml_signature_values_are_replaced_and_reencoded() {
        let xml = r#"<samlp:Response xmlns:samlp="p" xmlns:ds="d"><ds:Signature><ds:SignatureValue>SIGSIGSIG==</ds:SignatureValue></ds:Signature><saml:NameID xmlns:saml="a">alice@corp.example</saml:NameID></samlp:Response>"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let mut p = Placeholders::new();
        let out = redact_saml(&b64, &mut p, true);
        let back = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(out)
                .unwrap(),
        )
        .unwrap();
        assert!(!back.contains("SIGSIGSIG") && !back.contains("alice@corp.example"));
        assert!(back.contains("<ds:SignatureValue>REDACTED-signature-1</ds:SignatureValue>"));
    }
}
