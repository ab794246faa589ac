//! The language lens behind `POST /api/v1/lens`, built once and shared: building
//! compiles its matchers, which costs far more than checking a paragraph, and the
//! review editor calls it as people type. It is rebuilt only when the people
//! directory's names (which feed the blame-naming rule) change.

use std::sync::{Arc, Mutex};

use aftercare_lens::{Config, Finding, Lens};

/// The lens last built, keyed by a hash of the names it was built with.
type Built = Option<(u64, Arc<Lens>)>;

#[derive(Clone, Default)]
pub struct LensCache {
    built: Arc<Mutex<Built>>,
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
        // Always off the async workers: even a short text is milliseconds of CPU, and many of
        // them (the lens page checks as people type) would slow every other request.
        match tokio::task::spawn_blocking(move || lens.check(&text)).await {
            Ok(findings) => findings,
            Err(e) => {
                tracing::error!(error = %e, "lens check panicked");
                Vec::new()
            }
        }
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
}
