//! SCIM filter expressions (RFC 7644 §3.4.2.2): parsing and evaluation.
//!
//! The parser knows nothing about schemas; callers validate attribute paths afterwards
//! (see `resource::validate_filter`) so that the same parser serves `/Users`, `/Groups` and
//! PATCH value-path filters. Precedence, lowest first: `or`, `and`, `not`/grouping,
//! comparisons. Attribute names, operators and the literals `true`/`false`/`null` are
//! case-insensitive; string literals are JSON strings, so `\"` and `\\` escape as in JSON.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `[urn:]name[.sub]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// Parse an attribute path; `None` when it is not one.
    pub fn parse(text: &str) -> Option<AttrPath> {
        // `get` rather than `[..4]`: the fourth byte may sit inside a multi-byte character.
        let (urn, rest) = if text.len() > 4
            && text
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
        {
            let idx = text.rfind(':')?;
            (Some(text[..idx].to_string()), &text[idx + 1..])
        } else {
            (None, text)
        };
        let mut parts = rest.split('.');
        let name = parts.next()?;
        let sub = parts.next();
        if parts.next().is_some() || !valid_attr_name(name) {
            return None;
        }
        if let Some(sub) = sub
            && !valid_attr_name(sub)
        {
            return None;
        }
        Some(AttrPath {
            urn,
            name: name.to_string(),
            sub: sub.map(str::to_string),
        })
    }

    pub fn simple(name: &str) -> AttrPath {
        AttrPath {
            urn: None,
            name: name.to_string(),
            sub: None,
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// ATTRNAME = ALPHA *(nameChar); `$ref` is allowed too since it is a real sub-attribute.
fn valid_attr_name(name: &str) -> bool {
    if name == "$ref" {
        return true;
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn parse(word: &str) -> Option<CompareOp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        })
    }

    /// Whether this operator orders values (not allowed on booleans, RFC 7644 §3.4.2.2).
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        )
    }

    /// Whether this operator works on substrings.
    pub fn is_substring(self) -> bool {
        matches!(self, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Present(AttrPath),
    Compare(AttrPath, CompareOp, Value),
    /// `attr[inner]`: some value of the multi-valued `attr` matches `inner`, whose paths are
    /// relative to that value.
    ValuePath(AttrPath, Box<Filter>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError(pub String);

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest filter accepted; a bound so a hostile query cannot make the parser work hard.
pub const MAX_FILTER_LEN: usize = 4096;
/// Deepest nesting of parentheses / `not` accepted, so recursion stays shallow.
const MAX_DEPTH: usize = 32;

/// Parse a complete filter.
pub fn parse(input: &str) -> Result<Filter, FilterError> {
    if input.len() > MAX_FILTER_LEN {
        return Err(FilterError(format!(
            "filter longer than {MAX_FILTER_LEN} characters"
        )));
    }
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err(FilterError("empty filter".into()));
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let f = p.or_expr(false)?;
    match p.peek() {
        None => Ok(f),
        Some(t) => Err(FilterError(format!(
            "unexpected {} after expression",
            t.describe()
        ))),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Word(String),
    Str(String),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::LParen => "'('".into(),
            Token::RParen => "')'".into(),
            Token::LBracket => "'['".into(),
            Token::RBracket => "']'".into(),
            Token::Word(w) => format!("'{w}'"),
            Token::Str(s) => format!("string \"{s}\""),
        }
    }

    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(kw))
    }
}

fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::LParen);
            }
            ')' => {
                chars.next();
                out.push(Token::RParen);
            }
            '[' => {
                chars.next();
                out.push(Token::LBracket);
            }
            ']' => {
                chars.next();
                out.push(Token::RBracket);
            }
            '"' => {
                chars.next();
                out.push(Token::Str(read_string(&mut chars)?));
            }
            _ => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    Ok(out)
}

