//! Building SCIM filters safely. A userName with a quote or backslash must not change the
//! filter's meaning, so values are written as JSON strings (RFC 7644 §3.4.2.2).

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters encoded in a query value: everything outside RFC 3986 unreserved.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'\'')
    .add(b',')
    .add(b'!')
    .add(b'$')
    .add(b'(')
    .add(b')')
    .add(b'*');

/// `attr eq "value"`, the value quoted and escaped as a JSON string.
pub fn eq_filter(attribute: &str, value: &str) -> String {
    format!(
        "{attribute} eq {}",
        serde_json::Value::String(value.to_string())
    )
}

/// Percent-encode a query value; spaces become `%20`, or `+` when `plus_for_space` (Entra's
/// client sends `+`).
pub fn encode_query_value(value: &str, plus_for_space: bool) -> String {
    let encoded = utf8_percent_encode(value, QUERY_VALUE).to_string();
    if plus_for_space {
        encoded.replace("%20", "+")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_stay_inside_the_value() {
        assert_eq!(
            eq_filter("userName", r#"a"b\c"#),
            r#"userName eq "a\"b\\c""#
        );
        assert_eq!(
            encode_query_value(r#"userName eq "x""#, false),
            "userName%20eq%20%22x%22"
        );
        assert_eq!(
            encode_query_value(r#"userName eq "x""#, true),
            "userName+eq+%22x%22"
        );
    }
}
