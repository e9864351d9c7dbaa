//! Attribute definitions for User, Enterprise User and Group (RFC 7643 §4, §8.7.1).
//!
//! One table drives both what `/Schemas` publishes and how request bodies are validated,
//! filtered and projected, so the server always behaves the way its own schema says.

use serde_json::{Map, Value, json};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
pub const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// The full RFC 7643 §2.3 type set, though this server's schemas use only some of them.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Reference,
    Complex,
    Binary,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

/// One attribute's characteristics (RFC 7643 §2.2 defaults unless changed).
#[derive(Clone, Copy, Debug)]
pub struct AttrDef {
    pub name: &'static str,
    pub ty: AttrType,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    pub description: &'static str,
    pub sub: &'static [AttrDef],
    pub canonical: &'static [&'static str],
    pub refs: &'static [&'static str],
}

const fn attr(name: &'static str, ty: AttrType, description: &'static str) -> AttrDef {
    AttrDef {
        name,
        ty,
        multi: false,
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        returned: Returned::Default,
        uniqueness: Uniqueness::None,
        description,
        sub: &[],
        canonical: &[],
        refs: &[],
    }
}

const fn s(name: &'static str, description: &'static str) -> AttrDef {
    attr(name, AttrType::String, description)
}

impl AttrDef {
    const fn multi(self) -> Self {
        AttrDef {
            multi: true,
            ..self
        }
    }
    const fn required(self) -> Self {
        AttrDef {
            required: true,
            ..self
        }
    }
    const fn case_exact(self) -> Self {
        AttrDef {
            case_exact: true,
            ..self
        }
    }
    const fn mutability(self, mutability: Mutability) -> Self {
        AttrDef { mutability, ..self }
    }
    const fn returned(self, returned: Returned) -> Self {
        AttrDef { returned, ..self }
    }
    const fn unique(self) -> Self {
        AttrDef {
            uniqueness: Uniqueness::Server,
            ..self
        }
    }
    const fn sub(self, sub: &'static [AttrDef]) -> Self {
        AttrDef { sub, ..self }
    }
    const fn canonical(self, canonical: &'static [&'static str]) -> Self {
        AttrDef { canonical, ..self }
    }
    const fn refs(self, refs: &'static [&'static str]) -> Self {
        AttrDef { refs, ..self }
    }

    /// Sub-attribute by name, case-insensitively (RFC 7643 §2.1).
    pub fn find_sub(&self, name: &str) -> Option<&'static AttrDef> {
        find_attr(self.sub, name)
    }

    /// The JSON form published under `/Schemas`.
    pub fn published(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert("type".into(), json!(type_name(self.ty)));
        o.insert("multiValued".into(), json!(self.multi));
        o.insert("description".into(), json!(self.description));
        o.insert("required".into(), json!(self.required));
        if matches!(
            self.ty,
            AttrType::String | AttrType::Reference | AttrType::Binary
        ) {
            o.insert("caseExact".into(), json!(self.case_exact));
        }
        if !self.canonical.is_empty() {
            o.insert("canonicalValues".into(), json!(self.canonical));
        }
        if !self.refs.is_empty() {
            o.insert("referenceTypes".into(), json!(self.refs));
        }
        o.insert("mutability".into(), json!(mutability_name(self.mutability)));
        o.insert("returned".into(), json!(returned_name(self.returned)));
        if self.ty != AttrType::Complex {
            o.insert("uniqueness".into(), json!(uniqueness_name(self.uniqueness)));
        }
        if !self.sub.is_empty() {
            let subs: Vec<Value> = self.sub.iter().map(AttrDef::published).collect();
            o.insert("subAttributes".into(), Value::Array(subs));
        }
        Value::Object(o)
    }
}

pub fn find_attr(defs: &'static [AttrDef], name: &str) -> Option<&'static AttrDef> {
    defs.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}

fn type_name(t: AttrType) -> &'static str {
    match t {
        AttrType::String => "string",
        AttrType::Boolean => "boolean",
        AttrType::Decimal => "decimal",
        AttrType::Integer => "integer",
        AttrType::DateTime => "dateTime",
        AttrType::Reference => "reference",
        AttrType::Complex => "complex",
        AttrType::Binary => "binary",
    }
}

