//! Exclusive XML Canonicalization 1.0 without comments
//! (<http://www.w3.org/2001/10/xml-exc-c14n#>), over a roxmltree subtree, optionally leaving
//! out one descendant (the enveloped `ds:Signature`).
//!
//! roxmltree keeps no prefixes for elements, so the prefix is read from the source text at the
//! element's position; attribute prefixes come from their qualified-name range.
//!
//! Output goes to a [`C14nSink`]: a `String` when the bytes are needed (SignedInfo), or a
//! digest context when only their hash is (a signed metadata file of several MiB is then
//! hashed as it is canonicalised, never copied whole).

use roxmltree::{Node, NodeId};

/// Where canonical text goes.
pub trait C14nSink {
    fn put(&mut self, text: &str);
}

impl C14nSink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl C14nSink for ring::digest::Context {
    fn put(&mut self, text: &str) {
        self.update(text.as_bytes());
    }
}

/// Canonical bytes of `apex` and its subtree, skipping `exclude` (and its subtree).
/// `inclusive` is the InclusiveNamespaces PrefixList (`#default` for the default namespace).
pub fn canonicalize(apex: Node<'_, '_>, exclude: Option<NodeId>, inclusive: &[String]) -> String {
    let mut out = String::new();
    canonicalize_into(apex, exclude, inclusive, &mut out);
    out
}

/// Like [`canonicalize`], writing into `out` piece by piece.
pub fn canonicalize_into(
    apex: Node<'_, '_>,
    exclude: Option<NodeId>,
    inclusive: &[String],
    out: &mut dyn C14nSink,
) {
    element(apex, exclude, inclusive, &[], out);
}

/// The prefix an element was written with (`None` for an unprefixed name).
fn element_prefix<'i>(node: Node<'_, 'i>) -> Option<&'i str> {
    let src = node.document().input_text();
    let start = node.range().start + 1;
    let rest = &src[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    rest[..end].split_once(':').map(|(p, _)| p)
}

fn qualified(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_string(),
    }
}

/// (prefix or "" for default, uri) pairs rendered by output ancestors.
type Rendered = Vec<(String, String)>;

fn element(
    node: Node<'_, '_>,
    exclude: Option<NodeId>,
    inclusive: &[String],
    rendered: &[(String, String)],
    out: &mut dyn C14nSink,
) {
    let src = node.document().input_text();
    let prefix = element_prefix(node);
    let name = qualified(prefix, node.tag_name().name());

    // Attributes: (namespace uri or "", local name, qualified name, value).
    let mut attrs: Vec<(String, String, String, String)> = node
        .attributes()
        .map(|a| {
            let qname = &src[a.range_qname()];
            (
                a.namespace().unwrap_or("").to_string(),
                a.name().to_string(),
                qname.to_string(),
                a.value().to_string(),
            )
        })
        .collect();
    attrs.sort_by(|x, y| (x.0.as_str(), x.1.as_str()).cmp(&(y.0.as_str(), y.1.as_str())));

    // Visibly utilised prefixes: the element's own, and those of prefixed attributes.
    let mut used: Vec<String> = vec![prefix.unwrap_or("").to_string()];
    for (_, _, qname, _) in &attrs {
        if let Some((p, _)) = qname.split_once(':')
            && p != "xml"
            && !used.iter().any(|u| u == p)
        {
            used.push(p.to_string());
        }
    }
    for p in inclusive {
        let p = if p == "#default" {
            String::new()
        } else {
            p.clone()
        };
        if !used.contains(&p) {
            used.push(p);
        }
    }

    let mut decls: Vec<(String, String)> = Vec::new();
    for p in &used {
        let uri = node
            .lookup_namespace_uri(if p.is_empty() { None } else { Some(p.as_str()) })
            .unwrap_or("");
        if p == "xml" {
            continue;
        }
        let previous = rendered
            .iter()
            .rev()
            .find(|(rp, _)| rp == p)
            .map(|(_, u)| u.as_str());
        let needed = match previous {
            Some(prev) => prev != uri,
            // An empty default namespace needs no declaration unless an ancestor set one.
            None => !uri.is_empty(),
        };
        if needed {
            decls.push((p.clone(), uri.to_string()));
        }
    }
    decls.sort();

    out.put("<");
    out.put(&name);
    for (p, uri) in &decls {
        if p.is_empty() {
            out.put(" xmlns=\"");
        } else {
            out.put(" xmlns:");
            out.put(p);
            out.put("=\"");
        }
        escape_attr(uri, out);
        out.put("\"");
    }
    for (_, _, qname, value) in &attrs {
        out.put(" ");
        out.put(qname);
        out.put("=\"");
        escape_attr(value, out);
        out.put("\"");
    }
    out.put(">");

    let mut now_rendered: Rendered = rendered.to_vec();
    now_rendered.extend(decls);
    for child in node.children() {
        if Some(child.id()) == exclude {
            continue;
        }
        if child.is_element() {
            element(child, exclude, inclusive, &now_rendered, out);
        } else if child.is_text() {
            escape_text(child.text().unwrap_or(""), out);
        } else if let Some(pi) = child.pi() {
            out.put("<?");
            out.put(pi.target);
            if let Some(v) = pi.value {
                out.put(" ");
                out.put(v);
            }
            out.put("?>");
        }
    }
    out.put("</");
    out.put(&name);
    out.put(">");
}

