//! A redacted copy of a HAR for a support ticket (`preflight trace --redact-out`, and the
//! escalation package): cookies, `Authorization`, passwords and other form secrets, tokens,
//! codes and SAML signature values are replaced by stable placeholders ([`Placeholders`]);
//! with `mask_names`, NameIDs and e-mail addresses too. The output is still HAR 1.2: the
//! same members in the same order, only string values changed.
//!
//! Streamed with the reader's structural scan ([`super::split::split_at`]): each element of
//! `log.entries` is parsed on its own, redacted and written; the bytes between entries (the
//! document's frame, `pages`, separators) are copied as they are, with their string values
//! scrubbed. One [`Placeholders`] serves the whole file, so a value has the same placeholder
//! wherever it appears. Memory is bounded by the largest entry (and the largest stretch
//! between two entries), not by the file.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use base64::Engine;
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
    let pending = Rc::new(RefCell::new(Pending::default()));
    let tap = Tap {
        inner: io::BufReader::with_capacity(256 * 1024, reader),
        pending: Rc::clone(&pending),
    };
    let mut out = io::BufWriter::new(writer);
    let mut places = Placeholders::new();
    let mut entries = 0usize;
    // The document with every entry replaced by `null`: the scan only checks brackets, so
    // serde reads this outline at the end to refuse a frame that is not JSON (`tru`, `[1 2]`).
    let mut skeleton: Vec<u8> = Vec::new();
    let outline = super::split::split_at(tap, limits.max_bytes, &mut |at, bytes| {
        if entries >= limits.max_entries {
            return Err(HarError::TooManyEntries(limits.max_entries));
        }
        let mut p = pending.borrow_mut();
        let gap = p.take_until(at);
        write_frame(&mut out, gap, &mut places, opts.mask_names)?;
        skeleton.extend_from_slice(gap);
        skeleton.extend_from_slice(b"null");
        let mut entry: Value =
            serde_json::from_slice(bytes).map_err(|e| classify(format!("entry {entries}"), &e))?;
        redact_entry(&mut entry, &mut places, opts.mask_names);
        serde_json::to_writer(&mut out, &entry).map_err(|e| HarError::Io(e.to_string()))?;
        // Scalars (`null `) hand over trailing whitespace too: skip exactly what was given.
        p.skip(bytes.len());
        entries += 1;
        Ok(())
    })?;
    if !outline.saw_log {
        return Err(HarError::NotHar(
            "there is no top-level `log` object".into(),
        ));
    }
    let mut p = pending.borrow_mut();
    let tail = p.rest();
    write_frame(&mut out, tail, &mut places, opts.mask_names)?;
    skeleton.extend_from_slice(tail);
    serde_json::from_slice::<serde::de::IgnoredAny>(&skeleton)
        .map_err(|e| classify("outside the entries".into(), &e))?;
    out.flush().map_err(|e| HarError::Io(e.to_string()))?;
    Ok(RedactSummary {
        entries,
        replaced: places.len(),
    })
}

/// Why [`redact_to_file`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum RedactFileError {
    /// The input HAR (the message says what to do).
    #[error(transparent)]
    Har(#[from] HarError),
    /// The output file could not be written.
    #[error("cannot write the redacted HAR: {0}. Check the directory exists and is writable")]
    Write(io::Error),
}

