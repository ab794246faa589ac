//! The self-compassion journal: guided writing after an incident, in the structure of
//! Mosewich et al. (2013), sealed with a key only the person's passphrase unlocks.
//!
//! The passphrase comes with the request that needs it, unlocks the person's data key
//! for that request, and is dropped with it: it is never stored or logged. The server
//! keeps only the wrapped key and sealed entries, which none of its own keys open.

use aftercare_care::guidance::{JOURNAL_INTRO, JOURNAL_PROMPTS, JOURNAL_SOURCE, Prompt};
use aftercare_journal::{Keyring, Sealed, UnlockedKey, WrappedKey};
use aftercare_store::{IncidentId, JournalEntryId, Owner, Store};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::policy::Actor;

/// Said plainly before the first entry, and on every page that asks for the passphrase.
pub const FORGOTTEN_PASSPHRASE: &str = "Only your passphrase opens your journal. Aftercare does not keep it and cannot reset it: if you forget it, your entries are gone for good, and nobody (not an admin, not us) can read them back.";

/// Longest entry we seal (about 30 pages of text).
pub const MAX_ENTRY: usize = 100_000;
/// Shortest passphrase we accept for a new journal.
pub const MIN_PASSPHRASE: usize = 10;

/// The journal's state and its guidance, before any passphrase.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JournalGuide {
    /// Whether one has a journal (a key) yet.
    pub started: bool,
    pub entries: usize,
    pub intro: &'static str,
    pub prompts: Vec<PromptView>,
    pub source: &'static str,
    pub warning: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PromptView {
    pub id: &'static str,
    /// `mindfulness`, `common_humanity` or `self_kindness`.
    pub part: String,
    pub text: &'static str,
}

impl From<&Prompt> for PromptView {
    fn from(p: &Prompt) -> PromptView {
        PromptView {
            id: p.id,
            part: serde_json::to_value(p.part)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            text: p.text,
        }
    }
}

pub async fn guide(store: &Store, actor: &Actor) -> Result<JournalGuide> {
    let owner = actor.owner()?;
    Ok(JournalGuide {
        started: store.journal_key(owner).await?.is_some(),
        entries: usize::try_from(store.count_journal_entries(owner).await?).unwrap_or(0),
        intro: JOURNAL_INTRO,
        prompts: JOURNAL_PROMPTS.iter().map(PromptView::from).collect(),
        source: JOURNAL_SOURCE,
        warning: FORGOTTEN_PASSPHRASE,
    })
}

/// A new entry: the text with the passphrase (sealed here, for this request only).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub passphrase: String,
    pub text: String,
    pub incident_id: Option<IncidentId>,
}

/// An entry, opened.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: JournalEntryId,
    pub incident_id: Option<IncidentId>,
    pub written_at: Timestamp,
    pub text: String,
}

fn owner_label(owner: Owner) -> String {
    format!("person:{}", owner.person_id())
}

/// Unlocks the owner's data key, making the journal on first use.
async fn unlock(
    store: &Store,
    owner: Owner,
    passphrase: &str,
    create: bool,
) -> Result<UnlockedKey> {
    if passphrase.is_empty() {
        return Err(AppError::invalid("passphrase", "is required"));
    }
    match store.journal_key(owner).await? {
        Some(stored) => {
            let wrapped = WrappedKey::from_base64(&stored)
                .map_err(|e| AppError::Internal(format!("stored journal key: {e}")))?;
            // argon2 is deliberately slow: off the async workers.
            let pass = passphrase.to_owned();
            tokio::task::spawn_blocking(move || wrapped.unlock(&pass))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(|_| AppError::invalid("passphrase", "does not open your journal"))
        }
        None if create => {
            if passphrase.chars().count() < MIN_PASSPHRASE {
                return Err(AppError::invalid(
                    "passphrase",
                    format!(
                        "must be at least {MIN_PASSPHRASE} characters: it alone protects your journal"
                    ),
                ));
            }
            let pass = passphrase.to_owned();
            let (wrapped, key) = tokio::task::spawn_blocking(move || {
                Keyring::default().create(&pass, &mut rand::rng())
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(format!("journal key: {e}")))?;
            if store
                .create_journal_key(owner, &wrapped.to_base64())
                .await?
            {
                Ok(key)
            } else {
                // Another request made the journal a moment ago: open that one.
                Box::pin(unlock(store, owner, passphrase, false)).await
            }
        }
        None => Err(AppError::NotFound(
            "your journal (write a first entry to start it)".into(),
        )),
    }
}

fn entry_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Writes an entry. On the first one, the passphrase starts the journal.
pub async fn write(store: &Store, actor: &Actor, new: &NewEntry) -> Result<Entry> {
    let owner = actor.owner()?;
    let text = new.text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("text", "is empty"));
    }
    if text.len() > MAX_ENTRY {
        return Err(AppError::invalid(
            "text",
            format!("must be at most {MAX_ENTRY} bytes"),
        ));
    }
    if let Some(i) = new.incident_id
        && store.incident(i).await?.is_none()
    {
        return Err(AppError::invalid(
            "incident_id",
            format!("there is no incident {i}"),
        ));
    }
    let key = unlock(store, owner, &new.passphrase, true).await?;
    let name = entry_key();
    let sealed = key
        .seal(&owner_label(owner), &name, text.as_bytes())
        .map_err(|e| AppError::Internal(format!("sealing: {e}")))?;
    let row = store
        .add_journal_entry(owner, new.incident_id, &name, &sealed.to_base64())
        .await?;
    Ok(Entry {
        id: row.id,
        incident_id: row.incident_id,
        written_at: Timestamp::from_millisecond(row.created_at).unwrap_or_default(),
        text: text.to_owned(),
    })
}

