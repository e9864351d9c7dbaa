//! Text for a terminal: the one place that makes untrusted text (server bodies, headers,
//! `detail`, SAML attributes, URLs) safe to print.
//!
//! A terminal obeys escape sequences in what it prints: `ESC [ 2 J` clears the screen,
//! `ESC ] 8 ;;` makes a hyperlink whose visible text lies about its target, `ESC ] 52` can
//! write the clipboard, BEL rings, CR overwrites the line, and the C1 byte U+009B acts as
//! `ESC [` on some terminals. Bidi overrides (U+202E …) reorder what the admin reads. Every
//! such character is shown as a visible escape (`\x1b`, `\u{202e}`) instead, so the admin
//! sees exactly what the server sent and the terminal does nothing with it.

/// Untrusted text made inert for a terminal. Newlines and tabs are kept (multi-line
/// details stay readable); every other control character, and every invisible character
/// that changes text direction or hides text, becomes a visible escape.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\t' || !needs_escape(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// C0/C1 controls and DEL, plus the format characters that steer direction or hide text.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}'                 // Arabic letter mark
            | '\u{200b}'..='\u{200f}'  // zero-width space/joiners, LRM, RLM
            | '\u{2028}' | '\u{2029}'  // line and paragraph separators
            | '\u{202a}'..='\u{202e}'  // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'  // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}'  // bidi isolates
            | '\u{feff}'               // zero-width no-break space
            | '\u{fff9}'..='\u{fffb}') // interlinear annotations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_text() {
        assert_eq!(terminal_safe("\u{1b}[2Jgone"), "\\x1b[2Jgone");
        assert_eq!(
            terminal_safe("\u{1b}]8;;https://evil\u{7}click\u{1b}]8;;\u{7}"),
            "\\x1b]8;;https://evil\\x07click\\x1b]8;;\\x07"
        );
        assert_eq!(terminal_safe("a\u{9b}31mb"), "a\\x9b31mb");
        assert_eq!(terminal_safe("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal_safe("x\ry\u{7f}"), "x\\x0dy\\x7f");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        let text = "Zoë <b>bold</b> 名前 \"q\" \\ tab\tnew\nline 🙂";
        assert_eq!(terminal_safe(text), text);
    }

    #[test]
    fn no_control_survives() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let safe = terminal_safe(&all);
        assert!(
            safe.chars()
                .all(|c| c == '\n' || c == '\t' || !needs_escape(c))
        );
    }
}
