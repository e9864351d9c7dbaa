//! `explain_error`: the core's error explainer (`federation::explain`) for a pasted AADSTS
//! code, Okta/OneLogin error text, an error redirect URL or a symptom — cause, where to look,
//! fix — and, when the text is a diagnosis code, that code's catalogue entry.

use serde::Serialize;

use crate::error::{IpcError, IpcResult};
use preflight_core::{diagnosis, federation};

/// One recognised error.
#[derive(Debug, Serialize)]
pub struct ExplainedError {
    /// The part of the input that matched (e.g. `AADSTS50011`).
    pub matched: String,
    pub idp: String,
    pub cause: String,
    pub location: String,
    pub fix: String,
    /// The diagnosis code behind it, with its title.
    pub diagnosis: String,
    pub diagnosis_title: Option<String>,
}

/// Longest text accepted (an error page pasted whole is a few KiB).
const MAX_INPUT: usize = 64 * 1024;

#[tauri::command]
pub fn explain_error(text: String) -> IpcResult<Vec<ExplainedError>> {
    crate::limits::text("error text", &text)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(IpcError::new(
            "input/empty",
            "paste an error message, an AADSTS code or the URL the browser ended on",
        ));
    }
    if text.len() > MAX_INPUT {
        return Err(IpcError::new(
            "input/too-long",
            "that is more than 64 KiB; paste only the error message or the URL",
        ));
    }
    if let Some(d) = diagnosis::find(text) {
        return Ok(vec![ExplainedError {
            matched: d.code.clone(),
            idp: "any".into(),
            cause: d.summary.clone(),
            location: d.idp_impact.clone(),
            fix: d.fix.clone(),
            diagnosis: d.code.clone(),
            diagnosis_title: Some(d.title.clone()),
        }]);
    }
    Ok(federation::explain::explain(text)
        .into_iter()
        .map(|e| ExplainedError {
            matched: e.matched,
            idp: e.entry.idp.clone(),
            cause: e.entry.meaning.clone(),
            location: e.entry.location.clone(),
            fix: e.entry.fix.clone(),
            diagnosis_title: diagnosis::find(&e.entry.diagnosis).map(|d| d.title.clone()),
            diagnosis: e.entry.diagnosis.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aadsts_in_a_redirect_url_is_explained() {
        let got = explain_error(
            "https://app.example.com/cb?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI".into(),
        )
        .unwrap();
        assert!(got.iter().any(|e| e.matched == "AADSTS50011"), "{got:?}");
        assert!(got.iter().all(|e| !e.fix.is_empty()));
    }

    #[test]
    fn unknown_and_empty_text() {
        assert!(
            explain_error("nothing to see here".into())
                .unwrap()
                .is_empty()
        );
        assert_eq!(explain_error("  ".into()).unwrap_err().code, "input/empty");
    }
}
