//! PATCH (RFC 7644 §3.5.2) applied to a stored record's attributes.
//!
//! Besides the RFC shapes this accepts what real IdPs send: capitalised ops (`Replace`),
//! `"True"`/`"False"` strings for booleans, pathless values whose keys are dotted or
//! URN-prefixed paths, and Entra's `remove` of `members` with a `value` array. The caller
//! applies it to a copy and only stores the result when every operation succeeded, which
//! makes a PATCH request atomic.

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::filter::{self, AttrPath, CompareOp, Filter, LeafInfo, Term, get_ci};
use crate::normalize::{
    WriteOpts, check_strict, check_strict_sub, normalize_single, normalize_value,
};
use crate::schema::{
    AttrDef, AttrType, COMMON_ATTRS, Container, Kind, Mutability, PATCH_OP, resolve,
};

/// Most operations accepted in one request.
pub const MAX_OPERATIONS: usize = 1000;

#[derive(Clone, Copy, Debug, Default)]
pub struct PatchOpts {
    pub write: WriteOpts,
    /// `patch-op-case-sensitive`: only lower-case op names.
    pub op_case_sensitive: bool,
    /// `patch-pathless-rejected`: every op needs a `path`.
    pub pathless_rejected: bool,
    /// `members-patch-ignored`: operations on a Group's `members` are skipped.
    pub skip_members: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Replace,
}

/// A parsed `path`: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    pub sub_after_filter: Option<String>,
}

/// Parse a PATCH `path` (RFC 7644 §3.5.2 `PATH` rule). `None` when malformed.
pub fn parse_path(text: &str) -> Option<PatchPath> {
    let text = text.trim();
    let Some(open) = text.find('[') else {
        return Some(PatchPath {
            attr: AttrPath::parse(text)?,
            filter: None,
            sub_after_filter: None,
        });
    };
    let attr = AttrPath::parse(&text[..open])?;
    if attr.sub.is_some() {
        return None;
    }
    // Find the closing bracket, skipping string literals (which may contain `]`).
    let mut in_string = false;
    let mut escaped = false;
    let mut close = None;
    for (i, c) in text[open + 1..].char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ']' {
            close = Some(open + 1 + i);
            break;
        }
    }
    let close = close?;
    let inner = filter::parse(&text[open + 1..close]).ok()?;
    if inner
        .terms()
        .iter()
        .any(|t| matches!(t, Term::ValuePath(_)))
    {
        return None;
    }
    let rest = &text[close + 1..];
    let sub_after_filter = if rest.is_empty() {
        None
    } else {
        let sub = rest.strip_prefix('.')?;
        AttrPath::parse(sub).filter(|p| p.urn.is_none() && p.sub.is_none())?;
        Some(sub.to_string())
    };
    Some(PatchPath {
        attr,
        filter: Some(inner),
        sub_after_filter,
    })
}

/// Apply a PatchOp request body to `attrs`.
pub fn apply(
    kind: Kind,
    attrs: &mut Map<String, Value>,
    body: &Value,
    opts: &PatchOpts,
) -> Result<(), ScimError> {
    let Some(body) = body.as_object() else {
        return Err(ScimError::invalid_syntax(
            "PATCH body must be a JSON object",
        ));
    };
    let has_schema = match get_ci(body, "schemas") {
        Some(Value::Array(s)) => s
            .iter()
            .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(PATCH_OP))),
        _ => false,
    };
    if !has_schema {
        return Err(ScimError::invalid_syntax(format!(
            "PATCH body must list \"{PATCH_OP}\" in schemas"
        )));
    }
    let ops = match get_ci(body, "Operations") {
        Some(Value::Array(ops)) if !ops.is_empty() => ops,
        _ => {
            return Err(ScimError::invalid_syntax(
                "PATCH body needs a non-empty Operations array",
            ));
        }
    };
    if ops.len() > MAX_OPERATIONS {
        return Err(ScimError::invalid_syntax(format!(
            "at most {MAX_OPERATIONS} operations per request"
        )));
    }
    for op in ops {
        apply_one(kind, attrs, op, opts)?;
    }
    Ok(())
}