/// Write `s`, replacing each character `replace` maps; unmapped runs go out as slices.
fn escape(s: &str, replace: fn(char) -> Option<&'static str>, out: &mut dyn C14nSink) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if let Some(r) = replace(c) {
            out.put(&s[start..i]);
            out.put(r);
            start = i + c.len_utf8();
        }
    }
    out.put(&s[start..]);
}

fn escape_text(s: &str, out: &mut dyn C14nSink) {
    escape(
        s,
        |c| match c {
            '&' => Some("&amp;"),
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            '\r' => Some("&#xD;"),
            _ => None,
        },
        out,
    );
}

fn escape_attr(s: &str, out: &mut dyn C14nSink) {
    escape(
        s,
        |c| match c {
            '&' => Some("&amp;"),
            '<' => Some("&lt;"),
            '"' => Some("&quot;"),
            '\t' => Some("&#x9;"),
            '\n' => Some("&#xA;"),
            '\r' => Some("&#xD;"),
            _ => None,
        },
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(xml: &str, path: &[&str]) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let mut node = doc.root_element();
        for name in path {
            node = node
                .children()
                .find(|n| n.is_element() && n.tag_name().name() == *name)
                .unwrap();
        }
        canonicalize(node, None, &[])
    }

    #[test]
    fn renders_only_visibly_used_namespaces_sorted() {
        let xml = r#"<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:z="urn:z"><b:x   z:k="1" id='v&amp;"' a:j="2">t&gt;&amp;<c/></b:x></a:r>"#;
        assert_eq!(
            c(xml, &["x"]),
            r#"<b:x xmlns:a="urn:a" xmlns:b="urn:b" xmlns:z="urn:z" id="v&amp;&quot;" a:j="2" z:k="1">t&gt;&amp;<c></c></b:x>"#
        );
        assert_eq!(
            c(xml, &[]),
            r#"<a:r xmlns:a="urn:a"><b:x xmlns:b="urn:b" xmlns:z="urn:z" id="v&amp;&quot;" a:j="2" z:k="1">t&gt;&amp;<c></c></b:x></a:r>"#
        );
    }

    #[test]
    fn default_namespace_and_undeclaration() {
        let xml = r#"<r xmlns="urn:d"><s xmlns=""><t/></s></r>"#;
        assert_eq!(
            c(xml, &[]),
            r#"<r xmlns="urn:d"><s xmlns=""><t></t></s></r>"#
        );
        assert_eq!(c(xml, &["s"]), r#"<s><t></t></s>"#);
        let xml2 = "<r xmlns=\"urn:d\"><!-- c --><?pi x?>\r\n<s a=\"1\t2\"/></r>";
        assert_eq!(
            c(xml2, &[]),
            "<r xmlns=\"urn:d\"><?pi x?>\n<s a=\"1 2\"></s></r>"
        );
    }
}
