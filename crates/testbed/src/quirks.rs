//! Named failure modes the testbed can switch on.
//!
//! Each quirk reproduces one way a real SCIM service provider gets things wrong, so that
//! Preflight's checks (and diagnoses) can be exercised against a known cause. Quirks are
//! parsed from and printed as a comma-separated list of kebab-case names, some of which
//! take a parameter (`slow=200`, `require-attribute=externalId`). That text form is what
//! the CLI flag and the admin endpoint use, so it must round-trip.

use std::fmt;
use std::str::FromStr;

/// Delay used by `slow` when no value is given.
pub const DEFAULT_SLOW_MS: u64 = 1500;

/// Upper bound for `slow=<ms>` so a typo cannot park a request for hours.
pub const MAX_SLOW_MS: u64 = 120_000;

/// What `hostile-text` puts into server text: markup that runs script if inserted as HTML,
/// terminal escapes (clear screen, a lying OSC 8 hyperlink, BEL, the C1 CSI byte), a
/// right-to-left override, a right-to-left isolate and a zero-width space. A client that
/// shows it as text shows these characters literally (or as visible escapes).
pub const HOSTILE_TEXT: &str = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script><b id=\"injected\">bold</b>\u{1b}[2J\u{1b}]8;;https://evil.example/\u{7}click\u{1b}]8;;\u{7}\u{9b}31m\u{202e}gnp.exe\u{2067}cod.\u{2069}\u{200b}";

/// The `X-Hostile-Text` header value (header values cannot carry control characters).
pub const HOSTILE_HEADER: &str =
    "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script>";

/// One failure mode; each variant says what it changes. Text form: [`Quirk::name`], plus
/// `=value` for the variants that carry one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Quirk {
    // --- read side ---
    /// Discovery endpoints demand a token like `/Users` does.
    DiscoveryRequiresAuth,
    /// 401 responses carry no `WWW-Authenticate` header.
    NoWwwAuthenticate,
    /// No authentication or scope check at all.
    AuthOff,
    /// The `filter` parameter is ignored: lists return everything.
    FilterIgnored,
    /// Any `filter` parameter is answered 400 `invalidFilter`.
    FilterUnsupported,
    /// Filters compare every string value case-exactly (`userName eq "ALICE"` misses `alice`),
    /// as a database with a case-sensitive collation does.
    FilterCaseSensitive,
    /// Malformed filters return 200 with every resource instead of 400.
    InvalidFilterAccepted,
    /// SCIM responses are labelled `application/json`.
    JsonContentType,
    /// Every request answers 200 with an HTML login page.
    HtmlLoginPage,
    /// Every request answers 200 with JSON of some other API.
    OtherJson,
    /// Every request answers 302 to another origin.
    Redirect,
    /// Every response is delayed by this many milliseconds.
    Slow(u64),
    /// List requests carrying a `count` parameter answer 500.
    Status500OnCount,
    /// 429 with `Retry-After: 1`: every other SCIM request, or the first N when a value is given.
    RateLimit(Option<u32>),
    /// Like `RateLimit`, without the `Retry-After` header.
    RateLimitNoRetryAfter(Option<u32>),
    /// An unknown resource id answers 200 with `{}`.
    NotFound200,
    /// An unknown resource id answers 404 with a plain-text body.
    NotFoundPlain,
    /// SCIM Error bodies carry `status` as a JSON integer.
    ErrorStatusInt,
    /// ListResponse without `schemas`, with `resources` and a string `totalResults`.
    ListShapeBroken,
    /// `startIndex`/`count` are ignored: every result in one page.
    PagingIgnored,
    /// `meta.location` and `Location` name another host.
    WrongHostLocation,
    /// Every token is treated as holding only `scim.read`.
    ScopeReadOnly,
    /// Authenticated Users/Groups requests answer 403 `insufficient_scope` (scope `scim.read`).
    Always403,
    /// Valid tokens are answered 401 `invalid_token` "token expired".
    TokenExpiredMessage,
    /// Server text turns hostile: every `displayName` and error `detail` carries
    /// [`HOSTILE_TEXT`] (HTML, script, terminal escapes, bidi override) and every SCIM
    /// response an `X-Hostile-Text` header with markup — clients must show it as text.
    HostileText,
    // --- write side ---
    /// PATCH `op` values other than lower-case `add`/`remove`/`replace` answer 400.
    PatchOpCaseSensitive,
    /// `"True"`/`"False"` strings for booleans answer 400 `invalidValue`.
    PatchBoolStrict,
    /// PATCH operations without `path` answer 400 `invalidPath`.
    PatchPathlessRejected,
    /// A duplicate `userName` is accepted.
    UniquenessNotEnforced,
    /// User attributes outside a small core set answer 400 `invalidValue`.
    StrictAttributes,
    /// User create/replace without this attribute path answers 400 `invalidValue`.
    RequireAttribute(String),
    /// Any User create, replace or PATCH carrying this attribute path answers 400
    /// `invalidValue`, as a target does for an attribute it does not support or lets no
    /// client write (`reject-attribute=displayName`).
    RejectAttribute(String),
    /// Create answers 200 without a `Location` header.
    Created200,
    /// PUT answers 501.
    PutUnsupported,
    /// DELETE answers 204 but nothing is deleted.
    DeleteSoft,
    /// Group PATCH operations on `members` answer success but change nothing.
    MembersPatchIgnored,
    /// Setting `active` to false is acknowledged but not stored.
    DeactivateIgnored,
    /// Group PATCH `remove` of `members` with a `value` array (Entra's default shape) answers
    /// 400 `invalidValue`; only a `members[value eq "…"]` path removes (as scim2-server does).
    MembersRemoveByFilterOnly,
}

