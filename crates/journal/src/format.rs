//! The stored forms of wrapped keys and sealed entries: versioned bytes, or the same bytes in base64
//! (standard alphabet, padded) for text columns and JSON. Serde uses the base64 form.
//!
//! Wrapped key, version 1 (101 bytes):
//! `01 | memory_kib u32 BE | iterations u32 BE | parallelism u32 BE | salt (16) | nonce (24) |
//! ciphertext of the 32-byte data key + tag (48)`.
//!
//! Sealed entry, version 1: `01 | nonce (24) | ciphertext + tag (at least 16)`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{JournalError, KEY_LEN, KdfParams, NONCE_LEN, SALT_LEN, TAG_LEN};

const VERSION: u8 = 1;
const HEADER_LEN: usize = 1 + 12 + SALT_LEN;
const WRAPPED_LEN: usize = HEADER_LEN + NONCE_LEN + KEY_LEN + TAG_LEN;

/// A person's data key, encrypted under their passphrase. Safe to store: without the passphrase it
/// reveals nothing but the argon2 parameters and salt.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey {
    params: KdfParams,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

/// The bytes the wrapping binds as associated data: version, parameters and salt. Altering any of
/// them makes the key fail to unlock, rather than silently deriving with other parameters.
pub(crate) fn wrap_header(params: KdfParams, salt: &[u8; SALT_LEN]) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0] = VERSION;
    h[1..5].copy_from_slice(&params.memory_kib().to_be_bytes());
    h[5..9].copy_from_slice(&params.iterations().to_be_bytes());
    h[9..13].copy_from_slice(&params.parallelism().to_be_bytes());
    h[13..].copy_from_slice(salt);
    h
}

impl WrappedKey {
    pub(crate) fn from_parts(
        params: KdfParams,
        salt: [u8; SALT_LEN],
        nonce: [u8; NONCE_LEN],
        ciphertext: Vec<u8>,
    ) -> Result<Self, JournalError> {
        if ciphertext.len() != KEY_LEN + TAG_LEN {
            return Err(malformed_key(format!(
                "wrapped data key is {} bytes, expected {}",
                ciphertext.len(),
                KEY_LEN + TAG_LEN
            )));
        }
        Ok(WrappedKey {
            params,
            salt,
            nonce,
            ciphertext,
        })
    }

    /// The argon2 parameters this key was wrapped with.
    pub fn params(&self) -> KdfParams {
        self.params
    }

    pub(crate) fn salt(&self) -> &[u8; SALT_LEN] {
        &self.salt
    }

    pub(crate) fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    pub(crate) fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }

    /// The stored form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(WRAPPED_LEN);
        out.extend_from_slice(&wrap_header(self.params, &self.salt));
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    /// Reads the stored form back, checking its length, version and parameter bounds.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, JournalError> {
        if bytes.len() != WRAPPED_LEN {
            return Err(malformed_key(format!(
                "{} bytes, expected {WRAPPED_LEN}",
                bytes.len()
            )));
        }
        if bytes[0] != VERSION {
            return Err(malformed_key(format!("unknown version {}", bytes[0])));
        }
        let u32_at = |i: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&bytes[i..i + 4]);
            u32::from_be_bytes(b)
        };
        let params = KdfParams::new(u32_at(1), u32_at(5), u32_at(9))?;
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&bytes[13..HEADER_LEN]);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&bytes[HEADER_LEN..HEADER_LEN + NONCE_LEN]);
        let ciphertext = bytes[HEADER_LEN + NONCE_LEN..].to_vec();
        WrappedKey::from_parts(params, salt, nonce, ciphertext)
    }

    /// The stored form in base64.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.to_bytes())
    }

    /// Reads the base64 form back.
    pub fn from_base64(text: &str) -> Result<Self, JournalError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| malformed_key(format!("not base64: {e}")))?;
        WrappedKey::from_bytes(&bytes)
    }
}

fn malformed_key(reason: String) -> JournalError {
    JournalError::Malformed {
        what: "wrapped key",
        reason,
    }
}

fn malformed_entry(reason: String) -> JournalError {
    JournalError::Malformed {
        what: "sealed entry",
        reason,
    }
}

impl std::fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WrappedKey")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// One journal entry, encrypted. Safe to store; it opens only with the owner's data key, for the
/// owner and entry id it was sealed for.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl Sealed {
    pub(crate) fn from_parts(nonce: [u8; NONCE_LEN], ciphertext: Vec<u8>) -> Self {
        Sealed { nonce, ciphertext }
    }

    pub(crate) fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    pub(crate) fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }

    /// The stored form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + NONCE_LEN + self.ciphertext.len());
        out.push(VERSION);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    /// Reads the stored form back (also how ciphertext made in the browser comes in): checks the
    /// version and that there is room for a tag. Authenticity is checked only by
    /// [`crate::UnlockedKey::open`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, JournalError> {
        if bytes.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(malformed_entry(format!(
                "{} bytes, shorter than the {} of an empty entry",
                bytes.len(),
                1 + NONCE_LEN + TAG_LEN
            )));
        }
        if bytes[0] != VERSION {
            return Err(malformed_entry(format!("unknown version {}", bytes[0])));
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&bytes[1..1 + NONCE_LEN]);
        Ok(Sealed {
            nonce,
            ciphertext: bytes[1 + NONCE_LEN..].to_vec(),
        })
    }

    /// The stored form in base64.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.to_bytes())
    }

    /// Reads the base64 form back.
    pub fn from_base64(text: &str) -> Result<Self, JournalError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| malformed_entry(format!("not base64: {e}")))?;
        Sealed::from_bytes(&bytes)
    }
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} bytes)", self.ciphertext.len())
    }
}

macro_rules! base64_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_base64())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::from_base64(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

base64_serde!(WrappedKey);
base64_serde!(Sealed);
