//! The passphrase-to-key derivation: argon2id with parameters stored beside each wrapped key.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::{JournalError, KEY_LEN};

/// Argon2id cost parameters.
///
/// They are stored with every wrapped key, so they can be raised for new keys without breaking old
/// ones. Bounds are checked both when made and when read back from storage: a stored key altered to ask
/// for, say, 64 GiB of memory is refused before any memory is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

/// At most 1 GiB of memory: far above anything a request should spend, low enough to refuse a
/// tampered key that would exhaust the server.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 16;
const MAX_PARALLELISM: u32 = 16;

impl KdfParams {
    /// The parameters new keys get: argon2id with 64 MiB, 3 passes, 1 lane, RFC 9106's second
    /// recommended option except for the lanes (RFC 9106 §4: "t=3, p=4, m=2^16"). One lane, because the
    /// argon2 crate is built without threads here, so four lanes would cost four times the time for no
    /// gain in an attacker's cost per guess beyond the memory. Measured at 0.28 s per derivation (release)
    /// and 0.32 s (dev profile) on the 2-core build machine while two other builds ran (`examples/
    /// kdf_timing.rs`, README): well under a second, and every unlock pays it once, which is the point.
    pub const RECOMMENDED: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Parameters of your own, e.g. low cost ones for tests (`KdfParams::new(8, 1, 1)`). Refuses values
    /// argon2 does not accept or beyond this crate's bounds (1 GiB, 16 passes, 16 lanes).
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, JournalError> {
        let fail = |name, value, reason| {
            Err(JournalError::Params {
                name,
                value,
                reason,
            })
        };
        if !(1..=MAX_PARALLELISM).contains(&parallelism) {
            return fail("parallelism", parallelism, "must be 1 to 16");
        }
        if !(1..=MAX_ITERATIONS).contains(&iterations) {
            return fail("iterations", iterations, "must be 1 to 16");
        }
        // Argon2 needs at least 8 KiB of memory per lane.
        if memory_kib < 8 * parallelism {
            return fail("memory_kib", memory_kib, "must be at least 8 KiB per lane");
        }
        if memory_kib > MAX_MEMORY_KIB {
            return fail(
                "memory_kib",
                memory_kib,
                "must be at most 1 GiB (1048576 KiB)",
            );
        }
        Ok(KdfParams {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// Memory cost in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    /// Number of passes.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Number of lanes.
    pub fn parallelism(&self) -> u32 {
        self.parallelism
    }

    /// The 256-bit key for `passphrase` and `salt`.
    pub(crate) fn derive(
        &self,
        passphrase: &[u8],
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, JournalError> {
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| JournalError::Kdf(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(passphrase, salt, out.as_mut_slice())
            .map_err(|e| JournalError::Kdf(e.to_string()))?;
        Ok(out)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::RECOMMENDED
    }
}
