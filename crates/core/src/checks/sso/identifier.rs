//! Which user attribute an identifier comes from, so the sign-in identifier and the SCIM
//! `userName` can be compared by origin rather than by spelling (`user.userprincipalname`,
//! `upn` and `userPrincipalName` are one attribute).

use crate::target::Idp;

/// The origin of an identifier, as far as matching users is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The user principal name (Entra), or the claim that carries it.
    Upn,
    /// The primary email address.
    Mail,
    /// The IdP's own login name (Okta's username).
    IdpLogin,
    /// A stable, opaque directory id (Entra object id).
    ObjectId,
    /// An id the IdP makes per application (OIDC `sub` at Entra, persistent NameID).
    PairwiseId,
    /// A NameID that changes on every sign-in.
    Transient,
    /// Anything else, lower-cased as given.
    Other(String),
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Upn => "the user principal name (UPN)".into(),
            Source::Mail => "the email address".into(),
            Source::IdpLogin => "the IdP's login name".into(),
            Source::ObjectId => "the directory object id".into(),
            Source::PairwiseId => "a per-application opaque id".into(),
            Source::Transient => "a transient id that changes at every sign-in".into(),
            Source::Other(s) => format!("`{s}`"),
        }
    }

    /// Ids no SCIM `userName` mapping can reproduce.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Source::PairwiseId | Source::Transient)
    }
}

/// Classify an attribute, claim or NameID format name as the admin wrote it.
pub fn classify(raw: &str, idp: Idp) -> Source {
    let s = raw.trim().to_ascii_lowercase();
    let last = s
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(&s)
        .trim_start_matches("user.");
    match last {
        "userprincipalname" | "upn" | "name" if s.contains("claims") || last != "name" => {
            Source::Upn
        }
        "mail" | "email" | "emailaddress" | "primaryemail" | "emails[type eq \"work\"].value" => {
            Source::Mail
        }
        "login" | "username" | "oktausername" => Source::IdpLogin,
        "objectid" | "oid" | "objectidentifier" => Source::ObjectId,
        "sub" => match idp {
            // Entra's `sub` is pairwise per application; Okta's is the user's id.
            Idp::Okta => Source::Other("okta user id (sub)".into()),
            _ => Source::PairwiseId,
        },
        "persistent" => Source::PairwiseId,
        "transient" => Source::Transient,
        "preferred_username" => match idp {
            Idp::Entra => Source::Upn,
            Idp::Okta => Source::IdpLogin,
            _ => Source::Other(s.clone()),
        },
        _ => Source::Other(s.clone()),
    }
}

/// The attribute each IdP's default provisioning mapping sends as `userName`, where the
/// reference confirms it, with where the admin changes it.
pub fn default_scim_username(idp: Idp) -> Option<(Source, &'static str)> {
    match idp {
        Idp::Entra => Some((
            Source::Upn,
            "Entra: Enterprise applications > app > Provisioning > Mappings > Provision Microsoft Entra ID Users > userName (default userPrincipalName)",
        )),
        Idp::Okta => Some((
            Source::IdpLogin,
            "Okta: Applications > app > Provisioning > To App > attribute mappings, userName (default the Okta username)",
        )),
        // OneLogin's SCIM JSON template uses {$parameters.scimusername}; its default source is
        // not confirmed, so the admin must name it.
        Idp::Onelogin | Idp::Generic => None,
    }
}

/// Where the sign-in identifier is chosen in each IdP's console.
pub fn login_setting(idp: Idp) -> &'static str {
    match idp {
        Idp::Entra => {
            "Entra: Enterprise applications > app > Single sign-on > Attributes & Claims > Unique User Identifier (Name ID) for SAML; App registrations > app > Token configuration for OIDC claims"
        }
        Idp::Okta => {
            "Okta: Applications > app > Sign On > Application username format (SAML NameID and OIDC preferred_username)"
        }
        Idp::Onelogin => {
            "OneLogin: Applications > app > Configuration / Parameters > NameID value (SAML) or the OIDC claims"
        }
        Idp::Generic => "the IdP's NameID / claim setting for this app",
    }
}

/// The NameID format of a captured response as an identifier origin, when it says enough.
pub fn from_nameid_format(format: &str) -> Option<Source> {
    let last = format.rsplit(':').next()?.to_ascii_lowercase();
    match last.as_str() {
        "persistent" => Some(Source::PairwiseId),
        "transient" => Some(Source::Transient),
        "emailaddress" => Some(Source::Mail),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_attribute_classify_alike() {
        for raw in [
            "user.userprincipalname",
            "UPN",
            "userPrincipalName",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        ] {
            assert_eq!(classify(raw, Idp::Entra), Source::Upn, "{raw}");
        }
        for raw in ["user.mail", "email", "user.email", "Mail"] {
            assert_eq!(classify(raw, Idp::Okta), Source::Mail, "{raw}");
        }
        assert_eq!(classify("preferred_username", Idp::Entra), Source::Upn);
        assert_eq!(classify("preferred_username", Idp::Okta), Source::IdpLogin);
        assert_eq!(classify("sub", Idp::Entra), Source::PairwiseId);
        assert_eq!(
            classify("user.employeeid", Idp::Entra),
            Source::Other("user.employeeid".into())
        );
        assert_eq!(
            from_nameid_format("urn:oasis:names:tc:SAML:2.0:nameid-format:transient"),
            Some(Source::Transient)
        );
    }
}