/// Redact `reader` into `out` without holding the copy in memory: streamed into a temporary
/// file beside `out`, synced, then renamed over it — a failed run leaves no half HAR and
/// keeps an older file at `out` as it was.
pub fn redact_to_file<R: Read>(
    reader: R,
    out: &std::path::Path,
    opts: &RedactOptions,
    limits: &HarLimits,
) -> Result<RedactSummary, RedactFileError> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "redacted.har".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(RedactFileError::Write)?;
        let mut writer = io::BufWriter::with_capacity(256 * 1024, file);
        let summary = redact_har(reader, &mut writer, opts, limits)?;
        let file = writer
            .into_inner()
            .map_err(|e| RedactFileError::Write(e.into_error()))?;
        file.sync_all().map_err(RedactFileError::Write)?;
        std::fs::rename(&tmp, out).map_err(RedactFileError::Write)?;
        Ok(summary)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A part of the HAR serde could not read (`place`: an entry, or the document around the
/// entries), classified like the reader does.
fn classify(place: String, e: &serde_json::Error) -> HarError {
    let message = format!("{place}: {e}");
    match e.classify() {
        serde_json::error::Category::Io => HarError::Io(message),
        serde_json::error::Category::Eof => HarError::Truncated(message),
        serde_json::error::Category::Syntax => HarError::NotJson(message),
        serde_json::error::Category::Data => HarError::NotHar(message),
    }
}

/// The bytes read from the input that have not been written yet, and where they start.
/// Consumed bytes are only marked (`used`); the buffer is compacted once per read, so an
/// entry costs no shifting of the rest of the chunk.
#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    /// How many bytes at the front are already handled.
    used: usize,
    /// Stream offset of `bytes[0]`.
    start: u64,
}

impl Pending {
    /// Hand out the unhandled bytes before stream offset `at`.
    fn take_until(&mut self, at: u64) -> &[u8] {
        let end = (at.saturating_sub(self.start) as usize).clamp(self.used, self.bytes.len());
        let from = std::mem::replace(&mut self.used, end);
        &self.bytes[from..end]
    }

    /// Pass over the next `n` bytes (an entry, written in its redacted form).
    fn skip(&mut self, n: usize) {
        self.used = (self.used + n).min(self.bytes.len());
    }

    /// Everything not handled yet (the end of the document).
    fn rest(&mut self) -> &[u8] {
        let from = std::mem::replace(&mut self.used, self.bytes.len());
        &self.bytes[from..]
    }

    /// Append what the scan just read, first dropping what is handled.
    fn push(&mut self, read: &[u8]) {
        if self.used > 0 {
            self.bytes.drain(..self.used);
            self.start += self.used as u64;
            self.used = 0;
        }
        self.bytes.extend_from_slice(read);
    }
}

/// A reader that keeps a copy of what the scan reads, until it is written out.
struct Tap<R> {
    inner: R,
    pending: Rc<RefCell<Pending>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pending.borrow_mut().push(&buf[..n]);
        Ok(n)
    }
}

/// Copy a stretch of the document outside the entries (the frame, `pages`, separators),
/// with every string value — not member names — scrubbed of known secrets. The scan only
/// cuts between values, so a stretch never starts or ends inside a string.
fn write_frame<W: Write>(
    out: &mut W,
    frame: &[u8],
    places: &mut Placeholders,
    mask_names: bool,
) -> Result<(), HarError> {
    let io = |e: io::Error| HarError::Io(e.to_string());
    let mut copied = 0;
    let mut i = 0;
    while i < frame.len() {
        if frame[i] != b'"' {
            i += 1;
            continue;
        }
        let end = string_end(frame, i).ok_or_else(|| {
            HarError::NotJson("a string between the entries is not closed".into())
        })?;
        let is_key = frame[end..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b':');
        if !is_key && let Ok(text) = serde_json::from_slice::<String>(&frame[i..end]) {
            let mut scrubbed = places.scrub_text(&text);
            if mask_names {
                scrubbed = places.scrub_emails(&scrubbed);
            }
            if scrubbed != text {
                out.write_all(&frame[copied..i]).map_err(io)?;
                serde_json::to_writer(&mut *out, &scrubbed)
                    .map_err(|e| HarError::Io(e.to_string()))?;
                copied = end;
            }
        }
        i = end;
    }
    out.write_all(&frame[copied..]).map_err(io)
}

/// The index just past the closing quote of the string that opens at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
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
/// Whether a member or parameter called `name` has its value replaced by [`redact_param`]
/// (kept in step with it).
fn is_redacted_name(name: &str, mask_names: bool) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "samlresponse"
        || lower == "code_verifier"
        || is_secret_name(name)
        || (mask_names
            && (lower.contains("user") || lower.contains("login") || lower.contains("email")))
}