fn parse_op(text: &str, opts: &PatchOpts) -> Option<Op> {
    let matches = |name: &str| {
        if opts.op_case_sensitive {
            text == name
        } else {
            text.eq_ignore_ascii_case(name)
        }
    };
    if matches("add") {
        Some(Op::Add)
    } else if matches("remove") {
        Some(Op::Remove)
    } else if matches("replace") {
        Some(Op::Replace)
    } else {
        None
    }
}

fn apply_one(
    kind: Kind,
    attrs: &mut Map<String, Value>,
    op: &Value,
    opts: &PatchOpts,
) -> Result<(), ScimError> {
    let Some(op_obj) = op.as_object() else {
        return Err(ScimError::invalid_syntax(
            "each operation must be a JSON object",
        ));
    };
    let op_text = get_ci(op_obj, "op").and_then(Value::as_str).unwrap_or("");
    let op = parse_op(op_text, opts).ok_or_else(|| {
        ScimError::invalid_syntax(format!(
            "unsupported op \"{op_text}\"; expected add, remove or replace"
        ))
    })?;
    let path = match get_ci(op_obj, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p.trim().is_empty() => None,
        Some(Value::String(p)) => Some(p.as_str()),
        Some(_) => return Err(ScimError::invalid_path("path must be a string")),
    };
    let value = get_ci(op_obj, "value").filter(|v| !v.is_null());
    let Some(path) = path else {
        if op == Op::Remove {
            return Err(ScimError::no_target("remove needs a path"));
        }
        if opts.pathless_rejected {
            return Err(ScimError::invalid_path(
                "this server requires a path on every operation",
            ));
        }
        return apply_pathless(kind, attrs, op, value, opts);
    };
    // A bare extension URN addresses the whole extension object.
    if let Some((urn, defs)) = kind.extension(path) {
        if op == Op::Remove {
            if opts.write.strict {
                return Err(ScimError::invalid_value(format!(
                    "attribute {urn} is not supported"
                )));
            }
            attrs.remove(urn);
            return Ok(());
        }
        let obj = value.and_then(Value::as_object).ok_or_else(|| {
            ScimError::invalid_value(format!("value for {urn} must be an object"))
        })?;
        for (k, v) in obj {
            if let Some(def) = crate::schema::find_attr(defs, k) {
                let p = PatchPath {
                    attr: AttrPath {
                        urn: Some(urn.to_string()),
                        name: def.name.to_string(),
                        sub: None,
                    },
                    filter: None,
                    sub_after_filter: None,
                };
                apply_path(kind, attrs, op, &p, Some(v), opts, true)?;
            }
        }
        return Ok(());
    }
    let parsed = parse_path(path)
        .ok_or_else(|| ScimError::invalid_path(format!("malformed path \"{path}\"")))?;
    apply_path(kind, attrs, op, &parsed, value, opts, false)
}

