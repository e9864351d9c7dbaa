//! Finds the elements of `log.entries` in a HAR byte stream without parsing the rest: a
//! structural scan (strings, escapes, nesting) over fixed-size chunks hands each entry's
//! bytes to serde (`from_slice`), which is several times faster than serde's byte-at-a-time
//! reader over a whole 200 MB document and holds one entry at a time. Everything outside the
//! entries is only checked for balanced structure; `log.version`, `log.creator` and
//! `log.browser` are kept for serde too.

use std::io::Read;

use super::har::HarError;

const CHUNK: usize = 256 * 1024;
/// Keys longer than this are never ones the splitter looks for.
const KEY_CAP: usize = 16;

/// What the scan saw besides the entries.
#[derive(Debug, Default)]
pub struct Outline {
    pub saw_log: bool,
    pub saw_entries: bool,
    /// Raw JSON of `log.version`, `log.creator`, `log.browser`.
    pub log_members: Vec<(String, Vec<u8>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
}

/// Where a value being captured belongs.
#[derive(Clone, PartialEq, Eq)]
enum Capture {
    None,
    Entry,
    Member(String),
}

/// Call `on_entry` with the bytes of each element of `log.entries`, in order.
pub fn split<R: Read>(
    reader: R,
    max_bytes: u64,
    on_entry: &mut dyn FnMut(&[u8]) -> Result<(), HarError>,
) -> Result<Outline, HarError> {
    split_at(reader, max_bytes, &mut |_, bytes| on_entry(bytes))
}

/// Receives each entry's stream offset and bytes.
pub type OnEntryAt<'a> = dyn FnMut(u64, &[u8]) -> Result<(), HarError> + 'a;

/// [`split`], also telling `on_entry` where the entry starts in the stream (byte offset), so
/// a caller that sees the same bytes (the redacted copy) can pass what lies between entries.
pub fn split_at<R: Read>(
    mut reader: R,
    max_bytes: u64,
    on_entry: &mut OnEntryAt<'_>,
) -> Result<Outline, HarError> {
    let mut outline = Outline::default();
    let mut buf = vec![0u8; CHUNK];
    let mut total: u64 = 0;
    // (kind, key it was opened under)
    let mut stack: Vec<(Kind, Option<String>)> = Vec::new();
    let mut in_string = false;
    let mut escape = false;
    let mut key_buf: Vec<u8> = Vec::new();
    let mut key_overflow = false;
    let mut last_string: Option<String> = None;
    let mut pending_key: Option<String> = None;
    let mut started = false;
    let mut finished = false;
    let mut capture = Capture::None;
    let mut capture_depth = 0usize;
    let mut capture_offset = 0u64;
    let mut captured: Vec<u8> = Vec::new();
    // Scalars in the entries array end at `,` or `]`, not at a closing bracket.
    let mut scalar_capture = false;
    let mut entries_array_depth = usize::MAX;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(HarError::Io(e.to_string())),
        };
        total += n as u64;
        if total > max_bytes {
            return Err(HarError::TooLarge(max_bytes));
        }
        let chunk = &buf[..n];
        let chunk_offset = total - n as u64;
        let mut i = 0;
        let mut cap_start = 0;
        while i < n {
            let b = chunk[i];
            if in_string {
                if escape {
                    escape = false;
                    if capture == Capture::None && key_buf.len() < KEY_CAP {
                        key_buf.push(b);
                    }
                    i += 1;
                    continue;
                }
                if capture != Capture::None {
                    // Fast path: jump to the next quote or backslash.
                    match chunk[i..].iter().position(|&c| c == b'"' || c == b'\\') {
                        Some(off) => i += off,
                        None => {
                            i = n;
                            continue;
                        }
                    }
                }
                let b = chunk[i];
                if b == b'\\' {
                    escape = true;
                } else if b == b'"' {
                    in_string = false;
                    if capture == Capture::None {
                        last_string =
                            (!key_overflow).then(|| String::from_utf8_lossy(&key_buf).into_owned());
                    }
                } else if capture == Capture::None {
                    if key_buf.len() < KEY_CAP {
                        key_buf.push(b);
                    } else {
                        key_overflow = true;
                    }
                }
                i += 1;
                continue;
            }
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {}
                0xEF | 0xBB | 0xBF if !started => {} // UTF-8 byte order mark
                _ if finished => {
                    return Err(HarError::NotJson(format!(
                        "unexpected `{}` after the end of the document",
                        printable(b)
                    )));
                }
                _ if !started && b != b'{' => {
                    return Err(if matches!(b, b'[' | b'"' | b'-' | b'0'..=b'9') {
                        HarError::NotHar("the top level is not a JSON object".into())
                    } else {
                        HarError::NotJson(format!("it starts with `{}`, not `{{`", printable(b)))
                    });
                }
                _ => {
                    started = true;
                    let depth = stack.len();
                    // A value starts inside the entries array, or at a log member we keep.
                    if capture == Capture::None && !matches!(b, b',' | b']' | b'}' | b':') {
                        if depth == entries_array_depth {
                            capture = Capture::Entry;
                        } else if depth == 2
                            && stack[1].1.as_deref() == Some("log")
                            && matches!(
                                pending_key.as_deref(),
                                Some("version" | "creator" | "browser")
                            )
                        {
                            capture = Capture::Member(pending_key.clone().unwrap_or_default());
                        }
                        if capture != Capture::None {
                            captured.clear();
                            cap_start = i;
                            capture_offset = chunk_offset + i as u64;
                            capture_depth = depth;
                            scalar_capture = !matches!(b, b'{' | b'[');
                        }
                    }
                    match b {
                        b'"' => {
                            in_string = true;
                            key_buf.clear();
                            key_overflow = false;
                        }
                        b'{' | b'[' => {
                            let kind = if b == b'{' { Kind::Object } else { Kind::Array };
                            let key = pending_key.take();
                            if kind == Kind::Array
                                && depth == 2
                                && key.as_deref() == Some("entries")
                                && stack[1].1.as_deref() == Some("log")
                                && !outline.saw_entries
                            {
                                outline.saw_entries = true;
                                entries_array_depth = depth + 1;
                            }
                            if kind == Kind::Object && depth == 1 && key.as_deref() == Some("log") {
                                outline.saw_log = true;
                            }
                            stack.push((kind, key));
                        }
                        b'}' | b']' => {
                            let want = if b == b'}' { Kind::Object } else { Kind::Array };
                            if scalar_capture && depth == capture_depth {
                                finish_capture(
                                    &mut capture,
                                    &mut captured,
                                    &chunk[cap_start..i],
                                    &mut outline,
                                    &mut |bytes| on_entry(capture_offset, bytes),
                                )?;
                                scalar_capture = false;
                            }
                            match stack.pop() {
                                Some((kind, _)) if kind == want => {}
                                _ => {
                                    return Err(HarError::NotJson(format!(
                                        "a `{}` does not close what is open",
                                        printable(b)
                                    )));
                                }
                            }
                            if stack.len() + 1 == entries_array_depth && want == Kind::Array {
                                entries_array_depth = usize::MAX;
                            }
                            if capture != Capture::None
                                && !scalar_capture
                                && stack.len() == capture_depth
                            {
                                finish_capture(
                                    &mut capture,
                                    &mut captured,
                                    &chunk[cap_start..=i],
                                    &mut outline,
                                    &mut |bytes| on_entry(capture_offset, bytes),
                                )?;
                            }
                            if stack.is_empty() {
                                finished = true;
                            }
                            pending_key = None;
                        }
                        b':' => {
                            pending_key = last_string.take();
                        }
                        b',' => {
                            if scalar_capture && depth == capture_depth {
                                finish_capture(
                                    &mut capture,
                                    &mut captured,
                                    &chunk[cap_start..i],
                                    &mut outline,
                                    &mut |bytes| on_entry(capture_offset, bytes),
                                )?;
                                scalar_capture = false;
                            }
                            pending_key = None;
                        }
                        _ => {}
                    }
                }
            }
            i += 1;
        }
        if capture != Capture::None {
            captured.extend_from_slice(&chunk[cap_start..n]);
        }
    }
    if !started {
        return Err(HarError::NotJson("the file is empty".into()));
    }
    if !finished || in_string {
        return Err(HarError::Truncated(format!(
            "after {total} bytes, {} bracket(s) are still open",
            stack.len()
        )));
    }
    Ok(outline)
}