/// Read a JSON string body after its opening quote.
fn read_string(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<String, FilterError> {
    let mut s = String::new();
    loop {
        let Some((_, c)) = chars.next() else {
            return Err(FilterError("unterminated string literal".into()));
        };
        match c {
            '"' => return Ok(s),
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return Err(FilterError("unterminated escape in string literal".into()));
                };
                match e {
                    '"' => s.push('"'),
                    '\\' => s.push('\\'),
                    '/' => s.push('/'),
                    'b' => s.push('\u{8}'),
                    'f' => s.push('\u{c}'),
                    'n' => s.push('\n'),
                    'r' => s.push('\r'),
                    't' => s.push('\t'),
                    'u' => {
                        let hi = read_hex4(chars)?;
                        let code = if (0xD800..0xDC00).contains(&hi) {
                            // A surrogate pair must follow as `\uDC00`..`\uDFFF`.
                            let (Some((_, '\\')), Some((_, 'u'))) = (chars.next(), chars.next())
                            else {
                                return Err(FilterError("lone surrogate in string literal".into()));
                            };
                            let lo = read_hex4(chars)?;
                            if !(0xDC00..0xE000).contains(&lo) {
                                return Err(FilterError(
                                    "bad surrogate pair in string literal".into(),
                                ));
                            }
                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                        } else {
                            hi
                        };
                        let ch = char::from_u32(code)
                            .ok_or_else(|| FilterError("invalid \\u escape".into()))?;
                        s.push(ch);
                    }
                    other => {
                        return Err(FilterError(format!(
                            "invalid escape '\\{other}' in string literal"
                        )));
                    }
                }
            }
            c => s.push(c),
        }
    }
}