/// Every quirk name, for help output and error messages.
pub const QUIRK_NAMES: &[&str] = &[
    "discovery-requires-auth",
    "no-www-authenticate",
    "auth-off",
    "filter-ignored",
    "filter-unsupported",
    "filter-case-sensitive",
    "invalid-filter-accepted",
    "json-content-type",
    "html-login-page",
    "other-json",
    "redirect",
    "slow",
    "status-500-on-count",
    "rate-limit",
    "rate-limit-no-retry-after",
    "not-found-200",
    "not-found-plain",
    "error-status-int",
    "list-shape-broken",
    "paging-ignored",
    "wrong-host-location",
    "scope-read-only",
    "always-403",
    "token-expired-message",
    "hostile-text",
    "patch-op-case-sensitive",
    "patch-bool-strict",
    "patch-pathless-rejected",
    "uniqueness-not-enforced",
    "strict-attributes",
    "require-attribute",
    "reject-attribute",
    "created-200",
    "put-unsupported",
    "delete-soft",
    "members-patch-ignored",
    "deactivate-ignored",
    "members-remove-by-filter-only",
];

impl Quirk {
    /// The kebab-case name without any parameter.
    pub fn name(&self) -> &'static str {
        use Quirk::*;
        match self {
            DiscoveryRequiresAuth => "discovery-requires-auth",
            NoWwwAuthenticate => "no-www-authenticate",
            AuthOff => "auth-off",
            FilterIgnored => "filter-ignored",
            FilterUnsupported => "filter-unsupported",
            FilterCaseSensitive => "filter-case-sensitive",
            InvalidFilterAccepted => "invalid-filter-accepted",
            JsonContentType => "json-content-type",
            HtmlLoginPage => "html-login-page",
            OtherJson => "other-json",
            Redirect => "redirect",
            Slow(_) => "slow",
            Status500OnCount => "status-500-on-count",
            RateLimit(_) => "rate-limit",
            RateLimitNoRetryAfter(_) => "rate-limit-no-retry-after",
            NotFound200 => "not-found-200",
            NotFoundPlain => "not-found-plain",
            ErrorStatusInt => "error-status-int",
            ListShapeBroken => "list-shape-broken",
            PagingIgnored => "paging-ignored",
            WrongHostLocation => "wrong-host-location",
            ScopeReadOnly => "scope-read-only",
            Always403 => "always-403",
            TokenExpiredMessage => "token-expired-message",
            HostileText => "hostile-text",
            PatchOpCaseSensitive => "patch-op-case-sensitive",
            PatchBoolStrict => "patch-bool-strict",
            PatchPathlessRejected => "patch-pathless-rejected",
            UniquenessNotEnforced => "uniqueness-not-enforced",
            StrictAttributes => "strict-attributes",
            RequireAttribute(_) => "require-attribute",
            RejectAttribute(_) => "reject-attribute",
            Created200 => "created-200",
            PutUnsupported => "put-unsupported",
            DeleteSoft => "delete-soft",
            MembersPatchIgnored => "members-patch-ignored",
            DeactivateIgnored => "deactivate-ignored",
            MembersRemoveByFilterOnly => "members-remove-by-filter-only",
        }
    }

    /// Two quirks of the same kind replace each other in a set, except
    /// `require-attribute`, which may be given once per attribute.
    fn same_slot(&self, other: &Quirk) -> bool {
        match (self, other) {
            (Quirk::RequireAttribute(a), Quirk::RequireAttribute(b)) => a.eq_ignore_ascii_case(b),
            (Quirk::RejectAttribute(a), Quirk::RejectAttribute(b)) => a.eq_ignore_ascii_case(b),
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

impl fmt::Display for Quirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quirk::Slow(ms) => write!(f, "slow={ms}"),
            Quirk::RateLimit(Some(n)) => write!(f, "rate-limit={n}"),
            Quirk::RateLimitNoRetryAfter(Some(n)) => write!(f, "rate-limit-no-retry-after={n}"),
            Quirk::RequireAttribute(p) => write!(f, "require-attribute={p}"),
            Quirk::RejectAttribute(p) => write!(f, "reject-attribute={p}"),
            other => f.write_str(other.name()),
        }
    }
}