fn mutability_name(m: Mutability) -> &'static str {
    match m {
        Mutability::ReadOnly => "readOnly",
        Mutability::ReadWrite => "readWrite",
        Mutability::Immutable => "immutable",
        Mutability::WriteOnly => "writeOnly",
    }
}

fn returned_name(r: Returned) -> &'static str {
    match r {
        Returned::Always => "always",
        Returned::Never => "never",
        Returned::Default => "default",
        Returned::Request => "request",
    }
}

fn uniqueness_name(u: Uniqueness) -> &'static str {
    match u {
        Uniqueness::None => "none",
        Uniqueness::Server => "server",
        Uniqueness::Global => "global",
    }
}

use AttrType::{Boolean, Complex, DateTime, Reference};

/// The usual `value`/`display`/`type`/`primary` quartet of multi-valued attributes (§2.4).
macro_rules! multi_valued_subs {
    ($value_desc:expr, $types:expr) => {
        &[
            s("value", $value_desc),
            s(
                "display",
                "A human-readable name, primarily used for display purposes.",
            ),
            s("type", "A label indicating the attribute's function.").canonical($types),
            attr(
                "primary",
                Boolean,
                "A Boolean value indicating the 'primary' or preferred attribute value.",
            ),
        ]
    };
}

const NAME_SUBS: &[AttrDef] = &[
    s("formatted", "The full name, formatted for display."),
    s("familyName", "The family name of the User."),
    s("givenName", "The given name of the User."),
    s("middleName", "The middle name(s) of the User."),
    s("honorificPrefix", "The honorific prefix(es) of the User."),
    s("honorificSuffix", "The honorific suffix(es) of the User."),
];

const ADDRESS_SUBS: &[AttrDef] = &[
    s(
        "formatted",
        "The full mailing address, formatted for display.",
    ),
    s("streetAddress", "The full street address component."),
    s("locality", "The city or locality component."),
    s("region", "The state or region component."),
    s("postalCode", "The zip code or postal code component."),
    s(
        "country",
        "The country name component (ISO 3166-1 alpha-2).",
    ),
    s("type", "A label indicating the attribute's function.").canonical(&["work", "home", "other"]),
    attr("primary", Boolean, "Whether this is the primary address."),
];

const GROUP_REF_SUBS: &[AttrDef] = &[
    s("value", "The identifier of the User's group.").mutability(Mutability::ReadOnly),
    attr(
        "$ref",
        Reference,
        "The URI of the corresponding 'Group' resource.",
    )
    .refs(&["User", "Group"])
    .mutability(Mutability::ReadOnly),
    s("display", "A human-readable name.").mutability(Mutability::ReadOnly),
    s("type", "How the membership was derived.")
        .canonical(&["direct", "indirect"])
        .mutability(Mutability::ReadOnly),
];