fn read_hex4(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<u32, FilterError> {
    let mut v = 0u32;
    for _ in 0..4 {
        let d = chars
            .next()
            .and_then(|(_, c)| c.to_digit(16))
            .ok_or_else(|| FilterError("invalid \\u escape".into()))?;
        v = v * 16 + d;
    }
    Ok(v)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Token) -> Result<(), FilterError> {
        match self.next() {
            Some(t) if t == want => Ok(()),
            Some(t) => Err(FilterError(format!(
                "expected {} but found {}",
                want.describe(),
                t.describe()
            ))),
            None => Err(FilterError(format!(
                "expected {} at end of filter",
                want.describe()
            ))),
        }
    }

    fn descend(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError("filter nested too deeply".into()));
        }
        Ok(())
    }

    fn or_expr(&mut self, in_brackets: bool) -> Result<Filter, FilterError> {
        let mut left = self.and_expr(in_brackets)?;
        while self.peek().is_some_and(|t| t.is_keyword("or")) {
            self.pos += 1;
            let right = self.and_expr(in_brackets)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self, in_brackets: bool) -> Result<Filter, FilterError> {
        let mut left = self.unary(in_brackets)?;
        while self.peek().is_some_and(|t| t.is_keyword("and")) {
            self.pos += 1;
            let right = self.unary(in_brackets)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, in_brackets: bool) -> Result<Filter, FilterError> {
        let next_is_paren = self.tokens.get(self.pos + 1) == Some(&Token::LParen);
        match self.peek() {
            Some(t) if t.is_keyword("not") && next_is_paren => {
                self.pos += 2;
                self.descend()?;
                let inner = self.or_expr(in_brackets)?;
                self.expect(Token::RParen)?;
                self.depth -= 1;
                Ok(Filter::Not(Box::new(inner)))
            }
            Some(Token::LParen) => {
                self.pos += 1;
                self.descend()?;
                let inner = self.or_expr(in_brackets)?;
                self.expect(Token::RParen)?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Token::Word(_)) => self.attr_expr(in_brackets),
            Some(t) => Err(FilterError(format!(
                "expected an attribute or '(' but found {}",
                t.describe()
            ))),
            None => Err(FilterError(
                "filter ends where an expression was expected".into(),
            )),
        }
    }

    fn attr_expr(&mut self, in_brackets: bool) -> Result<Filter, FilterError> {
        let Some(Token::Word(word)) = self.next() else {
            return Err(FilterError("expected an attribute path".into()));
        };
        let path = AttrPath::parse(&word)
            .ok_or_else(|| FilterError(format!("'{word}' is not a valid attribute path")))?;
        if in_brackets && path.urn.is_some() {
            return Err(FilterError(format!(
                "'{word}': attributes inside [] are relative and take no schema URN"
            )));
        }
        match self.next() {
            Some(Token::LBracket) => {
                if in_brackets {
                    return Err(FilterError("value filters cannot be nested".into()));
                }
                if path.sub.is_some() {
                    return Err(FilterError(format!(
                        "'{word}[': a value filter applies to an attribute, not a sub-attribute"
                    )));
                }
                let inner = self.or_expr(true)?;
                self.expect(Token::RBracket)?;
                Ok(Filter::ValuePath(path, Box::new(inner)))
            }
            Some(Token::Word(op)) if op.eq_ignore_ascii_case("pr") => Ok(Filter::Present(path)),
            Some(Token::Word(op)) => {
                let cmp = CompareOp::parse(&op)
                    .ok_or_else(|| FilterError(format!("unknown operator '{op}'")))?;
                let value = match self.next() {
                    Some(Token::Str(s)) => Value::String(s),
                    Some(Token::Word(w)) => literal(&w)?,
                    Some(t) => {
                        return Err(FilterError(format!(
                            "expected a value after '{op}' but found {}",
                            t.describe()
                        )));
                    }
                    None => return Err(FilterError(format!("missing value after '{op}'"))),
                };
                Ok(Filter::Compare(path, cmp, value))
            }
            Some(t) => Err(FilterError(format!(
                "expected an operator after '{word}' but found {}",
                t.describe()
            ))),
            None => Err(FilterError(format!("missing operator after '{word}'"))),
        }
    }
}

/// `true`, `false`, `null` or a JSON number; anything else must have been quoted.
fn literal(word: &str) -> Result<Value, FilterError> {
    match word.to_ascii_lowercase().as_str() {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        "null" => return Ok(Value::Null),
        _ => {}
    }
    let starts_numeric = word
        .chars()
        .next()
        .is_some_and(|c| c == '-' || c.is_ascii_digit());
    if starts_numeric && let Ok(v @ Value::Number(_)) = serde_json::from_str::<Value>(word) {
        return Ok(v);
    }
    Err(FilterError(format!(
        "'{word}' is not a valid value (strings must be in double quotes)"
    )))
}

/// One attribute reference inside a filter, with paths inside `[]` made absolute.
#[derive(Clone, Debug, PartialEq)]
pub enum Term<'a> {
    /// A comparison (`None` = `pr`) on this absolute path.
    Compare(AttrPath, Option<CompareOp>, Option<&'a Value>),
    /// A value filter applied to this attribute.
    ValuePath(AttrPath),
}

impl Filter {
    /// Every attribute reference, for schema validation by the caller.
    pub fn terms(&self) -> Vec<Term<'_>> {
        let mut out = Vec::new();
        self.collect_terms(None, &mut out);
        out
    }

    fn collect_terms<'a>(&'a self, parent: Option<&AttrPath>, out: &mut Vec<Term<'a>>) {
        match self {
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.collect_terms(parent, out);
                b.collect_terms(parent, out);
            }
            Filter::Not(a) => a.collect_terms(parent, out),
            Filter::Present(p) => out.push(Term::Compare(absolute(parent, p), None, None)),
            Filter::Compare(p, op, v) => {
                out.push(Term::Compare(absolute(parent, p), Some(*op), Some(v)))
            }
            Filter::ValuePath(p, inner) => {
                out.push(Term::ValuePath(p.clone()));
                inner.collect_terms(Some(p), out);
            }
        }
    }

    /// Whether `resource` (a rendered resource, or one value of a multi-valued attribute
    /// when evaluating inside `[]`) matches. `info` says how to compare a leaf attribute.
    pub fn matches(&self, resource: &Value, info: &dyn Fn(&AttrPath) -> LeafInfo) -> bool {
        self.eval(resource, None, info)
    }

    fn eval(
        &self,
        root: &Value,
        parent: Option<&AttrPath>,
        info: &dyn Fn(&AttrPath) -> LeafInfo,
    ) -> bool {
        match self {
            Filter::And(a, b) => a.eval(root, parent, info) && b.eval(root, parent, info),
            Filter::Or(a, b) => a.eval(root, parent, info) || b.eval(root, parent, info),
            Filter::Not(a) => !a.eval(root, parent, info),
            Filter::Present(p) => is_present(root, p),
            Filter::Compare(p, op, expected) => {
                let leaf = info(&absolute(parent, p));
                compare_attr(root, p, *op, expected, leaf)
            }
            Filter::ValuePath(p, inner) => match lookup(root, p) {
                Some(Value::Array(items)) => {
                    items.iter().any(|item| inner.eval(item, Some(p), info))
                }
                Some(item @ Value::Object(_)) => inner.eval(item, Some(p), info),
                _ => false,
            },
        }
    }
}

/// The path of a term inside `parent[...]`, written from the resource root.
fn absolute(parent: Option<&AttrPath>, p: &AttrPath) -> AttrPath {
    match parent {
        None => p.clone(),
        Some(parent) => AttrPath {
            urn: parent.urn.clone(),
            name: parent.name.clone(),
            sub: Some(p.name.clone()),
        },
    }
}

