//! Exclusive XML Canonicalization 1.0 without comments
//! (<http://www.w3.org/2001/10/xml-exc-c14n#>), over a roxmltree subtree, optionally leaving
//! out one descendant (the enveloped `ds:Signature`).
//!
//! roxmltree keeps no prefixes for elements, so the prefix is read from the source text at the
//! element's position; attribute prefixes come from their qualified-name range.

use roxmltree::{Node, NodeId};

/// Canonical bytes of `apex` and its subtree, skipping `exclude` (and its subtree).
/// `inclusive` is the InclusiveNamespaces PrefixList (`#default` for the default namespace).
pub fn canonicalize(apex: Node<'_, '_>, exclude: Option<NodeId>, inclusive: &[String]) -> String {
    let mut out = String::new();
    element(apex, exclude, inclusive, &[], &mut out);
    out
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
    out: &mut String,
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

    out.push('<');
    out.push_str(&name);
    for (p, uri) in &decls {
        if p.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(p);
            out.push_str("=\"");
        }
        escape_attr(uri, out);
        out.push('"');
    }
    for (_, _, qname, value) in &attrs {
        out.push(' ');
        out.push_str(qname);
        out.push_str("=\"");
        escape_attr(value, out);
        out.push('"');
    }
    out.push('>');

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
            out.push_str("<?");
            out.push_str(pi.target);
            if let Some(v) = pi.value {
                out.push(' ');
                out.push_str(v);
            }
            out.push_str("?>");
        }
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(c),
        }
    }
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(c),
        }
    }
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