/// Core User attributes (RFC 7643 §4.1), plus the common `externalId` (§3.1) that every
/// IdP sends, so that it is validated and filterable like the rest.
pub const USER_ATTRS: &[AttrDef] = &[
    s(
        "userName",
        "Unique identifier for the User, used to sign in.",
    )
    .required()
    .unique(),
    attr("name", Complex, "The components of the user's real name.").sub(NAME_SUBS),
    s(
        "displayName",
        "The name of the User, suitable for display to end-users.",
    ),
    s("nickName", "The casual way to address the user."),
    attr(
        "profileUrl",
        Reference,
        "A fully qualified URL pointing to the User's profile.",
    )
    .refs(&["external"]),
    s("title", "The user's title, such as \"Vice President\"."),
    s(
        "userType",
        "Used to identify the relationship between the organization and the user.",
    ),
    s(
        "preferredLanguage",
        "The User's preferred written or spoken language.",
    ),
    s("locale", "The User's default location, for localizing."),
    s("timezone", "The User's time zone in the 'Olson' format."),
    attr("active", Boolean, "The User's administrative status."),
    s("password", "The User's cleartext password; never returned.")
        .mutability(Mutability::WriteOnly)
        .returned(Returned::Never),
    attr("emails", Complex, "Email addresses for the user.")
        .multi()
        .sub(multi_valued_subs!(
            "Email address for the user.",
            &["work", "home", "other"]
        )),
    attr("phoneNumbers", Complex, "Phone numbers for the User.")
        .multi()
        .sub(multi_valued_subs!(
            "Phone number of the User.",
            &["work", "home", "mobile", "fax", "pager", "other"]
        )),
    attr("ims", Complex, "Instant messaging addresses for the User.")
        .multi()
        .sub(multi_valued_subs!(
            "Instant messaging address for the User.",
            &[]
        )),
    attr("photos", Complex, "URLs of photos of the User.")
        .multi()
        .sub(multi_valued_subs!(
            "URL of a photo of the User.",
            &["photo", "thumbnail"]
        )),
    attr(
        "addresses",
        Complex,
        "A physical mailing address for this User.",
    )
    .multi()
    .sub(ADDRESS_SUBS),
    attr(
        "groups",
        Complex,
        "Groups the user belongs to; change membership on the Group.",
    )
    .multi()
    .mutability(Mutability::ReadOnly)
    .sub(GROUP_REF_SUBS),
    attr(
        "entitlements",
        Complex,
        "A list of entitlements for the User.",
    )
    .multi()
    .sub(multi_valued_subs!("The value of an entitlement.", &[])),
    attr("roles", Complex, "A list of roles for the User.")
        .multi()
        .sub(multi_valued_subs!("The value of a role.", &[])),
    attr(
        "x509Certificates",
        Complex,
        "A list of certificates issued to the User.",
    )
    .multi()
    .sub(X509_SUBS),
    s(
        "externalId",
        "Identifier of the User as defined by the provisioning client.",
    )
    .case_exact(),
];

const X509_SUBS: &[AttrDef] = &[
    attr(
        "value",
        AttrType::Binary,
        "The value of an X.509 certificate (base64 DER).",
    ),
    s(
        "display",
        "A human-readable name, primarily used for display purposes.",
    ),
    s("type", "A label indicating the attribute's function."),
    attr(
        "primary",
        Boolean,
        "Whether this is the primary certificate.",
    ),
];

const MANAGER_SUBS: &[AttrDef] = &[
    s(
        "value",
        "The id of the SCIM resource representing the User's manager.",
    ),
    attr(
        "$ref",
        Reference,
        "The URI of the SCIM resource representing the manager.",
    )
    .refs(&["User"]),
    s("displayName", "The displayName of the User's manager.").mutability(Mutability::ReadOnly),
];

/// Enterprise User extension (RFC 7643 §4.3).
pub const ENTERPRISE_ATTRS: &[AttrDef] = &[
    s(
        "employeeNumber",
        "Numeric or alphanumeric identifier assigned to a person.",
    ),
    s("costCenter", "Identifies the name of a cost center."),
    s("organization", "Identifies the name of an organization."),
    s("division", "Identifies the name of a division."),
    s("department", "Identifies the name of a department."),
    attr("manager", Complex, "The User's manager.").sub(MANAGER_SUBS),
];

const MEMBER_SUBS: &[AttrDef] = &[
    s("value", "Identifier of the member of this Group.").mutability(Mutability::Immutable),
    attr("$ref", Reference, "The URI of the member resource.")
        .refs(&["User", "Group"])
        .mutability(Mutability::Immutable),
    s("type", "The type of the member.")
        .canonical(&["User", "Group"])
        .mutability(Mutability::Immutable),
    s("display", "A human-readable name of the member.").mutability(Mutability::ReadOnly),
];