/// Why a quirk list could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuirkParseError(pub String);

impl fmt::Display for QuirkParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QuirkParseError {}

impl FromStr for Quirk {
    type Err = QuirkParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (name, value) = match s.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (s, None),
        };
        let name = name.to_ascii_lowercase();
        let no_value = |q: Quirk| match value {
            None => Ok(q),
            Some(_) => Err(QuirkParseError(format!("quirk '{name}' takes no value"))),
        };
        let count = |v: Option<&str>| -> Result<Option<u32>, QuirkParseError> {
            v.map(|v| {
                v.parse::<u32>().map_err(|_| {
                    QuirkParseError(format!("quirk '{name}' needs a whole number, got '{v}'"))
                })
            })
            .transpose()
        };
        use Quirk::*;
        match name.as_str() {
            "discovery-requires-auth" => no_value(DiscoveryRequiresAuth),
            "no-www-authenticate" => no_value(NoWwwAuthenticate),
            "auth-off" => no_value(AuthOff),
            "filter-ignored" => no_value(FilterIgnored),
            "filter-unsupported" => no_value(FilterUnsupported),
            "filter-case-sensitive" => no_value(FilterCaseSensitive),
            "invalid-filter-accepted" => no_value(InvalidFilterAccepted),
            "json-content-type" => no_value(JsonContentType),
            "html-login-page" => no_value(HtmlLoginPage),
            "other-json" => no_value(OtherJson),
            "redirect" => no_value(Redirect),
            "slow" => {
                let ms = match value {
                    None => DEFAULT_SLOW_MS,
                    Some(v) => v.parse::<u64>().map_err(|_| {
                        QuirkParseError(format!("quirk 'slow' needs milliseconds, got '{v}'"))
                    })?,
                };
                if ms > MAX_SLOW_MS {
                    return Err(QuirkParseError(format!(
                        "quirk 'slow' is limited to {MAX_SLOW_MS} ms"
                    )));
                }
                Ok(Slow(ms))
            }
            "status-500-on-count" => no_value(Status500OnCount),
            "rate-limit" => Ok(RateLimit(count(value)?)),
            "rate-limit-no-retry-after" => Ok(RateLimitNoRetryAfter(count(value)?)),
            "not-found-200" => no_value(NotFound200),
            "not-found-plain" => no_value(NotFoundPlain),
            "error-status-int" => no_value(ErrorStatusInt),
            "list-shape-broken" => no_value(ListShapeBroken),
            "paging-ignored" => no_value(PagingIgnored),
            "wrong-host-location" => no_value(WrongHostLocation),
            "scope-read-only" => no_value(ScopeReadOnly),
            "always-403" => no_value(Always403),
            "token-expired-message" => no_value(TokenExpiredMessage),
            "hostile-text" => no_value(HostileText),
            "patch-op-case-sensitive" => no_value(PatchOpCaseSensitive),
            "patch-bool-strict" => no_value(PatchBoolStrict),
            "patch-pathless-rejected" => no_value(PatchPathlessRejected),
            "uniqueness-not-enforced" => no_value(UniquenessNotEnforced),
            "strict-attributes" => no_value(StrictAttributes),
            "require-attribute" => match value {
                Some(v) if !v.is_empty() && !v.contains([',', ' ']) => Ok(RequireAttribute(v.to_string())),
                _ => Err(QuirkParseError(
                    "quirk 'require-attribute' needs an attribute path, e.g. require-attribute=externalId"
                        .into(),
                )),
            },
            "reject-attribute" => match value {
                Some(v) if !v.is_empty() && !v.contains([',', ' ']) => Ok(RejectAttribute(v.to_string())),
                _ => Err(QuirkParseError(
                    "quirk 'reject-attribute' needs an attribute path, e.g. reject-attribute=displayName"
                        .into(),
                )),
            },
            "created-200" => no_value(Created200),
            "put-unsupported" => no_value(PutUnsupported),
            "delete-soft" => no_value(DeleteSoft),
            "members-patch-ignored" => no_value(MembersPatchIgnored),
            "deactivate-ignored" => no_value(DeactivateIgnored),
            "members-remove-by-filter-only" => no_value(MembersRemoveByFilterOnly),
            "" => Err(QuirkParseError("empty quirk name".into())),
            other => Err(QuirkParseError(format!(
                "unknown quirk '{other}' (known: {})",
                QUIRK_NAMES.join(", ")
            ))),
        }
    }
}