/// How to compare a leaf attribute.
#[derive(Clone, Copy, Debug, Default)]
pub struct LeafInfo {
    pub case_exact: bool,
    pub date_time: bool,
}

/// Case-insensitive member lookup (attribute names are case-insensitive, RFC 7643 §2.1).
pub fn get_ci<'a>(obj: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The object holding `path`'s attribute: the root, or an extension's sub-object.
fn container<'a>(root: &'a Value, path: &AttrPath) -> Option<&'a serde_json::Map<String, Value>> {
    let obj = root.as_object()?;
    match &path.urn {
        None => Some(obj),
        Some(urn) => match get_ci(obj, urn) {
            Some(Value::Object(ext)) => Some(ext),
            Some(_) => None,
            None if urn.to_ascii_lowercase().contains(":core:") => Some(obj),
            None => None,
        },
    }
}

/// The attribute named by `path` (ignoring `sub`).
fn lookup<'a>(root: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    get_ci(container(root, path)?, &path.name)
}

/// Leaf values named by `path`: for a multi-valued complex attribute without a
/// sub-attribute, its `value` sub-attributes (RFC 7644 §3.4.2.2).
fn leaves<'a>(root: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(v) = lookup(root, path) else {
        return Vec::new();
    };
    let pick = |item: &'a Value| -> Option<&'a Value> {
        match (item, &path.sub) {
            (Value::Object(o), Some(sub)) => get_ci(o, sub),
            (Value::Object(o), None) => get_ci(o, "value"),
            (other, None) => Some(other),
            (_, Some(_)) => None,
        }
    };
    let mut out = Vec::new();
    match v {
        Value::Array(items) => {
            for item in items {
                match pick(item) {
                    Some(Value::Array(inner)) => out.extend(inner.iter()),
                    Some(x) => out.push(x),
                    None => {}
                }
            }
        }
        Value::Object(o) => {
            if let Some(sub) = &path.sub
                && let Some(x) = get_ci(o, sub)
            {
                out.push(x);
            }
        }
        other => {
            if path.sub.is_none() {
                out.push(other);
            }
        }
    }
    out
}

fn non_empty(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(non_empty),
        Value::Object(o) => o.values().any(non_empty),
        _ => true,
    }
}

fn is_present(root: &Value, path: &AttrPath) -> bool {
    match &path.sub {
        None => lookup(root, path).is_some_and(non_empty),
        Some(_) => leaves(root, path).into_iter().any(non_empty),
    }
}

fn compare_attr(
    root: &Value,
    path: &AttrPath,
    op: CompareOp,
    expected: &Value,
    leaf: LeafInfo,
) -> bool {
    if expected.is_null() {
        // `attr eq null` reads as "attr has no value" (RFC 7644 §3.4.2.2 lists null literals).
        let present = is_present(root, path);
        return match op {
            CompareOp::Eq => !present,
            CompareOp::Ne => present,
            _ => false,
        };
    }
    let values = leaves(root, path);
    match op {
        CompareOp::Ne => !values.iter().any(|v| leaf_eq(v, expected, leaf)),
        CompareOp::Eq => values.iter().any(|v| leaf_eq(v, expected, leaf)),
        _ => values.iter().any(|v| leaf_cmp(v, op, expected, leaf)),
    }
}

fn fold(s: &str, leaf: LeafInfo) -> String {
    if leaf.case_exact {
        s.to_string()
    } else {
        s.to_lowercase()
    }
}

