//! The results a later run may trust: `<root>/.marketplace-cache/links.json`, good results
//! only (an accepted status, an image that exists), each with the time it was checked,
//! kept for `[check] cache_max_age_hours`. A 429, a 5xx, a timeout or any other failure is
//! never kept: the next run asks again. The file is sorted (the same results give the
//! same bytes); a file that does not parse is ignored (and replaced); `cachedir` writes it
//! atomically, beside its `.gitignore`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cachedir;

pub const FILE: &str = "links.json";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct OnDisk {
    version: u32,
    /// URL (or `docker <registry> <image>:<tag>`) -> when it was found good, in seconds
    /// since the Unix epoch.
    good: BTreeMap<String, i64>,
}

pub struct Cache {
    root: PathBuf,
    good: BTreeMap<String, i64>,
    max_age: i64,
}

impl Cache {
    /// The cache of `root`; empty when there is none, it does not parse, or
    /// `max_age_hours` is 0 (no cache at all: `save` then writes nothing either).
    pub fn load(root: &Path, max_age_hours: u64) -> Cache {
        let max_age = i64::try_from(max_age_hours.saturating_mul(3600)).unwrap_or(i64::MAX);
        let good = match max_age {
            0 => BTreeMap::new(),
            _ => cachedir::read(root, FILE)
                .and_then(|bytes| serde_json::from_slice::<OnDisk>(&bytes).ok())
                .filter(|d| d.version == VERSION)
                .map(|d| d.good)
                .unwrap_or_default(),
        };
        Cache { root: root.to_path_buf(), good, max_age }
    }

    /// Whether `key` was found good less than the maximum age before `now`.
    pub fn fresh(&self, key: &str, now: i64) -> bool {
        self.good.get(key).is_some_and(|&at| at <= now && now - at < self.max_age)
    }

    pub fn record(&mut self, key: String, now: i64) {
        self.good.insert(key, now);
    }

    /// Writes the fresh entries, the old ones dropped.
    pub fn save(&mut self, now: i64) -> std::io::Result<()> {
        if self.max_age == 0 {
            return Ok(());
        }
        let max_age = self.max_age;
        self.good.retain(|_, at| *at <= now && now - *at < max_age);
        let disk = OnDisk { version: VERSION, good: std::mem::take(&mut self.good) };
        let mut json = serde_json::to_vec_pretty(&disk).map_err(std::io::Error::other)?;
        self.good = disk.good;
        json.push(b'\n');
        cachedir::write(&self.root, FILE, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_fresh_good_results_and_ignores_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Cache::load(dir.path(), 24);
        assert!(!c.fresh("https://a.example/", 1000));
        c.record("https://b.example/".into(), 1000);
        c.record("https://a.example/".into(), 1000);
        c.record("https://old.example/".into(), 1000 - 24 * 3600);
        c.save(1000).unwrap();
        let text = std::fs::read_to_string(cachedir::path(dir.path(), FILE)).unwrap();
        assert_eq!(text, "{\n  \"version\": 1,\n  \"good\": {\n    \"https://a.example/\": 1000,\n    \"https://b.example/\": 1000\n  }\n}\n");
        assert!(dir.path().join(cachedir::DIR).join(".gitignore").exists());
        let c = Cache::load(dir.path(), 24);
        assert!(c.fresh("https://a.example/", 1000 + 3600));
        assert!(!c.fresh("https://a.example/", 1000 + 24 * 3600));
        assert!(!c.fresh("https://old.example/", 1000));
        // A shorter maximum age in site.toml applies to what is already there.
        assert!(!Cache::load(dir.path(), 1).fresh("https://a.example/", 1000 + 2 * 3600));

        std::fs::write(cachedir::path(dir.path(), FILE), "{ not json").unwrap();
        let mut c = Cache::load(dir.path(), 24);
        assert!(!c.fresh("https://a.example/", 1000));
        c.record("https://c.example/".into(), 2000);
        c.save(2000).unwrap();
        assert!(Cache::load(dir.path(), 24).fresh("https://c.example/", 2000));
    }

    #[test]
    fn no_cache_when_the_maximum_age_is_zero() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Cache::load(dir.path(), 0);
        c.record("https://a.example/".into(), 1000);
        assert!(!c.fresh("https://a.example/", 1000));
        c.save(1000).unwrap();
        assert!(!dir.path().join(cachedir::DIR).exists());
    }
}
