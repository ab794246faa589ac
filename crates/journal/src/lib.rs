//! End-to-end encrypted journal entries: pure functions, no I/O.
//!
//! A person's journal is readable only with their passphrase (issue 7, item 4): not by the server, its
//! admins or its backups. The scheme is envelope encryption with the person's passphrase at the top:
//!
//! 1. Each person has one random 256-bit **data key**.
//! 2. The data key is stored **wrapped** ([`WrappedKey`]): encrypted with XChaCha20-Poly1305 under a key
//!    derived from the passphrase by argon2id, with the salt and the argon2 parameters stored beside it
//!    (so parameters can be raised later without breaking old keys).
//! 3. Each entry is **sealed** ([`Sealed`]) with XChaCha20-Poly1305 under the data key, with a fresh
//!    random 192-bit nonce (large enough that random nonces never collide in practice) and associated
//!    data that binds the ciphertext to its owner and entry id: a ciphertext copied to another row or
//!    another person's journal does not open.
//! 4. Changing the passphrase re-wraps the same data key ([`Keyring::rewrap`]); entries stay as they are.
//!
//! A forgotten passphrase means the data key, and so every entry, is gone: there is deliberately no
//! recovery path, since any recovery key the server held would let the server read the journal.
//!
//! Secrets (the data key, the derived key, opened plaintexts) live in [`zeroize::Zeroizing`] buffers and
//! are wiped when dropped; the cipher's own key schedule is wiped too (chacha20poly1305's `zeroize`
//! feature), as are argon2's memory blocks (argon2's `zeroize` feature).
//!
//! Randomness comes from the caller's cryptographic RNG ([`rand::CryptoRng`]); the functions without an
//! `rng` argument use [`rand::rng`] (a ChaCha12 generator seeded and reseeded from the operating system).

mod format;
mod kdf;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand::CryptoRng;
use zeroize::Zeroizing;

pub use crate::format::{Sealed, WrappedKey};
pub use crate::kdf::KdfParams;

/// Length of the data key and of the passphrase-derived key, in bytes.
pub const KEY_LEN: usize = 32;
/// Length of an XChaCha20-Poly1305 nonce, in bytes.
pub const NONCE_LEN: usize = 24;
/// Length of the Poly1305 tag appended to every ciphertext, in bytes.
pub const TAG_LEN: usize = 16;
/// Length of an argon2 salt, in bytes (RFC 9106 recommends 16).
pub const SALT_LEN: usize = 16;

/// Domain separation for the two kinds of ciphertext, so a wrapped key can never be passed off as an
/// entry or the other way round, and a later format version cannot be confused with this one.
const WRAP_CONTEXT: &[u8] = b"aftercare-journal/wrapped-key/v1";
const ENTRY_CONTEXT: &[u8] = b"aftercare-journal/entry/v1";

/// The passphrase does not unlock this key (or the stored key was altered: the two cannot be told
/// apart, by design of authenticated encryption).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the passphrase does not unlock this journal")]
pub struct WrongPassphrase;

/// A sealed entry does not open with this key, owner and entry id: it was altered, moved to another
/// row or person, or sealed under another key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this journal entry cannot be opened with this key for this owner and entry")]
pub struct CannotOpen;

/// Errors other than a wrong passphrase or an entry that does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    /// An empty passphrase would make the key derivation pointless.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// Argon2 parameters out of the accepted bounds.
    #[error("argon2 parameter {name} = {value}: {reason}")]
    Params {
        name: &'static str,
        value: u32,
        reason: &'static str,
    },
    /// Stored bytes that are not a wrapped key or a sealed entry of a known version.
    #[error("malformed {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
    /// The key derivation failed (argon2 refused its inputs).
    #[error("key derivation failed: {0}")]
    Kdf(String),
    /// The cipher refused to seal (only for inputs far beyond any journal entry's size).
    #[error("could not seal the entry")]
    Seal,
    #[error(transparent)]
    WrongPassphrase(#[from] WrongPassphrase),
}

/// Makes and re-wraps data keys with one set of argon2 parameters.
///
/// `Keyring::default()` uses [`KdfParams::RECOMMENDED`]; tests and constrained machines pass their own
/// through [`Keyring::new`]. Unlocking always uses the parameters stored with the key, whatever the
/// keyring's, so old keys keep opening after the defaults change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Keyring {
    params: KdfParams,
}

impl Keyring {
    /// A keyring that derives wrapping keys with `params`.
    pub fn new(params: KdfParams) -> Self {
        Keyring { params }
    }

    /// The parameters new keys are wrapped with.
    pub fn params(&self) -> KdfParams {
        self.params
    }

