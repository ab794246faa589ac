use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;

/// Argon2's minimum cost, so that the many derivations in these tests stay fast. Production code uses
/// `Keyring::default()`; one test below checks that too.
fn cheap() -> Keyring {
    Keyring::new(KdfParams::new(8, 1, 1).expect("valid test parameters"))
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(7)
}

#[test]
fn roundtrip() {
    let (wrapped, key) = cheap().create("correct horse", &mut rng()).unwrap();
    let sealed = key.seal("alice", "entry-1", b"I felt awful").unwrap();
    assert_eq!(
        &*key.open("alice", "entry-1", &sealed).unwrap(),
        b"I felt awful"
    );
    // The same after unlocking afresh from storage.
    let stored = WrappedKey::from_bytes(&wrapped.to_bytes()).unwrap();
    let again = stored.unlock("correct horse").unwrap();
    let sealed = Sealed::from_base64(&sealed.to_base64()).unwrap();
    assert_eq!(
        &*again.open_text("alice", "entry-1", &sealed).unwrap(),
        "I felt awful"
    );
}

#[test]
fn recommended_parameters_roundtrip() {
    let keyring = Keyring::default();
    assert_eq!(keyring.params(), KdfParams::RECOMMENDED);
    let (wrapped, _) = keyring.create("a long passphrase", &mut rng()).unwrap();
    assert_eq!(wrapped.params(), KdfParams::RECOMMENDED);
    assert!(wrapped.unlock("a long passphrase").is_ok());
}

#[test]
fn wrong_passphrase_fails() {
    let (wrapped, _) = cheap().create("correct horse", &mut rng()).unwrap();
    assert_eq!(
        wrapped.unlock("correct horsf").unwrap_err(),
        WrongPassphrase
    );
    assert_eq!(wrapped.unlock("").unwrap_err(), WrongPassphrase);
}

#[test]
fn empty_passphrase_is_refused() {
    assert_eq!(
        cheap().create("", &mut rng()).unwrap_err(),
        JournalError::EmptyPassphrase
    );
}

#[test]
fn tampered_ciphertext_fails() {
    let (_, key) = cheap().create("pw", &mut rng()).unwrap();
    let sealed = key.seal("alice", "1", b"text").unwrap();
    let bytes = sealed.to_bytes();
    for i in 1..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        let t = Sealed::from_bytes(&t).unwrap();
        assert_eq!(
            key.open("alice", "1", &t).unwrap_err(),
            CannotOpen,
            "byte {i}"
        );
    }
    // Truncated to an empty message's length: still only a tag that does not verify.
    let short = Sealed::from_bytes(&bytes[..1 + NONCE_LEN + TAG_LEN]).unwrap();
    assert!(key.open("alice", "1", &short).is_err());
}

#[test]
fn swapped_owner_or_entry_fails() {
    let (_, key) = cheap().create("pw", &mut rng()).unwrap();
    let sealed = key.seal("alice", "1", b"text").unwrap();
    assert_eq!(key.open("bob", "1", &sealed).unwrap_err(), CannotOpen);
    assert_eq!(key.open("alice", "2", &sealed).unwrap_err(), CannotOpen);
    // Length prefixes keep the boundary between owner and entry id.
    let sealed = key.seal("ab", "c", b"text").unwrap();
    assert!(key.open("a", "bc", &sealed).is_err());
}

#[test]
fn another_persons_key_fails() {
    let (_, alice) = cheap().create("pw", &mut rng()).unwrap();
    let (_, bob) = cheap().create("pw", &mut StdRng::seed_from_u64(8)).unwrap();
    let sealed = alice.seal("alice", "1", b"text").unwrap();
    assert!(bob.open("alice", "1", &sealed).is_err());
}

#[test]
fn passphrase_change_keeps_entries_readable() {
    let keyring = cheap();
    let mut rng = rng();
    let (wrapped, key) = keyring.create("old one", &mut rng).unwrap();
    let sealed = key.seal("alice", "1", b"kept").unwrap();
    let rewrapped = keyring
        .change_passphrase(&wrapped, "old one", "new one", &mut rng)
        .unwrap();
    assert_ne!(rewrapped.to_bytes(), wrapped.to_bytes());
    assert!(rewrapped.unlock("old one").is_err());
    let key = rewrapped.unlock("new one").unwrap();
    assert_eq!(&*key.open("alice", "1", &sealed).unwrap(), b"kept");
    // The old passphrase cannot change it again.
    assert_eq!(
        keyring
            .change_passphrase(&rewrapped, "old one", "x", &mut rng)
            .unwrap_err(),
        JournalError::WrongPassphrase(WrongPassphrase)
    );
}

