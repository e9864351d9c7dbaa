//! Untrusted text is inert in every report a person reads. The testbed's `hostile-text`
//! quirk puts markup, script, terminal escapes (clear screen, an OSC 8 hyperlink, BEL, the
//! C1 CSI byte) and a bidi override into `displayName`, every error `detail` and a response
//! header; a SAML response carries the same in its Issuer, NameID and attribute names.
//! The real `preflight` binary renders them:
//!
//! * HTML: none of the server's tags exists unescaped in the bytes of the file, while the
//!   escaped text is there (so it was shown, as text).
//! * terminal (human): no raw ESC, BEL or C1 control and no bidi override reaches stdout,
//!   while a visible `\x1b[2J` and the literal `<script>` do.
//! * Markdown: no raw tag, control, bidi or zero-width character; each shown as an escape.

mod common;

use std::path::PathBuf;
use std::process::Output;

use preflight_testbed::quirks::HOSTILE_TEXT;
use preflight_testbed::{Quirks, StaticToken, Testbed, TestbedConfig};

const TOKEN: &str = "canary-UntrustedText-5521";

/// The server's tags, as they would appear if any renderer inserted server text as HTML.
const RAW_TAGS: &[&str] = &["<img", "<script", "<b id=", "</script"];

async fn testbed(quirks: &str) -> Testbed {
    Testbed::start(TestbedConfig {
        quirks: Quirks::parse(quirks).unwrap(),
        tokens: vec![StaticToken::read_write(TOKEN)],
        ..TestbedConfig::default()
    })
    .await
    .unwrap()
}

fn check(url: &str, format: &str) -> Output {
    common::preflight(
        &[
            "check",
            "--url",
            url,
            "--token-stdin",
            "--idp",
            "entra",
            "--format",
            format,
        ],
        &[],
        Some(TOKEN),
    )
}

/// Raw terminal controls in `bytes`: C0 except `\n`/`\t`, DEL, C1 (UTF-8 `C2 80`–`C2 9F`),
/// and the invisible characters that reorder or hide text — bidi embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200F,
/// U+2060, U+FEFF). Each as (offset, description).
fn raw_controls(bytes: &[u8]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
            found.push((i, format!("C0 0x{b:02x}")));
        }
        if b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) {
            found.push((i, format!("C1 0x{:02x}", bytes[i + 1])));
        }
    }
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
        {
            found.push((i, format!("U+{:04X}", c as u32)));
        }
    }
    found
}

fn assert_no_raw_tags(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    for tag in RAW_TAGS {
        assert!(
            !lower.contains(tag),
            "{what}: raw server tag {tag} in the HTML report"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn scim_server_text_is_inert_in_html_and_terminal() {
    // `always-403` makes checks fail with the (hostile) error detail in their findings.
    let tb = testbed("hostile-text,always-403").await;
    let url = tb.base_url();

    let html = check(&url, "html");
    assert_eq!(
        html.status.code(),
        Some(1),
        "a check fails under always-403"
    );
    let html = String::from_utf8(html.stdout).expect("UTF-8 HTML");
    assert_no_raw_tags(&html, "SCIM");
    // The text was shown — escaped — in findings, bodies and the header.
    assert!(html.contains("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;"));
    assert!(html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    assert!(html.contains("x-hostile-text: &lt;img"), "header shown");
    assert!(
        raw_controls(html.as_bytes()).is_empty(),
        "{:?}",
        raw_controls(html.as_bytes())
    );

    let human = check(&url, "human");
    assert_eq!(human.status.code(), Some(1));
    let controls = raw_controls(&human.stdout);
    assert!(
        controls.is_empty(),
        "raw controls on the terminal: {controls:?}"
    );
    let text = String::from_utf8(human.stdout).expect("UTF-8 terminal output");
    assert!(
        text.contains("<script>window.__pwned=1</script>"),
        "detail shown literally:\n{text}"
    );
    assert!(text.contains("\\x1b[2J") && text.contains("\\x1b]8;;https://evil.example/\\x07"));
    assert!(text.contains("\\x9b31m") && text.contains("\\u{202e}gnp.exe"));
    assert!(text.contains("\\u{2067}") && text.contains("\\u{200b}"));

    // Markdown is often read in a terminal too, and pasted into tickets: no raw control,
    // bidi override or zero-width character survives, each is shown as a visible escape.
    let md = check(&url, "markdown");
    assert_eq!(md.status.code(), Some(1));
    let controls = raw_controls(&md.stdout);
    assert!(
        controls.is_empty(),
        "raw controls in Markdown: {controls:?}"
    );
    let md = String::from_utf8(md.stdout).expect("UTF-8 Markdown");
    // Markdown escapes `<` as `\<`; without those escapes no server tag may remain.
    assert_no_raw_tags(&md.replace("\\<", ""), "Markdown");
    assert!(md.contains("\\<script\\>window.\\_\\_pwned=1\\</script\\>"));
    assert!(
        md.contains("\\u{202e}gnp.exe"),
        "bidi override shown:\n{md}"
    );
    assert!(
        md.contains("\\u{2067}") && md.contains("\\u{200b}"),
        "isolate and zero-width space shown:\n{md}"
    );
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn display_names_are_escaped_in_the_html_evidence() {
    // Without a failure the hostile displayName still reaches the report, in the bodies.
    let tb = testbed("hostile-text").await;
    let out = check(&tb.base_url(), "html");
    let html = String::from_utf8(out.stdout).unwrap();
    assert_no_raw_tags(&html, "displayName");
    assert!(
        html.contains("&lt;b id=\\&quot;injected\\&quot;&gt;bold&lt;/b&gt;"),
        "displayName escaped in the response bodies"
    );
    let human = check(&tb.base_url(), "human");
    assert!(raw_controls(&human.stdout).is_empty());
    tb.shutdown().await;
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-untrusted-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// XML-escape; control characters other than C1 cannot appear in XML 1.0 at all.
fn xml(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || ('\u{80}'..='\u{9f}').contains(c))
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '"' => "&quot;".to_string(),
            c if c.is_control() => format!("&#x{:x};", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[test]
fn saml_attributes_are_inert_in_html_and_terminal() {
    let dir = temp_dir();
    let evil = xml(HOSTILE_TEXT);
    let metadata = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.test"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#;
    let response = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Destination="https://sp.example.test/acs"><saml:Issuer>{evil}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a"><saml:Issuer>{evil}</saml:Issuer><saml:Subject><saml:NameID>{evil}</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="{evil}"><saml:AttributeValue>{evil}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#
    );
    std::fs::write(dir.join("md.xml"), metadata).unwrap();
    std::fs::write(dir.join("resp.xml"), response).unwrap();
    let run = |format: &str| {
        common::preflight(
            &[
                "saml",
                "--metadata",
                dir.join("md.xml").to_str().unwrap(),
                "--sp-entity-id",
                "https://sp.example.test",
                "--acs-url",
                "https://sp.example.test/acs",
                "--response-file",
                dir.join("resp.xml").to_str().unwrap(),
                "--format",
                format,
            ],
            &[],
            None,
        )
    };
    let html = run("html");
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(html.contains("saml/response-attributes-present"), "{html}");
    assert_no_raw_tags(&html, "SAML");
    let controls = raw_controls(html.as_bytes());
    assert!(
        controls.is_empty(),
        "raw controls in the HTML: {controls:?}"
    );
    assert!(
        html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"),
        "shown escaped"
    );
    let human = run("human");
    let controls = raw_controls(&human.stdout);
    assert!(
        controls.is_empty(),
        "raw controls on the terminal: {controls:?}"
    );
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("<script>window.__pwned=1</script>"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
