//! The language lens behind `POST /api/v1/lens`, built once and shared: building
//! compiles its matchers, which costs far more than checking a paragraph, and the
//! review editor calls it as people type. It is rebuilt only when the people
//! directory's names (which feed the blame-naming rule) change.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aftercare_lens::{Config, Finding, Lens};

/// The lens last built, keyed by a hash of the names it was built with.
type Built = Option<(u64, Arc<Lens>)>;

#[derive(Clone, Default)]
pub struct LensCache {
    built: Arc<Mutex<Built>>,
    /// Checks that stopped early because their request had gone.
    cancelled: Arc<AtomicUsize>,
}

/// Sets its flag when dropped: when the request future awaiting a check is dropped (the client
/// went away, or the timeout answered 408), the check on the blocking pool sees the flag
/// between sentences and stops, instead of burning a core for nobody.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn names_key(names: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    names.hash(&mut h);
    h.finish()
}

impl LensCache {
    /// The lens for this set of names, building it if the names changed.
    pub fn lens(&self, mut names: Vec<String>) -> Arc<Lens> {
        names.sort();
        names.dedup();
        let key = names_key(&names);
        let mut built = self
            .built
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((k, lens)) = built.as_ref()
            && *k == key
        {
            return lens.clone();
        }
        let lens = Arc::new(Lens::new(Config::default().with_names(names)));
        *built = Some((key, lens.clone()));
        lens
    }

    pub async fn check(&self, text: String, names: Vec<String>) -> Vec<Finding> {
        let lens = self.lens(names);
        let cancel = Arc::new(AtomicBool::new(false));
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        let cancelled = self.cancelled.clone();
        // Always off the async workers, whatever the size: even a short text is milliseconds of
        // CPU, and many of them (the lens page checks as people type) would slow every other
        // request.
        let work = tokio::task::spawn_blocking(move || {
            let findings = lens.check_cancellable(&text, &cancel);
            if findings.is_none() {
                cancelled.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(
                    bytes = text.len(),
                    "lens check stopped: its request has gone"
                );
            }
            findings
        });
        match work.await {
            Ok(findings) => findings.unwrap_or_default(),
            Err(e) => {
                tracing::error!(error = %e, "lens check panicked");
                Vec::new()
            }
        }
    }

    /// How many checks stopped early because their request had gone.
    pub fn cancelled(&self) -> usize {
        self.cancelled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lens_is_reused_until_the_names_change() {
        let cache = LensCache::default();
        let a = cache.lens(vec!["Alex".into(), "Sam".into()]);
        let b = cache.lens(vec!["Sam".into(), "Alex".into()]);
        assert!(
            Arc::ptr_eq(&a, &b),
            "same names in another order: same lens"
        );
        let c = cache.lens(vec!["Alex".into()]);
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[tokio::test]
    async fn large_texts_are_checked_too() {
        let cache = LensCache::default();
        let mut text = "The disk filled up.\n\n".repeat(5_000);
        text.push_str("The outage was caused by human error.\n");
        let findings = cache.check(text, vec![]).await;
        assert!(
            findings.iter().any(|f| f.start.line == 10_001),
            "{findings:?}"
        );
    }

    /// A check whose request is dropped (a client gone, a 408) stops soon after, between
    /// sentences, rather than running to the end on the blocking pool.
    #[tokio::test]
    async fn a_dropped_check_stops_early() {
        let cache = LensCache::default();
        // Far more than the few milliseconds the request waits: seconds in a debug build.
        let text = "The on-call engineer should have known it was human error and obviously \
                    simply forgot to check the dashboard.\n"
            .repeat(8_000);
        assert!(text.len() < 1 << 20);
        let waited = tokio::time::timeout(
            std::time::Duration::from_millis(20),
            cache.check(text, vec![]),
        )
        .await;
        assert!(
            waited.is_err(),
            "the check finished before the request was dropped"
        );
        // The work notices the flag and stops; it is not timed, only waited for.
        let started = std::time::Instant::now();
        while cache.cancelled() == 0 {
            assert!(started.elapsed().as_secs() < 120, "the check never stopped");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(cache.cancelled(), 1);
        // A check that is awaited to the end is not counted as stopped.
        let findings = cache.check("It was human error.".to_string(), vec![]).await;
        assert_eq!(findings.len(), 1);
        assert_eq!(cache.cancelled(), 1);
    }
}
