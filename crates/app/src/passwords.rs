//! Passwords: argon2id hashes, and what a password must be.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::RngCore;

use crate::error::{AppError, Result};

pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// An argon2id hash of a password nobody has, verified against when the account
/// is unknown so that a sign-in takes as long whether or not the email exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut random = [0u8; 24];
        rand::rng().fill_bytes(&mut random);
        hash_password(&hex::encode(random)).unwrap_or_default()
    })
}

/// What NIST SP 800-63B asks of a memorised secret: at least 8 characters, no
/// composition rules, and not a value known to be commonly used or easily guessed
/// (checked with zxcvbn's dictionaries of common passwords, names and words, and
/// against the person's own name and email).
pub fn check_password(password: &str, about: &[&str]) -> Result<()> {
    let chars = password.chars().count();
    if chars < 8 {
        return Err(AppError::invalid(
            "password",
            "must be at least 8 characters (NIST SP 800-63B)",
        ));
    }
    if chars > 1_024 {
        return Err(AppError::invalid(
            "password",
            "must be at most 1024 characters",
        ));
    }
    if password.trim().is_empty() {
        return Err(AppError::invalid("password", "must not be only spaces"));
    }
    // The person's own words count as guessable: the whole email and name, the
    // email's local part, and each word of them.
    let mut words: Vec<String> = Vec::new();
    for a in about {
        let a = a.to_lowercase();
        if let Some((local, _)) = a.split_once('@') {
            words.push(local.to_string());
        }
        words.extend(
            a.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 3)
                .map(str::to_string),
        );
        words.push(a);
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if (estimate.score() as u8) < 2 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "it is too easy to guess".into());
        return Err(AppError::invalid(
            "password",
            format!(
                "is too common or easy to guess ({hint}); a few unrelated words make a strong one"
            ),
        ));
    }
    Ok(())
}

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Only hashes of session ids and tokens are stored: a copy of the database does
/// not let anyone sign in.
pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_wrong_ones_fail() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(decoy_hash().starts_with("$argon2id$"));
    }

    #[test]
    fn weak_passwords_are_refused_naming_the_field() {
        for weak in [
            "short",
            "password",
            "        ",
            "12345678",
            "qwertyuiop",
            "alex.rivera",
        ] {
            match check_password(weak, &["alex.rivera@example.com", "Alex Rivera"]) {
                Err(AppError::Invalid { field, .. }) => assert_eq!(field, "password", "{weak}"),
                other => panic!("{weak:?} was not refused: {other:?}"),
            }
        }
        assert!(check_password("lantern orbit cactus", &[]).is_ok());
    }
}