/// Opens every entry with the passphrase, newest first.
pub async fn read(store: &Store, actor: &Actor, passphrase: &str) -> Result<Vec<Entry>> {
    let owner = actor.owner()?;
    let key = unlock(store, owner, passphrase, false).await?;
    let label = owner_label(owner);
    let mut out = Vec::new();
    for row in store.journal_entries(owner).await? {
        let sealed = Sealed::from_base64(&row.sealed)
            .map_err(|e| AppError::Internal(format!("journal entry {}: {e}", row.id)))?;
        let text = key
            .open_text(&label, &row.entry_key, &sealed)
            .map_err(|_| AppError::Internal(format!("journal entry {} does not open", row.id)))?;
        out.push(Entry {
            id: row.id,
            incident_id: row.incident_id,
            written_at: Timestamp::from_millisecond(row.created_at).unwrap_or_default(),
            text: text.to_string(),
        });
    }
    Ok(out)
}

/// The whole journal as Markdown, for the person to keep.
pub async fn export_markdown(store: &Store, actor: &Actor, passphrase: &str) -> Result<String> {
    let mut entries = read(store, actor, passphrase).await?;
    entries.reverse();
    let mut out = String::from("# My Aftercare journal\n\n");
    for e in entries {
        out.push_str(&format!(
            "## {}\n\n{}\n\n",
            e.written_at.strftime("%Y-%m-%d %H:%M UTC"),
            e.text
        ));
    }
    Ok(out)
}

/// Changes the passphrase: the same data key wrapped again, entries untouched.
pub async fn change_passphrase(store: &Store, actor: &Actor, old: &str, new: &str) -> Result<()> {
    let owner = actor.owner()?;
    if new.chars().count() < MIN_PASSPHRASE {
        return Err(AppError::invalid(
            "new_passphrase",
            format!("must be at least {MIN_PASSPHRASE} characters"),
        ));
    }
    let stored = store
        .journal_key(owner)
        .await?
        .ok_or_else(|| AppError::NotFound("your journal".into()))?;
    let wrapped = WrappedKey::from_base64(&stored)
        .map_err(|e| AppError::Internal(format!("stored journal key: {e}")))?;
    let (old, new) = (old.to_owned(), new.to_owned());
    let rewrapped = tokio::task::spawn_blocking(move || {
        Keyring::default().change_passphrase(&wrapped, &old, &new, &mut rand::rng())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| match e {
        aftercare_journal::JournalError::WrongPassphrase(_) => {
            AppError::invalid("passphrase", "does not open your journal")
        }
        other => AppError::Internal(other.to_string()),
    })?;
    if !store
        .rewrap_journal_key(owner, &stored, &rewrapped.to_base64())
        .await?
    {
        return Err(AppError::Conflict(
            "your passphrase was changed meanwhile; try again".into(),
        ));
    }
    Ok(())
}

pub async fn delete_entry(store: &Store, actor: &Actor, id: JournalEntryId) -> Result<()> {
    let owner = actor.owner()?;
    if !store.delete_journal_entry(owner, id).await? {
        return Err(AppError::NotFound(format!("journal entry {id} of yours")));
    }
    Ok(())
}

/// Deletes every entry and the key: no passphrase needed to throw one's own journal away.
pub async fn delete_all(store: &Store, actor: &Actor) -> Result<u64> {
    let owner = actor.owner()?;
    Ok(store.delete_journal(owner).await?)
}