/// Hand a completed value to its owner. `tail` is the part in the current chunk.
fn finish_capture(
    capture: &mut Capture,
    captured: &mut Vec<u8>,
    tail: &[u8],
    outline: &mut Outline,
    on_entry: &mut dyn FnMut(&[u8]) -> Result<(), HarError>,
) -> Result<(), HarError> {
    let whole: &[u8] = if captured.is_empty() {
        tail
    } else {
        captured.extend_from_slice(tail);
        captured
    };
    match std::mem::replace(capture, Capture::None) {
        Capture::Entry => on_entry(whole)?,
        Capture::Member(key) => outline.log_members.push((key, whole.to_vec())),
        Capture::None => {}
    }
    captured.clear();
    Ok(())
}

fn printable(b: u8) -> String {
    if b.is_ascii_graphic() {
        (b as char).to_string()
    } else {
        format!("\\x{b:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Result<(Outline, Vec<String>), HarError> {
        let mut out = Vec::new();
        let outline = split(text.as_bytes(), u64::MAX, &mut |b| {
            out.push(String::from_utf8_lossy(b).into_owned());
            Ok(())
        })?;
        Ok((outline, out))
    }

    #[test]
    fn finds_entries_only_under_log() {
        let (o, e) = entries(
            r#"{"x":{"entries":[1]},"log":{"version":"1.2","creator":{"name":"n"},"entries":[{"a":"]}\"["}, null ,{"b":[1,{"c":2}]}],"pages":[]}}"#,
        )
        .unwrap();
        assert!(o.saw_log && o.saw_entries);
        assert_eq!(e, vec![r#"{"a":"]}\"["}"#, "null ", r#"{"b":[1,{"c":2}]}"#]);
        assert_eq!(o.log_members.len(), 2);
        assert_eq!(o.log_members[0].1, b"\"1.2\"");
    }

    #[test]
    fn entries_across_chunk_boundaries() {
        let body = "x".repeat(CHUNK * 2 + 17);
        let text = format!(r#"{{"log":{{"entries":[{{"t":"{body}"}},{{"u":1}}]}}}}"#);
        let (_, e) = entries(&text).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].len(), body.len() + 8);
        assert_eq!(e[1], r#"{"u":1}"#);
    }

    #[test]
    fn offsets_point_at_each_entry_in_the_stream() {
        let body = "y".repeat(CHUNK + 5);
        let text = format!(r#"{{"log":{{"entries":[ {{"t":"{body}"}} ,  null ,{{"u":1}}]}}}}"#);
        let mut seen = Vec::new();
        split_at(text.as_bytes(), u64::MAX, &mut |at, bytes| {
            let at = at as usize;
            assert_eq!(&text.as_bytes()[at..at + bytes.len()], bytes);
            seen.push(at);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], text.find("{\"t\"").unwrap());
    }

    #[test]
    fn broken_structure() {
        assert!(matches!(entries("hello"), Err(HarError::NotJson(_))));
        assert!(matches!(entries(""), Err(HarError::NotJson(_))));
        assert!(matches!(entries("[1]"), Err(HarError::NotHar(_))));
        assert!(matches!(
            entries(r#"{"log":{"entries":[{"#),
            Err(HarError::Truncated(_))
        ));
        assert!(matches!(
            entries(r#"{"log":"x"#),
            Err(HarError::Truncated(_))
        ));
        assert!(matches!(entries(r#"{"log":[}"#), Err(HarError::NotJson(_))));
        assert!(matches!(entries(r#"{} x"#), Err(HarError::NotJson(_))));
    }
}