/// Group attributes (RFC 7643 §4.2), plus `externalId`.
pub const GROUP_ATTRS: &[AttrDef] = &[
    s("displayName", "A human-readable name for the Group.")
        .required()
        .unique(),
    attr("members", Complex, "A list of members of the Group.")
        .multi()
        .sub(MEMBER_SUBS),
    s(
        "externalId",
        "Identifier of the Group as defined by the provisioning client.",
    )
    .case_exact(),
];

const META_SUBS: &[AttrDef] = &[
    s("resourceType", "The name of the resource type.")
        .case_exact()
        .mutability(Mutability::ReadOnly),
    attr("created", DateTime, "When the resource was added.").mutability(Mutability::ReadOnly),
    attr(
        "lastModified",
        DateTime,
        "When the resource was last changed.",
    )
    .mutability(Mutability::ReadOnly),
    attr("location", Reference, "The URI of the resource.")
        .case_exact()
        .mutability(Mutability::ReadOnly),
    s("version", "The version of the resource.")
        .case_exact()
        .mutability(Mutability::ReadOnly),
];

/// Common attributes every resource has (RFC 7643 §3.1); filterable, never writable.
pub const COMMON_ATTRS: &[AttrDef] = &[
    s("id", "Unique identifier assigned by the service provider.")
        .case_exact()
        .mutability(Mutability::ReadOnly)
        .returned(Returned::Always)
        .unique(),
    attr("meta", Complex, "Resource metadata.")
        .mutability(Mutability::ReadOnly)
        .sub(META_SUBS),
];

/// User attributes accepted under the `strict-attributes` quirk: the handful a minimal
/// SCIM app implements. Anything else in a User body is rejected as unsupported.
pub const STRICT_USER_ATTRS: &[&str] = &[
    "userName",
    "name",
    "displayName",
    "emails",
    "active",
    "externalId",
    "password",
];

/// Sub-attributes of `name` accepted under `strict-attributes`.
pub const STRICT_NAME_SUBS: &[&str] = &["givenName", "familyName", "formatted"];

/// The two resource types this server offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }
    pub fn endpoint(self) -> &'static str {
        match self {
            Kind::User => "Users",
            Kind::Group => "Groups",
        }
    }
    pub fn core_schema(self) -> &'static str {
        match self {
            Kind::User => USER_SCHEMA,
            Kind::Group => GROUP_SCHEMA,
        }
    }
    pub fn core_attrs(self) -> &'static [AttrDef] {
        match self {
            Kind::User => USER_ATTRS,
            Kind::Group => GROUP_ATTRS,
        }
    }
    /// Extension schemas and their attributes.
    pub fn extensions(self) -> &'static [(&'static str, &'static [AttrDef])] {
        match self {
            Kind::User => &[(ENTERPRISE_SCHEMA, ENTERPRISE_ATTRS)],
            Kind::Group => &[],
        }
    }
    /// The extension URN matching `urn` case-insensitively.
    pub fn extension(self, urn: &str) -> Option<(&'static str, &'static [AttrDef])> {
        self.extensions()
            .iter()
            .copied()
            .find(|(u, _)| u.eq_ignore_ascii_case(urn))
    }
}

/// Where an attribute lives: the core schema (stored at the top level) or an extension
/// (stored under its URN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Core,
    Extension(&'static str),
}

/// Resolve `(urn, name)` to a definition. `urn` may be the core URN or an extension's.
pub fn resolve(kind: Kind, urn: Option<&str>, name: &str) -> Option<(Container, &'static AttrDef)> {
    match urn {
        None => find_attr(kind.core_attrs(), name)
            .or_else(|| find_attr(COMMON_ATTRS, name))
            .map(|d| (Container::Core, d)),
        Some(u) if u.eq_ignore_ascii_case(kind.core_schema()) => find_attr(kind.core_attrs(), name)
            .or_else(|| find_attr(COMMON_ATTRS, name))
            .map(|d| (Container::Core, d)),
        Some(u) => {
            let (ext, defs) = kind.extension(u)?;
            find_attr(defs, name).map(|d| (Container::Extension(ext), d))
        }
    }
}