fn parse_instant(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

fn leaf_eq(actual: &Value, expected: &Value, leaf: LeafInfo) -> bool {
    leaf_order(actual, expected, leaf) == Some(Ordering::Equal)
}

/// Ordering of two leaf values of compatible type; `None` when they do not compare.
fn leaf_order(actual: &Value, expected: &Value, leaf: LeafInfo) -> Option<Ordering> {
    match (actual, expected) {
        (Value::String(a), Value::String(b)) => {
            if leaf.date_time
                && let (Some(x), Some(y)) = (parse_instant(a), parse_instant(b))
            {
                return Some(x.cmp(&y));
            }
            Some(fold(a, leaf).cmp(&fold(b, leaf)))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::Bool(a), Value::Bool(b)) => (a == b).then_some(Ordering::Equal),
        _ => None,
    }
}

fn leaf_cmp(actual: &Value, op: CompareOp, expected: &Value, leaf: LeafInfo) -> bool {
    if op.is_substring() {
        let (Value::String(a), Value::String(b)) = (actual, expected) else {
            return false;
        };
        let (a, b) = (fold(a, leaf), fold(b, leaf));
        return match op {
            CompareOp::Co => a.contains(&b),
            CompareOp::Sw => a.starts_with(&b),
            _ => a.ends_with(&b),
        };
    }
    if matches!(actual, Value::Bool(_)) {
        return false;
    }
    let Some(ord) = leaf_order(actual, expected, leaf) else {
        return false;
    };
    match op {
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> AttrPath {
        AttrPath::parse(s).unwrap()
    }

    fn cmp(path: &str, op: CompareOp, v: Value) -> Filter {
        Filter::Compare(p(path), op, v)
    }

    fn info(path: &AttrPath) -> LeafInfo {
        LeafInfo {
            case_exact: path.name == "externalId" || path.name == "id",
            date_time: path.sub.as_deref() == Some("created"),
        }
    }

    fn m(filter: &str, res: &Value) -> bool {
        parse(filter).unwrap().matches(res, &info)
    }

    fn alice() -> Value {
        json!({
            "id": "abc",
            "userName": "alice@example.com",
            "externalId": "Ext-1",
            "active": true,
            "name": {"givenName": "Alice", "familyName": "Liddell"},
            "emails": [
                {"value": "alice@work.example", "type": "work", "primary": true},
                {"value": "alice@home.example", "type": "home"}
            ],
            "meta": {"created": "2024-01-02T03:04:05Z"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "42"},
            "x": 5
        })
    }

    #[test]
    fn attr_paths() {
        assert_eq!(p("userName"), AttrPath::simple("userName"));
        assert_eq!(p("name.givenName").sub.as_deref(), Some("givenName"));
        let ent = p("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
        assert_eq!(
            ent.urn.as_deref(),
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert_eq!(ent.name, "manager");
        assert_eq!(ent.sub.as_deref(), Some("value"));
        assert_eq!(p("members.$ref").sub.as_deref(), Some("$ref"));
        assert!(AttrPath::parse("a.b.c").is_none());
        assert!(AttrPath::parse("1abc").is_none());
        assert!(AttrPath::parse("").is_none());
        assert!(AttrPath::parse("emails[").is_none());
        assert_eq!(
            ent.to_string(),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
        );
    }

    #[test]
    fn simple_comparison_and_case_insensitive_keywords() {
        assert_eq!(
            parse("userName eq \"bob\"").unwrap(),
            cmp("userName", CompareOp::Eq, json!("bob"))
        );
        assert_eq!(
            parse("USERNAME EQ \"bob\"").unwrap(),
            cmp("USERNAME", CompareOp::Eq, json!("bob"))
        );
        assert_eq!(parse("title pr").unwrap(), Filter::Present(p("title")));
        assert_eq!(parse("x gt 5").unwrap(), cmp("x", CompareOp::Gt, json!(5)));
        assert_eq!(
            parse("active eq TRUE").unwrap(),
            cmp("active", CompareOp::Eq, json!(true))
        );
        assert_eq!(
            parse("title eq null").unwrap(),
            cmp("title", CompareOp::Eq, Value::Null)
        );
    }

    #[test]
    fn precedence_and_over_or_and_not_grouping() {
        let f = parse("a eq \"1\" or b eq \"2\" and c eq \"3\"").unwrap();
        let expected = Filter::Or(
            Box::new(cmp("a", CompareOp::Eq, json!("1"))),
            Box::new(Filter::And(
                Box::new(cmp("b", CompareOp::Eq, json!("2"))),
                Box::new(cmp("c", CompareOp::Eq, json!("3"))),
            )),
        );
        assert_eq!(f, expected);

        let g = parse("(a eq \"1\" or b eq \"2\") and not (c pr)").unwrap();
        let expected = Filter::And(
            Box::new(Filter::Or(
                Box::new(cmp("a", CompareOp::Eq, json!("1"))),
                Box::new(cmp("b", CompareOp::Eq, json!("2"))),
            )),
            Box::new(Filter::Not(Box::new(Filter::Present(p("c"))))),
        );
        assert_eq!(g, expected);

        // and/or chains are left-associative
        let h = parse("a pr and b pr and c pr").unwrap();
        assert!(matches!(h, Filter::And(ref l, _) if matches!(**l, Filter::And(_, _))));
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            parse(r#"displayName eq "say \"hi\" \\ back\/slash \u00e9""#).unwrap(),
            cmp(
                "displayName",
                CompareOp::Eq,
                json!("say \"hi\" \\ back/slash é")
            )
        );
        assert_eq!(
            parse(r#"displayName eq "\ud83d\ude00""#).unwrap(),
            cmp("displayName", CompareOp::Eq, json!("😀"))
        );
        assert!(parse(r#"displayName eq "unterminated"#).is_err());
        assert!(parse(r#"displayName eq "bad \q escape""#).is_err());
        assert!(parse(r#"displayName eq "\ud83d""#).is_err());
        // an escaped quote does not end the string, so parentheses inside stay literal
        let f = parse(r#"(displayName eq "a\")b")"#).unwrap();
        assert_eq!(f, cmp("displayName", CompareOp::Eq, json!("a\")b")));
    }

    #[test]
    fn value_paths() {
        let f = parse("emails[type eq \"work\" and value co \"@\"]").unwrap();
        assert!(matches!(f, Filter::ValuePath(ref a, _) if a.name == "emails"));
        assert!(parse("emails[type eq \"work\"] and userName pr").is_ok());
        assert!(parse("emails[type[x eq \"y\"]]").is_err());
        assert!(parse("emails[urn:x:y eq \"1\"]").is_err());
        let terms = f.terms();
        assert_eq!(terms[0], Term::ValuePath(p("emails")));
        assert!(
            matches!(&terms[1], Term::Compare(path, Some(CompareOp::Eq), _) if path == &p("emails.type"))
        );
    }

    #[test]
    fn malformed_filters() {
        for bad in [
            "",
            "userName",
            "userName eq",
            "userName zz \"x\"",
            "userName eq alice",
            "userName eq \"a\" and",
            "(userName eq \"a\"",
            "userName eq \"a\")",
            "emails[type eq \"work\"",
            "not userName eq \"a\"",
            "and eq \"x\" or",
            "eq \"x\"",
            "1bad eq \"x\"",
            "userName eq \"a\" userName eq \"b\"",
        ] {
            assert!(parse(bad).is_err(), "should reject: {bad:?}");
        }
        let deep = format!("{}a pr{}", "(".repeat(100), ")".repeat(100));
        assert!(parse(&deep).is_err());
        assert!(parse(&"a".repeat(MAX_FILTER_LEN + 1)).is_err());
    }

    #[test]
    fn evaluation() {
        let u = alice();
        assert!(m("userName eq \"ALICE@example.com\"", &u));
        assert!(m("username EQ \"alice@example.com\"", &u));
        assert!(!m("userName eq \"bob@example.com\"", &u));
        assert!(m("userName ne \"bob@example.com\"", &u));
        assert!(m("externalId eq \"Ext-1\"", &u));
        assert!(!m("externalId eq \"ext-1\"", &u), "externalId is caseExact");
        assert!(m("userName sw \"ALI\" and userName ew \".COM\"", &u));
        assert!(m("userName co \"@EXAMPLE\"", &u));
        assert!(m("name.givenName eq \"alice\"", &u));
        assert!(m("emails.value eq \"alice@home.example\"", &u));
        assert!(
            m("emails eq \"alice@home.example\"", &u),
            "complex multi-valued compares value"
        );
        assert!(m("emails[type eq \"work\" and value co \"work\"]", &u));
        assert!(!m("emails[type eq \"work\" and value co \"home\"]", &u));
        assert!(m("emails[primary eq true]", &u));
        assert!(m("active eq true", &u));
        assert!(!m("active eq false", &u));
        assert!(m("title eq null", &u));
        assert!(m("title ne \"x\"", &u));
        assert!(m("not (title pr) and name pr", &u));
        assert!(m("x gt 4 and x ge 5 and x lt 6 and x le 5", &u));
        assert!(!m("x gt 5", &u));
        assert!(m("meta.created gt \"2024-01-02T02:04:05Z\"", &u));
        assert!(m(
            "meta.created lt \"2024-01-02T04:04:06+01:00\" or x eq 1",
            &u
        ));
        assert!(m(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"42\"",
            &u
        ));
        assert!(m(
            "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"alice@example.com\"",
            &u
        ));
        assert!(m(
            "userName eq \"nobody\" or (active eq true and not (x eq 4))",
            &u
        ));
        assert!(!m("active gt true", &u), "booleans do not order");
    }
}
