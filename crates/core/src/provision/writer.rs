//! Creating and deleting test objects with the journal kept in step: every create is
//! journalled before it is sent, every confirmed delete closes its entry. Flows and write
//! checks create objects only through here.

use serde_json::Value;
use std::sync::Mutex;

use super::journal::{Journal, JournalError};
use crate::dialect::ObjectKind;
use crate::exchange::Exchange;
use crate::probe::{Probe, Req};

/// An object this run created (or tried to), for deletion at the end.
#[derive(Clone, Debug)]
pub struct Created {
    pub kind: ObjectKind,
    pub name: String,
    pub key: Option<String>,
    pub id: Option<String>,
}

pub struct Writer<'a> {
    probe: &'a Probe,
    journal: Option<Journal>,
    made: Mutex<Vec<Created>>,
}

impl<'a> Writer<'a> {
    pub fn new(probe: &'a Probe, run_id: &str) -> Writer<'a> {
        let target = probe.target();
        let journal = target
            .journal_dir
            .as_ref()
            .map(|dir| Journal::new(dir, run_id, target.base_url.as_str()));
        Writer {
            probe,
            journal,
            made: Mutex::new(Vec::new()),
        }
    }

    /// Journal the intent, send the create, journal the id. `Err` when the journal cannot be
    /// written: then nothing was sent.
    pub async fn create(
        &self,
        kind: ObjectKind,
        name: &str,
        req: Req,
    ) -> Result<Exchange, JournalError> {
        let key = match &self.journal {
            Some(j) => Some(j.intent(kind, name)?),
            None => None,
        };
        let x = self.probe.send(req).await;
        let id = x
            .response
            .as_ref()
            .filter(|r| (200..300).contains(&r.status))
            .and_then(|r| r.json())
            .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string));
        if let (Some(j), Some(k), Some(id)) = (&self.journal, &key, &id) {
            j.created(k, kind, name, id)?;
        }
        self.made.lock().expect("made lock").push(Created {
            kind,
            name: name.into(),
            key,
            id,
        });
        Ok(x)
    }

    /// The object is gone (the server confirmed a delete, or answered 404): close its entry.
    pub fn forget(&self, kind: ObjectKind, id: &str) {
        let mut made = self.made.lock().expect("made lock");
        made.retain(|c| {
            if c.kind == kind && c.id.as_deref() == Some(id) {
                if let (Some(j), Some(k)) = (&self.journal, &c.key) {
                    let _ = j.deleted(k, c.kind, &c.name);
                }
                false
            } else {
                true
            }
        });
    }

    /// DELETE one object and close its entry when the server confirms (2xx or 404).
    pub async fn delete(&self, kind: ObjectKind, id: &str) -> Exchange {
        let x = self
            .probe
            .send(
                Req::new("DELETE", format!("/{}/{id}", kind.endpoint()))
                    .purpose("remove a Preflight test object"),
            )
            .await;
        if x.status()
            .is_some_and(|s| (200..300).contains(&s) || s == 404)
        {
            self.forget(kind, id);
        }
        x
    }

    /// Delete everything still recorded as created by this writer: groups first (they
    /// reference users). Objects whose id was never learned stay journalled for `cleanup`.
    pub async fn finish(&self) {
        let mut left: Vec<Created> = self.made.lock().expect("made lock").clone();
        left.sort_by_key(|c| if c.kind == ObjectKind::Group { 0 } else { 1 });
        for c in left {
            if let Some(id) = &c.id {
                self.delete(c.kind, id).await;
            }
        }
    }
}