/// Whether any member name in the JSON `text` is one whose value is redacted. Scans the
/// strings only (a name is a string followed by `:`); each distinct name is judged once.
/// Unbalanced quotes count as "yes", so the careful path runs.
fn json_names_need_redaction(text: &str, mask_names: bool) -> bool {
    let bytes = text.as_bytes();
    let mut judged: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'"') {
        let start = i + off;
        let Some(end) = string_end(bytes, start) else {
            return true;
        };
        i = end;
        let is_name = bytes[end..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b':');
        if !is_name {
            continue;
        }
        let raw = &text[start + 1..end - 1];
        if raw.contains('\\') {
            match serde_json::from_str::<String>(&text[start..end]) {
                Ok(name) if !is_redacted_name(&name, mask_names) => continue,
                _ => return true,
            }
        }
        if judged.contains(&raw) {
            continue;
        }
        if is_redacted_name(raw, mask_names) {
            return true;
        }
        if judged.len() < 256 {
            judged.push(raw);
        }
    }
    false
}

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
    // Most JSON bodies (API answers, images' metadata) have no member a redaction touches:
    // find that out from the member names alone and keep the text as it is, instead of
    // parsing and re-serialising it. Only where none of the fallbacks below would apply.
    let looks_form_encoded = text.contains('=') && !text.contains(char::is_whitespace);
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && !mime.contains("x-www-form-urlencoded")
        && !mime.contains("html")
        && !looks_form_encoded
        && !json_names_need_redaction(text, mask_names)
    {
        return text.to_string();
    }
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
    if looks_form_encoded {
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
        let compact: std::borrow::Cow<str> = if text.contains(char::is_whitespace) {
            text.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .into()
        } else {
            text.as_str().into()
        };
        match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
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

    #[test]
    fn json_bodies_are_parsed_only_when_a_member_name_calls_for_it() {
        let mut p = Placeholders::new();
        let plain = r#"{"items": [{"id": 1, "name": "a"}], "next": null}"#;
        assert_eq!(redact_body(plain, "application/json", &mut p, false), plain);
        for (body, secret) in [
            (
                r#"{"data": [{"client_secret": "s3cr3t-value"}]}"#,
                "s3cr3t-value",
            ),
            (r#"{"pass\u0077ord": "hunter22-x"}"#, "hunter22-x"),
            (r#"{"deep": {"access_token": 123456789}}"#, "123456789"),
        ] {
            let out = redact_body(body, "application/json", &mut p, false);
            assert!(!out.contains(secret), "{body} → {out}");
        }
        // A name only masked with mask_names.
        let user = r#"{"userName": "alice@corp.example"}"#;
        assert_eq!(redact_body(user, "application/json", &mut p, false), user);
        assert!(!redact_body(user, "application/json", &mut p, true).contains("alice"));
        // Not JSON after all, but a form body: the fallback still redacts it.
        assert!(
            !redact_body(
                r#"{"a":1}&code=c0de-xyz"#,
                "application/json",
                &mut p,
                false
            )
            .contains("c0de-xyz")
        );
    }

    fn redact_text(text: &str, limits: &HarLimits) -> Result<(String, RedactSummary), HarError> {
        let mut out = Vec::new();
        let summary = redact_har(text.as_bytes(), &mut out, &RedactOptions::default(), limits)?;
        Ok((String::from_utf8(out).unwrap(), summary))
    }

    #[test]
    fn the_whole_file_is_streamed_with_one_set_of_placeholders() {
        // An entry bigger than the scan's chunk, so the copy crosses chunk boundaries.
        let padding = "p".repeat(600 * 1024);
        let text = format!(
            r#"{{"log": {{"version": "1.2", "pages": [{{"title": "start"}}],
  "entries": [
    {{"request": {{"url": "https://idp/authorize?client_id=c&state=st4te-1"}}, "response": {{"redirectURL": "https://app/cb?code=c0de-secret-1"}}, "_pad": "{padding}"}},
    null ,
    {{"request": {{"url": "https://app/cb?code=c0de-secret-1", "headers": [{{"name": "Cookie", "value": "sid=s3ss10n-value"}}]}}}}
  ],
  "comment": "support saw c0de-secret-1 and s3ss10n-value", "code": "key names stay"}}}}
"#
        );
        let (out, summary) = redact_text(&text, &HarLimits::default()).unwrap();
        assert_eq!(summary.entries, 3);
        for secret in ["c0de-secret-1", "s3ss10n-value"] {
            assert!(!out.contains(secret), "{secret} left in the copy");
        }
        let v: Value = serde_json::from_str(&out).expect("still JSON");
        let entries = v["log"]["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        assert!(entries[1].is_null());
        // The same code has the same placeholder in both entries and in the trailing comment.
        let first = entries[0]["response"]["redirectURL"].as_str().unwrap();
        let placeholder = first.split("code=").nth(1).unwrap();
        assert!(placeholder.starts_with("REDACTED-code-"), "{first}");
        assert!(
            entries[2]["request"]["url"]
                .as_str()
                .unwrap()
                .ends_with(placeholder)
        );
        assert!(v["log"]["comment"].as_str().unwrap().contains(placeholder));
        assert_eq!(entries[0]["_pad"].as_str().unwrap().len(), padding.len());
        // The frame is copied as written: member order, names and whitespace.
        let at = |k: &str| out.find(&format!("\"{k}\":")).unwrap();
        assert!(at("version") < at("pages") && at("pages") < at("entries"));
        assert!(at("entries") < at("comment") && at("comment") < at("code"));
        assert!(out.starts_with("{\"log\": {\"version\": \"1.2\", \"pages\": [{\"title\": \"start\"}],\n  \"entries\": [\n    {"));
        assert!(out.contains("},\n    null,\n    {"));
    }

    #[test]
    fn bad_input_is_refused_like_the_reader_does() {
        let limits = HarLimits::default();
        assert!(matches!(
            redact_text("nope", &limits),
            Err(HarError::NotJson(_))
        ));
        assert!(matches!(
            redact_text(r#"{"x": {"entries": []}}"#, &limits),
            Err(HarError::NotHar(_))
        ));
        assert!(matches!(
            redact_text(r#"{"log": {"entries": [{"request": "#, &limits),
            Err(HarError::Truncated(_))
        ));
        for not_json in [
            r#"{"log": {"entries": [{"a": tru}]}}"#,
            r#"{"log": {"entries": [{}], "x": tru}}"#,
            r#"{"log": {"pages": [1 2], "entries": []}}"#,
        ] {
            assert!(
                matches!(redact_text(not_json, &limits), Err(HarError::NotJson(_))),
                "{not_json}"
            );
        }
        let two = HarLimits {
            max_entries: 2,
            ..HarLimits::default()
        };
        assert!(matches!(
            redact_text(r#"{"log": {"entries": [{}, {}, {}]}}"#, &two),
            Err(HarError::TooManyEntries(2))
        ));
        let (out, summary) = redact_text(r#"{"log": {"entries": []}}"#, &limits).unwrap();
        assert_eq!(
            (out.as_str(), summary.entries),
            (r#"{"log": {"entries": []}}"#, 0)
        );
    }

    #[test]
    fn a_failed_redaction_to_a_file_leaves_the_old_file_and_no_temp() {
        let dir = std::env::temp_dir().join(format!(
            "preflight-redact-file-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("copy.har");
        let limits = HarLimits::default();
        let opts = RedactOptions::default();
        let good =
            r#"{"log": {"entries": [{"request": {"url": "https://a/cb?code=c0de-secret-2"}}]}}"#;
        let summary = redact_to_file(good.as_bytes(), &out, &opts, &limits).unwrap();
        assert_eq!(summary.entries, 1);
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(written.contains("REDACTED-code-1") && !written.contains("c0de-secret-2"));
        let bad = redact_to_file(r#"{"log": {"entries": [{"#.as_bytes(), &out, &opts, &limits);
        assert!(matches!(
            bad,
            Err(RedactFileError::Har(HarError::Truncated(_)))
        ));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let missing = redact_to_file(
            good.as_bytes(),
            &dir.join("no/such/dir.har"),
            &opts,
            &limits,
        );
        assert!(matches!(missing, Err(RedactFileError::Write(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