/// add/replace without `path`: `value` is an object whose keys are attribute names, dotted
/// paths (`name.givenName`) or URN-prefixed paths, or extension URNs holding an object.
fn apply_pathless(
    kind: Kind,
    attrs: &mut Map<String, Value>,
    op: Op,
    value: Option<&Value>,
    opts: &PatchOpts,
) -> Result<(), ScimError> {
    let Some(obj) = value.and_then(Value::as_object) else {
        return Err(ScimError::invalid_value(
            "an operation without path needs an object value",
        ));
    };
    for (key, v) in obj {
        if ["schemas", "id", "meta"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        if let Some((urn, defs)) = kind.extension(key) {
            if opts.write.strict {
                return Err(ScimError::invalid_value(format!(
                    "attribute {urn} is not supported"
                )));
            }
            let Some(ext) = v.as_object() else {
                return Err(ScimError::invalid_value(format!("{urn} must be an object")));
            };
            for (k, ev) in ext {
                let Some(def) = crate::schema::find_attr(defs, k) else {
                    continue;
                };
                let p = PatchPath {
                    attr: AttrPath {
                        urn: Some(urn.to_string()),
                        name: def.name.to_string(),
                        sub: None,
                    },
                    filter: None,
                    sub_after_filter: None,
                };
                apply_path(kind, attrs, op, &p, Some(ev), opts, true)?;
            }
            continue;
        }
        let attr = AttrPath::parse(key).ok_or_else(|| {
            ScimError::invalid_path(format!("\"{key}\" is not an attribute path"))
        })?;
        let p = PatchPath {
            attr,
            filter: None,
            sub_after_filter: None,
        };
        apply_path(kind, attrs, op, &p, Some(v), opts, true)?;
    }
    Ok(())
}

/// Resolve a PATCH path's attribute. An unprefixed name that is not a core attribute is
/// looked up in the extensions too, since Entra sends `path: "manager"` for the enterprise
/// `manager`.
fn resolve_lenient(kind: Kind, attr: &AttrPath) -> Option<(Container, &'static AttrDef)> {
    resolve(kind, attr.urn.as_deref(), &attr.name).or_else(|| {
        if attr.urn.is_some() {
            return None;
        }
        kind.extensions().iter().find_map(|(urn, defs)| {
            crate::schema::find_attr(defs, &attr.name).map(|d| (Container::Extension(urn), d))
        })
    })
}

/// The attribute name a required-attribute check protects.
fn required_name(kind: Kind) -> &'static str {
    match kind {
        Kind::User => "userName",
        Kind::Group => "displayName",
    }
}