    /// A new random data key for one person, wrapped under `passphrase`. Store the [`WrappedKey`]; use
    /// the [`UnlockedKey`] for the request at hand and drop it.
    pub fn create<R: CryptoRng + ?Sized>(
        &self,
        passphrase: &str,
        rng: &mut R,
    ) -> Result<(WrappedKey, UnlockedKey), JournalError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(key.as_mut_slice());
        let unlocked = UnlockedKey { key };
        let wrapped = self.rewrap(&unlocked, passphrase, rng)?;
        Ok((wrapped, unlocked))
    }

    /// Wraps an unlocked data key under a (new) passphrase, with a fresh salt and nonce. This is how a
    /// passphrase changes: unlock with the old one, re-wrap with the new one, store the result in place
    /// of the old wrapped key. Entries are untouched, since the data key is the same.
    pub fn rewrap<R: CryptoRng + ?Sized>(
        &self,
        key: &UnlockedKey,
        passphrase: &str,
        rng: &mut R,
    ) -> Result<WrappedKey, JournalError> {
        if passphrase.is_empty() {
            return Err(JournalError::EmptyPassphrase);
        }
        let mut salt = [0u8; SALT_LEN];
        rng.fill_bytes(&mut salt);
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let kek = self.params.derive(passphrase.as_bytes(), &salt)?;
        let header = format::wrap_header(self.params, &salt);
        let aad = [WRAP_CONTEXT, &header].concat();
        let cipher = cipher_for(&kek);
        let ciphertext = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: key.key.as_slice(),
                    aad: &aad,
                },
            )
            .map_err(|_| JournalError::Seal)?;
        WrappedKey::from_parts(self.params, salt, nonce, ciphertext)
    }

    /// Unlocks `wrapped` with `old` and re-wraps its data key under `new`.
    pub fn change_passphrase<R: CryptoRng + ?Sized>(
        &self,
        wrapped: &WrappedKey,
        old: &str,
        new: &str,
        rng: &mut R,
    ) -> Result<WrappedKey, JournalError> {
        let key = wrapped.unlock(old)?;
        self.rewrap(&key, new, rng)
    }
}

impl WrappedKey {
    /// The data key, if `passphrase` is the one it was wrapped under.
    pub fn unlock(&self, passphrase: &str) -> Result<UnlockedKey, WrongPassphrase> {
        // A key whose stored parameters argon2 refuses cannot be opened by any passphrase; to the
        // caller that is the same answer.
        let kek = self
            .params()
            .derive(passphrase.as_bytes(), self.salt())
            .map_err(|_| WrongPassphrase)?;
        let header = format::wrap_header(self.params(), self.salt());
        let aad = [WRAP_CONTEXT, &header].concat();
        let cipher = cipher_for(&kek);
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    &XNonce::from(*self.nonce()),
                    Payload {
                        msg: self.ciphertext(),
                        aad: &aad,
                    },
                )
                .map_err(|_| WrongPassphrase)?,
        );
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        if plain.len() != KEY_LEN {
            return Err(WrongPassphrase);
        }
        key.copy_from_slice(&plain);
        Ok(UnlockedKey { key })
    }
}

/// A person's data key, unlocked for the duration of a request. Not `Clone`, wiped on drop, and its
/// `Debug` form shows nothing of the key.
pub struct UnlockedKey {
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl std::fmt::Debug for UnlockedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnlockedKey(..)")
    }
}

impl UnlockedKey {
    /// Seals `plaintext` as entry `entry_id` of `owner`, with a nonce from the thread's CSPRNG.
    pub fn seal(
        &self,
        owner: &str,
        entry_id: &str,
        plaintext: &[u8],
    ) -> Result<Sealed, JournalError> {
        self.seal_with(&mut rand::rng(), owner, entry_id, plaintext)
    }

    /// Like [`UnlockedKey::seal`], with the nonce drawn from `rng`.
    pub fn seal_with<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        owner: &str,
        entry_id: &str,
        plaintext: &[u8],
    ) -> Result<Sealed, JournalError> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let aad = entry_aad(owner, entry_id);
        let ciphertext = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| JournalError::Seal)?;
        Ok(Sealed::from_parts(nonce, ciphertext))
    }

    /// Opens entry `entry_id` of `owner`. Fails if the ciphertext was altered, or belongs to another
    /// entry, another owner or another key.
    pub fn open(
        &self,
        owner: &str,
        entry_id: &str,
        sealed: &Sealed,
    ) -> Result<Zeroizing<Vec<u8>>, CannotOpen> {
        let aad = entry_aad(owner, entry_id);
        self.cipher()
            .decrypt(
                &XNonce::from(*sealed.nonce()),
                Payload {
                    msg: sealed.ciphertext(),
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CannotOpen)
    }

    /// Opens an entry sealed from UTF-8 text, as text.
    pub fn open_text(
        &self,
        owner: &str,
        entry_id: &str,
        sealed: &Sealed,
    ) -> Result<Zeroizing<String>, CannotOpen> {
        let mut bytes = self.open(owner, entry_id, sealed)?;
        // Take the bytes out of the zeroizing buffer without copying, so no unwiped copy remains.
        let bytes = std::mem::take(&mut *bytes);
        String::from_utf8(bytes).map(Zeroizing::new).map_err(|e| {
            // Wipe the rejected bytes too.
            drop(Zeroizing::new(e.into_bytes()));
            CannotOpen
        })
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        cipher_for(&self.key)
    }
}

/// The cipher under `key`, borrowing the key rather than copying it into an unwiped temporary.
fn cipher_for(key: &[u8; KEY_LEN]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

/// The associated data of an entry: context, then owner and entry id each prefixed by its length, so
/// that no two (owner, entry id) pairs give the same bytes ("ab","c" against "a","bc").
fn entry_aad(owner: &str, entry_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(ENTRY_CONTEXT.len() + 16 + owner.len() + entry_id.len());
    aad.extend_from_slice(ENTRY_CONTEXT);
    for part in [owner.as_bytes(), entry_id.as_bytes()] {
        aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
        aad.extend_from_slice(part);
    }
    aad
}

#[cfg(test)]
mod tests;