#[test]
fn two_seals_differ() {
    let (_, key) = cheap().create("pw", &mut rng()).unwrap();
    let a = key.seal("alice", "1", b"same").unwrap();
    let b = key.seal("alice", "1", b"same").unwrap();
    assert_ne!(a, b);
    assert_ne!(
        a.to_bytes()[1..1 + NONCE_LEN],
        b.to_bytes()[1..1 + NONCE_LEN]
    );
}

#[test]
fn tampered_wrapped_key_fails() {
    let (wrapped, _) = cheap().create("pw", &mut rng()).unwrap();
    let bytes = wrapped.to_bytes();
    // Every byte after the parameters: salt, nonce and ciphertext.
    for i in 13..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x80;
        let t = WrappedKey::from_bytes(&t).unwrap();
        assert!(t.unlock("pw").is_err(), "byte {i}");
    }
    // Raising the memory cost (still in bounds) derives another key: refused, not silently used.
    let mut t = bytes.clone();
    t[1..5].copy_from_slice(&16u32.to_be_bytes());
    assert!(WrappedKey::from_bytes(&t).unwrap().unlock("pw").is_err());
}

#[test]
fn malformed_stored_forms_are_refused() {
    let (wrapped, key) = cheap().create("pw", &mut rng()).unwrap();
    let bytes = wrapped.to_bytes();
    assert!(matches!(
        WrappedKey::from_bytes(&bytes[..50]),
        Err(JournalError::Malformed {
            what: "wrapped key",
            ..
        })
    ));
    let mut v2 = bytes.clone();
    v2[0] = 2;
    assert!(WrappedKey::from_bytes(&v2).is_err());
    // A key altered to demand 4 GiB is refused before argon2 allocates anything.
    let mut huge = bytes.clone();
    huge[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        WrappedKey::from_bytes(&huge),
        Err(JournalError::Params {
            name: "memory_kib",
            ..
        })
    ));
    assert!(WrappedKey::from_base64("not base64!").is_err());
    assert!(Sealed::from_bytes(&[1u8; 10]).is_err());
    let mut sealed = key.seal("a", "1", b"x").unwrap().to_bytes();
    sealed[0] = 9;
    assert!(Sealed::from_bytes(&sealed).is_err());
}

#[test]
fn params_bounds() {
    assert!(KdfParams::new(8, 1, 1).is_ok());
    assert!(KdfParams::new(7, 1, 1).is_err());
    assert!(KdfParams::new(16, 1, 4).is_err());
    assert!(KdfParams::new(64, 0, 1).is_err());
    assert!(KdfParams::new(64, 1, 0).is_err());
    assert!(KdfParams::new(2 * 1024 * 1024, 1, 1).is_err());
    assert!(KdfParams::new(64, 17, 1).is_err());
}

#[test]
fn serde_uses_base64() {
    let (wrapped, key) = cheap().create("pw", &mut rng()).unwrap();
    let sealed = key.seal("a", "1", b"x").unwrap();
    let json = serde_json::to_string(&(&wrapped, &sealed)).unwrap();
    let (w, s): (WrappedKey, Sealed) = serde_json::from_str(&json).unwrap();
    assert_eq!(w, wrapped);
    assert_eq!(s, sealed);
    assert_eq!(
        json,
        format!("[\"{}\",\"{}\"]", wrapped.to_base64(), sealed.to_base64())
    );
}

#[test]
fn debug_shows_no_secrets() {
    let (wrapped, key) = cheap().create("pw", &mut rng()).unwrap();
    assert_eq!(format!("{key:?}"), "UnlockedKey(..)");
    assert!(!format!("{wrapped:?}").contains("salt"));
}

#[test]
fn invalid_utf8_does_not_open_as_text() {
    let (_, key) = cheap().create("pw", &mut rng()).unwrap();
    let sealed = key.seal("a", "1", &[0xff, 0xfe]).unwrap();
    assert!(key.open("a", "1", &sealed).is_ok());
    assert!(key.open_text("a", "1", &sealed).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_roundtrips_and_binds(
        owner in "[a-z0-9-]{0,12}",
        entry in "[a-z0-9-]{0,12}",
        other in "[a-z0-9-]{0,12}",
        text in proptest::collection::vec(any::<u8>(), 0..2048),
        seed in any::<u64>(),
    ) {
        let mut rng = StdRng::seed_from_u64(seed);
        let (_, key) = cheap().create("pw", &mut rng).unwrap();
        let sealed = key.seal_with(&mut rng, &owner, &entry, &text).unwrap();
        prop_assert_eq!(&*key.open(&owner, &entry, &sealed).unwrap(), &text[..]);
        let back = Sealed::from_bytes(&sealed.to_bytes()).unwrap();
        prop_assert_eq!(&*key.open(&owner, &entry, &back).unwrap(), &text[..]);
        if other != owner {
            prop_assert!(key.open(&other, &entry, &sealed).is_err());
        }
        if other != entry {
            prop_assert!(key.open(&owner, &other, &sealed).is_err());
        }
    }
}