/// The set of active quirks.
///
/// Kept sorted by text form so that two sets with the same members compare equal and print
/// the same, whatever order they were given in.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct Quirks {
    items: Vec<Quirk>,
}

impl Quirks {
    /// No quirk: a conforming server.
    pub fn none() -> Quirks {
        Quirks::default()
    }

    /// Parse `"a,b,slow=200"`. Blank input is the empty set.
    pub fn parse(s: &str) -> Result<Quirks, QuirkParseError> {
        let mut q = Quirks::none();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            q.insert(part.parse()?);
        }
        Ok(q)
    }

    /// Add a quirk, replacing one of the same kind (a second `slow` replaces the first).
    pub fn insert(&mut self, q: Quirk) {
        self.items.retain(|existing| !existing.same_slot(&q));
        self.items.push(q);
        self.items.sort_by_key(|q| q.to_string());
    }

    /// Builder form of [`Quirks::insert`].
    pub fn with(mut self, q: Quirk) -> Quirks {
        self.insert(q);
        self
    }

    /// Remove every quirk of the same kind as `q` (its parameter is not compared).
    pub fn remove(&mut self, q: &Quirk) {
        self.items
            .retain(|existing| std::mem::discriminant(existing) != std::mem::discriminant(q));
    }

    /// Whether a quirk of this kind is on; parameters are not compared, so
    /// `is_on(&Quirk::Slow(0))` asks "is any slow quirk on".
    pub fn is_on(&self, q: &Quirk) -> bool {
        self.items
            .iter()
            .any(|existing| std::mem::discriminant(existing) == std::mem::discriminant(q))
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Quirk> {
        self.items.iter()
    }

    /// Delay for `slow`, if on.
    pub fn slow_ms(&self) -> Option<u64> {
        self.items.iter().find_map(|q| match q {
            Quirk::Slow(ms) => Some(*ms),
            _ => None,
        })
    }

    /// Attribute paths named by `reject-attribute` quirks.
    pub fn rejected_attributes(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|q| match q {
                Quirk::RejectAttribute(p) => Some(p.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Attribute paths named by `require-attribute` quirks.
    pub fn required_attributes(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|q| match q {
                Quirk::RequireAttribute(p) => Some(p.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for Quirks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, q) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{q}")?;
        }
        Ok(())
    }
}

impl FromStr for Quirks {
    type Err = QuirkParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quirks::parse(s)
    }
}

impl FromIterator<Quirk> for Quirks {
    fn from_iter<T: IntoIterator<Item = Quirk>>(iter: T) -> Self {
        let mut q = Quirks::none();
        for item in iter {
            q.insert(item);
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_parses_and_round_trips() {
        for name in QUIRK_NAMES {
            let text = if *name == "require-attribute" {
                "require-attribute=externalId".to_string()
            } else if *name == "reject-attribute" {
                "reject-attribute=displayName".to_string()
            } else {
                name.to_string()
            };
            let q: Quirk = text.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(q.name(), *name);
            let again: Quirk = q.to_string().parse().unwrap();
            assert_eq!(q, again);
        }
    }

    #[test]
    fn parse_set_with_params() {
        let q = Quirks::parse("filter-ignored, slow=200 ,auth-off").unwrap();
        assert!(q.is_on(&Quirk::FilterIgnored));
        assert!(q.is_on(&Quirk::AuthOff));
        assert_eq!(q.slow_ms(), Some(200));
        assert_eq!(q.to_string(), "auth-off,filter-ignored,slow=200");
        assert_eq!(Quirks::parse(&q.to_string()).unwrap(), q);
    }

    #[test]
    fn order_does_not_matter_and_later_param_wins() {
        assert!(
            Quirks::parse("a-b")
                .unwrap_err()
                .0
                .contains("unknown quirk")
        );
        assert_eq!(
            Quirks::parse("redirect,auth-off").unwrap(),
            Quirks::parse("auth-off,redirect").unwrap()
        );
        let q = Quirks::parse("slow=1,slow=2").unwrap();
        assert_eq!(q.slow_ms(), Some(2));
        assert_eq!(q.iter().count(), 1);
    }

    #[test]
    fn defaults_and_errors() {
        assert_eq!(
            Quirks::parse("slow").unwrap().slow_ms(),
            Some(DEFAULT_SLOW_MS)
        );
        assert!(Quirks::parse("").unwrap().is_empty());
        assert!(Quirks::parse("slow=abc").is_err());
        assert!(Quirks::parse("auth-off=1").is_err());
        assert!(Quirks::parse("require-attribute").is_err());
        let q =
            Quirks::parse("require-attribute=externalId,require-attribute=name.givenName").unwrap();
        assert_eq!(
            q.required_attributes(),
            vec!["externalId", "name.givenName"]
        );
        assert_eq!(
            Quirks::parse("rate-limit=3").unwrap().to_string(),
            "rate-limit=3"
        );
    }
}