fn apply_path(
    kind: Kind,
    attrs: &mut Map<String, Value>,
    op: Op,
    path: &PatchPath,
    value: Option<&Value>,
    opts: &PatchOpts,
    pathless: bool,
) -> Result<(), ScimError> {
    let Some((container, def)) = resolve_lenient(kind, &path.attr) else {
        if opts.write.strict {
            return Err(ScimError::invalid_value(format!(
                "attribute {} is not supported",
                path.attr
            )));
        }
        // Unknown attributes are ignored, as in POST and PUT.
        return Ok(());
    };
    if kind == Kind::Group && def.name == "members" && opts.skip_members {
        return Ok(());
    }
    let is_common = COMMON_ATTRS.iter().any(|c| std::ptr::eq(c, def));
    if is_common || def.mutability == Mutability::ReadOnly {
        if pathless {
            return Ok(());
        }
        return Err(ScimError::mutability(format!(
            "attribute {} is read-only",
            def.name
        )));
    }
    check_strict(container, def, &opts.write)?;
    let sub_name = path
        .attr
        .sub
        .as_deref()
        .or(path.sub_after_filter.as_deref());
    let sub_def = match sub_name {
        None => None,
        Some(s) => {
            check_strict_sub(def, s, &opts.write)?;
            match def.find_sub(s) {
                Some(d) if d.mutability == Mutability::ReadOnly && !pathless => {
                    return Err(ScimError::mutability(format!(
                        "attribute {}.{} is read-only",
                        def.name, d.name
                    )));
                }
                Some(d) if d.mutability == Mutability::ReadOnly => return Ok(()),
                Some(d) => Some(d),
                None if path.filter.is_some() => {
                    return Err(ScimError::invalid_path(format!(
                        "{} has no sub-attribute {s}",
                        def.name
                    )));
                }
                // Unknown sub-attribute without a filter: ignored like unknown attributes.
                None => return Ok(()),
            }
        }
    };
    if op == Op::Remove
        && container == Container::Core
        && sub_name.is_none()
        && path.filter.is_none()
        && value.is_none()
        && def.name == required_name(kind)
    {
        return Err(ScimError::mutability(format!(
            "attribute {} is required and cannot be removed",
            def.name
        )));
    }
    if op != Op::Remove && value.is_none() {
        return Err(ScimError::invalid_value("add and replace need a value"));
    }

    // Locate the object holding the attribute, creating an extension object on demand.
    let holder: &mut Map<String, Value> = match container {
        Container::Core => attrs,
        Container::Extension(urn) => {
            if op == Op::Remove && !attrs.contains_key(urn) {
                return Ok(());
            }
            let entry = attrs
                .entry(urn.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            entry.as_object_mut().expect("just made an object")
        }
    };
    let w = WriteOpts {
        wrap_single: true,
        ..opts.write
    };
    let result = match &path.filter {
        Some(f) => apply_filtered(holder, def, f, sub_def, op, value, &w),
        None => match sub_def {
            Some(sd) => apply_sub(holder, def, sd, op, value, &w),
            None => apply_whole(holder, def, op, value, &w),
        },
    };
    if let Container::Extension(urn) = container
        && attrs
            .get(urn)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    {
        attrs.remove(urn);
    }
    result
}

/// The stored key for `def` in `holder`, whatever case it was stored under.
fn stored_key(holder: &Map<String, Value>, def: &AttrDef) -> String {
    holder
        .keys()
        .find(|k| k.eq_ignore_ascii_case(def.name))
        .cloned()
        .unwrap_or_else(|| def.name.to_string())
}

/// Operation on a whole attribute (`path` is just its name).
fn apply_whole(
    holder: &mut Map<String, Value>,
    def: &AttrDef,
    op: Op,
    value: Option<&Value>,
    w: &WriteOpts,
) -> Result<(), ScimError> {
    let key = stored_key(holder, def);
    if op == Op::Remove {
        match value {
            // Entra removes members as `{"op":"Remove","path":"members","value":[{"value":id}]}`.
            Some(v) if def.multi => {
                let victims: Vec<&Value> = match v {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                if let Some(Value::Array(items)) = holder.get_mut(&key) {
                    items.retain(|item| !victims.iter().any(|victim| same_value(item, victim)));
                    if items.is_empty() {
                        holder.remove(&key);
                    }
                }
            }
            _ => {
                holder.remove(&key);
            }
        }
        return Ok(());
    }
    let v = value.expect("checked by caller");
    // A single-valued attribute sent as a one-element array (Entra's manager) is unwrapped.
    let v = if def.multi { v } else { first_of(v) };
    let nv = normalize_value(def, v, w, def.name)?;
    match (op, nv) {
        (Op::Replace, None) => {
            holder.remove(&key);
        }
        (Op::Add | Op::Remove, None) => {}
        (op, Some(Value::Array(new_items))) if def.multi => {
            let mut items = match (op, holder.remove(&key)) {
                (Op::Add, Some(Value::Array(existing))) => existing,
                _ => Vec::new(),
            };
            let mut touched = Vec::new();
            for item in new_items {
                match items.iter().position(|e| e == &item) {
                    Some(i) => touched.push(i),
                    None => {
                        items.push(item);
                        touched.push(items.len() - 1);
                    }
                }
            }
            one_primary(&mut items, &touched);
            holder.insert(key, Value::Array(items));
        }
        (_, Some(Value::Object(new_obj))) if def.ty == AttrType::Complex => {
            // Single-valued complex: listed sub-attributes replace, the rest stay (§3.5.2.1/.3).
            let slot = holder
                .entry(key)
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let obj = slot.as_object_mut().expect("just made an object");
            for (k, v) in new_obj {
                obj.insert(k, v);
            }
        }
        (_, Some(simple)) => {
            holder.insert(key, simple);
        }
    }
    Ok(())
}

/// Operation on `attr.sub` without a filter.
fn apply_sub(
    holder: &mut Map<String, Value>,
    def: &AttrDef,
    sub: &AttrDef,
    op: Op,
    value: Option<&Value>,
    w: &WriteOpts,
) -> Result<(), ScimError> {
    let key = stored_key(holder, def);
    let label = format!("{}.{}", def.name, sub.name);
    let nv = match (op, value) {
        (Op::Remove, _) => None,
        (_, Some(v)) => normalize_single(sub, v, w, &label)?,
        (_, None) => None,
    };
    if def.multi {
        // No filter: the sub-attribute of every value (RFC 7644 §3.5.2.3 for replace).
        let Some(Value::Array(items)) = holder.get_mut(&key) else {
            if let (Op::Add | Op::Replace, Some(nv)) = (op, nv) {
                let mut obj = Map::new();
                obj.insert(sub.name.to_string(), nv);
                holder.insert(key, Value::Array(vec![Value::Object(obj)]));
            }
            return Ok(());
        };
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            set_or_remove(item, sub.name, nv.clone());
        }
        items.retain(|i| i.as_object().is_none_or(|o| !o.is_empty()));
        if items.is_empty() {
            holder.remove(&key);
        }
        return Ok(());
    }
    if op == Op::Remove && !holder.contains_key(&key) {
        return Ok(());
    }
    let slot = holder
        .entry(key.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    let obj = slot.as_object_mut().expect("just made an object");
    set_or_remove(obj, sub.name, nv);
    if obj.is_empty() {
        holder.remove(&key);
    }
    Ok(())
}

/// Operation on `attr[filter]` or `attr[filter].sub`.
fn apply_filtered(
    holder: &mut Map<String, Value>,
    def: &AttrDef,
    filter: &Filter,
    sub: Option<&AttrDef>,
    op: Op,
    value: Option<&Value>,
    w: &WriteOpts,
) -> Result<(), ScimError> {
    if !def.multi || def.ty != AttrType::Complex {
        return Err(ScimError::invalid_path(format!(
            "{} is not a multi-valued complex attribute; a [filter] does not apply",
            def.name
        )));
    }
    for term in filter.terms() {
        if let Term::Compare(p, _, _) = term
            && (p.sub.is_some() || def.find_sub(&p.name).is_none())
        {
            return Err(ScimError::invalid_path(format!(
                "{} has no sub-attribute {}",
                def.name, p
            )));
        }
    }
    let info = |p: &AttrPath| {
        let d = def.find_sub(&p.name);
        LeafInfo {
            case_exact: d.is_some_and(|d| d.case_exact),
            date_time: d.is_some_and(|d| d.ty == AttrType::DateTime),
        }
    };
    let key = stored_key(holder, def);
    let mut items = match holder.remove(&key) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let matching: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| filter.matches(item, &info))
        .map(|(i, _)| i)
        .collect();
    let restore = |holder: &mut Map<String, Value>, items: Vec<Value>| {
        if !items.is_empty() {
            holder.insert(key.clone(), Value::Array(items));
        }
    };
    if matching.is_empty() {
        // `add` to `emails[type eq "work"].value` when there is no work email yet creates one
        // from the filter's equality terms, which is what clients mean by it.
        if let (Op::Add, Some(mut seed)) = (op, seed_from_filter(filter, def)) {
            let v = value.expect("checked by caller");
            match sub {
                Some(sd) => {
                    let label = format!("{}.{}", def.name, sd.name);
                    if let Some(nv) = normalize_single(sd, v, w, &label)? {
                        seed.insert(sd.name.to_string(), nv);
                    }
                }
                None => {
                    if let Some(Value::Object(o)) = normalize_single(def, first_of(v), w, def.name)?
                    {
                        seed.extend(o);
                    }
                }
            }
            items.push(Value::Object(seed));
            let last = items.len() - 1;
            one_primary(&mut items, &[last]);
            restore(holder, items);
            return Ok(());
        }
        restore(holder, items);
        return Err(ScimError::no_target(format!(
            "no value of {} matches the filter",
            def.name
        )));
    }
    let outcome = (|| -> Result<(), ScimError> {
        match (op, sub) {
            (Op::Remove, None) => {
                let mut i = 0;
                items.retain(|_| {
                    let keep = !matching.contains(&i);
                    i += 1;
                    keep
                });
            }
            (Op::Remove, Some(sd)) => {
                for &i in &matching {
                    if let Some(obj) = items[i].as_object_mut() {
                        obj.remove(sd.name);
                    }
                }
                items.retain(|i| i.as_object().is_none_or(|o| !o.is_empty()));
            }
            (_, Some(sd)) => {
                let label = format!("{}.{}", def.name, sd.name);
                let nv = normalize_single(sd, value.expect("checked by caller"), w, &label)?;
                for &i in &matching {
                    if let Some(obj) = items[i].as_object_mut() {
                        set_or_remove(obj, sd.name, nv.clone());
                    }
                }
                one_primary(&mut items, &matching);
            }
            (op, None) => {
                let v = first_of(value.expect("checked by caller"));
                let Some(Value::Object(new_obj)) = normalize_single(def, v, w, def.name)? else {
                    return Err(ScimError::invalid_value(format!(
                        "value for {} must be a non-empty object",
                        def.name
                    )));
                };
                for &i in &matching {
                    if op == Op::Replace {
                        items[i] = Value::Object(new_obj.clone());
                    } else if let Some(obj) = items[i].as_object_mut() {
                        obj.extend(new_obj.clone());
                    }
                }
                one_primary(&mut items, &matching);
            }
        }
        Ok(())
    })();
    restore(holder, items);
    outcome
}

/// A single object given as `[obj]` is accepted where an object is expected.
fn first_of(v: &Value) -> &Value {
    match v {
        Value::Array(a) if a.len() == 1 => &a[0],
        other => other,
    }
}

/// For a filter made only of `sub eq "literal"` terms joined by `and`, the object those
/// terms describe.
fn seed_from_filter(filter: &Filter, def: &AttrDef) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    fn walk(f: &Filter, def: &AttrDef, out: &mut Map<String, Value>) -> bool {
        match f {
            Filter::And(a, b) => walk(a, def, out) && walk(b, def, out),
            Filter::Compare(p, CompareOp::Eq, v) if p.sub.is_none() && !v.is_null() => {
                match def.find_sub(&p.name) {
                    Some(d) => {
                        out.insert(d.name.to_string(), v.clone());
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }
    walk(filter, def, &mut out).then_some(out)
}

fn set_or_remove(obj: &mut Map<String, Value>, name: &str, v: Option<Value>) {
    let key = obj
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_string());
    match v {
        Some(v) => {
            obj.insert(key, v);
        }
        None => {
            obj.remove(&key);
        }
    }
}

/// Two values of a multi-valued attribute are the same if their `value` sub-attributes
/// match (ids compare case-insensitively), or, lacking those, if they are equal.
fn same_value(item: &Value, victim: &Value) -> bool {
    match (item.get("value"), victim.get("value")) {
        (Some(Value::String(a)), Some(Value::String(b))) => a.eq_ignore_ascii_case(b),
        (Some(a), Some(b)) => a == b,
        _ => item == victim,
    }
}

/// If a touched value is now primary, no other value may be (RFC 7643 §2.4).
fn one_primary(items: &mut [Value], touched: &[usize]) {
    let winner = touched
        .iter()
        .rev()
        .copied()
        .find(|&i| items.get(i).and_then(|v| v.get("primary")) == Some(&Value::Bool(true)));
    let Some(winner) = winner else { return };
    for (i, item) in items.iter_mut().enumerate() {
        if i != winner
            && let Some(obj) = item.as_object_mut()
            && obj.get("primary") == Some(&Value::Bool(true))
        {
            obj.insert("primary".into(), Value::Bool(false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    fn opts() -> PatchOpts {
        PatchOpts {
            write: WriteOpts {
                bool_strings: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn user() -> Map<String, Value> {
        json!({
            "userName": "alice",
            "active": true,
            "name": {"givenName": "Alice", "familyName": "L"},
            "emails": [
                {"value": "a@work", "type": "work", "primary": true},
                {"value": "a@home", "type": "home"}
            ]
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn patch(ops: Value) -> Value {
        json!({"schemas": [PATCH_OP], "Operations": ops})
    }

    fn run(attrs: &mut Map<String, Value>, ops: Value) -> Result<(), ScimError> {
        apply(Kind::User, attrs, &patch(ops), &opts())
    }

    #[test]
    fn paths() {
        let p = parse_path("emails[type eq \"work\"].value").unwrap();
        assert_eq!(p.attr.name, "emails");
        assert!(p.filter.is_some());
        assert_eq!(p.sub_after_filter.as_deref(), Some("value"));
        let p = parse_path("members[value eq \"a]b\"]").unwrap();
        assert!(p.sub_after_filter.is_none());
        assert!(parse_path(&format!("{ENT}:manager.value")).is_some());
        for bad in [
            "emails[[",
            "emails[type eq \"work\"",
            "emails[type eq \"x\"]x",
            "a.b.c",
            "",
            "emails[type eq]",
        ] {
            assert!(parse_path(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn entra_replace_with_string_false() {
        let mut u = user();
        run(
            &mut u,
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
        )
        .unwrap();
        assert_eq!(u["active"], false);
    }

    #[test]
    fn pathless_dotted_and_urn_keys() {
        let mut u = user();
        run(
            &mut u,
            json!([{"op": "replace", "value": {
                "displayName": "Al", "name.givenName": "Alicia",
                format!("{ENT}:employeeNumber"): "42", "id": "ignored", "active": false
            }}]),
        )
        .unwrap();
        assert_eq!(u["displayName"], "Al");
        assert_eq!(u["name"], json!({"givenName": "Alicia", "familyName": "L"}));
        assert_eq!(u[ENT]["employeeNumber"], "42");
        assert_eq!(u["active"], false);
        assert!(u.get("id").is_none());
    }

    #[test]
    fn filtered_paths() {
        let mut u = user();
        run(&mut u, json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@work"}])).unwrap();
        assert_eq!(u["emails"][0]["value"], "new@work");
        let e = run(
            &mut u,
            json!([{"op": "replace", "path": "emails[type eq \"zz\"].value", "value": "x"}]),
        )
        .unwrap_err();
        assert_eq!(e.scim_type, Some("noTarget"));
        run(
            &mut u,
            json!([{"op": "remove", "path": "emails[type eq \"home\"]"}]),
        )
        .unwrap();
        assert_eq!(u["emails"].as_array().unwrap().len(), 1);
        run(&mut u, json!([{"op": "add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "123"}])).unwrap();
        assert_eq!(
            u["phoneNumbers"],
            json!([{"type": "mobile", "value": "123"}])
        );
    }

    #[test]
    fn primary_moves() {
        let mut u = user();
        run(
            &mut u,
            json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]),
        )
        .unwrap();
        assert_eq!(u["emails"][0]["primary"], false);
        assert_eq!(u["emails"][1]["primary"], true);
    }

    #[test]
    fn errors() {
        let mut u = user();
        let code = |r: Result<(), ScimError>| r.unwrap_err().scim_type;
        assert_eq!(
            code(run(&mut u, json!([{"op": "remove"}]))),
            Some("noTarget")
        );
        assert_eq!(
            code(run(
                &mut u,
                json!([{"op": "replace", "path": "emails[[", "value": 1}])
            )),
            Some("invalidPath")
        );
        assert_eq!(
            code(run(&mut u, json!([{"op": "jump", "path": "active"}]))),
            Some("invalidSyntax")
        );
        assert_eq!(
            code(run(&mut u, json!([{"op": "remove", "path": "userName"}]))),
            Some("mutability")
        );
        assert_eq!(
            code(run(
                &mut u,
                json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}])
            )),
            Some("mutability")
        );
        assert_eq!(
            code(run(
                &mut u,
                json!([{"op": "replace", "path": "active", "value": "maybe"}])
            )),
            Some("invalidValue")
        );
        assert_eq!(code(run(&mut u, json!([]))), Some("invalidSyntax"));
        let no_schema = json!({"Operations": [{"op": "add", "path": "title", "value": "x"}]});
        assert!(apply(Kind::User, &mut u, &no_schema, &opts()).is_err());
    }

    #[test]
    fn quirk_options() {
        let mut u = user();
        let strict_case = PatchOpts {
            op_case_sensitive: true,
            ..opts()
        };
        let e = apply(
            Kind::User,
            &mut u,
            &patch(json!([{"op": "Replace", "path": "active", "value": false}])),
            &strict_case,
        );
        assert_eq!(e.unwrap_err().scim_type, Some("invalidSyntax"));
        let strict_bool = PatchOpts {
            write: WriteOpts::default(),
            ..opts()
        };
        let e = apply(
            Kind::User,
            &mut u,
            &patch(json!([{"op": "replace", "path": "active", "value": "False"}])),
            &strict_bool,
        );
        assert_eq!(e.unwrap_err().scim_type, Some("invalidValue"));
        let no_pathless = PatchOpts {
            pathless_rejected: true,
            ..opts()
        };
        let e = apply(
            Kind::User,
            &mut u,
            &patch(json!([{"op": "replace", "value": {"active": false}}])),
            &no_pathless,
        );
        assert_eq!(e.unwrap_err().scim_type, Some("invalidPath"));
    }

    #[test]
    fn entra_manager_shape() {
        let mut u = user();
        run(&mut u, json!([{"op": "Add", "path": "manager", "value": [{"$ref": null, "value": "boss-id"}]}])).unwrap();
        assert_eq!(u[ENT]["manager"], json!({"value": "boss-id"}));
        run(
            &mut u,
            json!([{"op": "Remove", "path": format!("{ENT}:manager")}]),
        )
        .unwrap();
        assert!(u.get(ENT).is_none());
    }

    #[test]
    fn group_members() {
        let mut g = json!({"displayName": "G", "members": [{"value": "u1"}, {"value": "u2"}]})
            .as_object()
            .unwrap()
            .clone();
        let ap =
            |g: &mut Map<String, Value>, ops: Value| apply(Kind::Group, g, &patch(ops), &opts());
        ap(
            &mut g,
            json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "u3"}]}]),
        )
        .unwrap();
        assert_eq!(g["members"].as_array().unwrap().len(), 3);
        ap(
            &mut g,
            json!([{"op": "Remove", "path": "members", "value": [{"value": "u1"}]}]),
        )
        .unwrap();
        ap(
            &mut g,
            json!([{"op": "remove", "path": "members[value eq \"u2\"]"}]),
        )
        .unwrap();
        assert_eq!(g["members"], json!([{"value": "u3"}]));
        ap(
            &mut g,
            json!([{"op": "replace", "path": "members", "value": [{"value": "u9"}]}]),
        )
        .unwrap();
        assert_eq!(g["members"], json!([{"value": "u9"}]));
        ap(
            &mut g,
            json!([{"op": "replace", "path": "members", "value": []}]),
        )
        .unwrap();
        assert!(g.get("members").is_none());
        let skip = PatchOpts {
            skip_members: true,
            ..opts()
        };
        apply(
            Kind::Group,
            &mut g,
            &patch(json!([{"op": "add", "path": "members", "value": [{"value": "u1"}]}])),
            &skip,
        )
        .unwrap();
        assert!(g.get("members").is_none());
    }
}
