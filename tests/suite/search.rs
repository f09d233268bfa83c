//! `search-index/` beyond the postings: compound parts are terms, the fuzzy shards list
//! every key under the shard its hash names, the suffix shards hold every long term by
//! its reversal, and each document has its excerpt text (docs/search-index.md).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{module_text, TestSite};

fn fnv1a32(s: &str) -> u32 {
    s.encode_utf16().fold(0x811c_9dc5, |h: u32, u| (h ^ u32::from(u)).wrapping_mul(0x0100_0193))
}

fn json(site: &TestSite, rel: &str) -> Value {
    let path = site.public().join("search-index").join(rel);
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn files_in(site: &TestSite, dir: &str) -> usize {
    std::fs::read_dir(site.public().join("search-index").join(dir)).map_or(0, |d| d.count())
}

/// A site whose titles and summaries hold compounds and whose description passes the
/// excerpt cap.
fn site() -> TestSite {
    let site = TestSite::new();
    let long: String = (0..2000).map(|i| format!("word{i}  \n ")).collect();
    site.module(
        "alpha.md",
        module_text("MobileNetV3 on an HTTPServer", &format!("Finds   satellites\n\nin images. {long}"))
            .replace("A module written by the test suite.", "Runs ai4eosc_thunder_nowcast_ml and resnet50."),
    );
    site.module("bravo.md", module_text("Bravo yolov8 detector", "Detects zebras and okapis."));
    site.build().expect(0);
    site
}

#[test]
fn compound_parts_are_terms() {
    let site = site();
    let meta = json(&site, "meta.json");
    let mut terms = BTreeSet::new();
    for k in 0..meta["shards"].as_array().unwrap().len() {
        for entry in json(&site, &format!("terms/{k}.json")).as_array().unwrap() {
            terms.insert(entry[0].as_str().unwrap().to_string());
        }
    }
    for t in ["mobilenetv3", "mobil", "net", "v3", "http", "server", "thunder", "nowcast", "eosc", "resnet", "yolov"] {
        assert!(terms.contains(t), "{t} is no term: {terms:?}");
    }
}

#[test]
fn fuzzy_shards_hold_every_key_where_its_hash_says() {
    let site = site();
    let meta = json(&site, "meta.json");
    let fuzzy = &meta["fuzzy"];
    assert_eq!((fuzzy["prefix"].as_u64(), fuzzy["window"].as_u64()), (Some(7), Some(4)), "{meta}");
    let shards = fuzzy["shards"].as_u64().unwrap() as usize;
    assert!(shards.is_power_of_two());
    assert_eq!(files_in(&site, "fuzzy"), shards);
    let mut words_of = std::collections::BTreeMap::new();
    let mut total = 2;
    for s in 0..shards {
        let bytes = std::fs::read(site.public().join(format!("search-index/fuzzy/{s}.json"))).unwrap();
        total += bytes.len() - 2 + usize::from(bytes.len() > 2);
        let entries: Vec<(String, Vec<String>)> = serde_json::from_slice(&bytes).unwrap();
        assert!(entries.windows(2).all(|p| p[0].0 < p[1].0), "keys sorted in shard {s}");
        for (key, words) in entries {
            assert_eq!(fnv1a32(&key) as usize % shards, s, "{key}");
            assert!(words.windows(2).all(|p| p[0] < p[1]), "{key}: {words:?}");
            words_of.insert(key, words);
        }
    }
    // The smallest power of two that keeps 4,096 bytes a shard at most.
    assert!(total - 1 <= shards * 4096 && (shards == 1 || total - 1 > shards / 2 * 4096), "{total} bytes");
    // satellites (10 units): its 7-unit prefix, one deletion of it, both windows.
    for key in ["satelli", "sateli", "<sate", "<ate", ">ites", ">tes"] {
        assert!(words_of[key].contains(&"satellites".to_string()), "{key}: {:?}", words_of.get(key));
    }
    // Compound parts and trimmed words are words; stop words and short words are not.
    assert!(words_of["thunder"].contains(&"thunder".to_string()));
    assert!(words_of["images"].contains(&"images".to_string()));
    assert!(!words_of.values().flatten().any(|w| w == "the" || w == "on" || w == "an" || w == "v3"));
}

#[test]
fn suffix_shards_hold_every_long_term_by_its_reversal() {
    let site = site();
    let meta = json(&site, "meta.json");
    let firsts: Vec<String> = serde_json::from_value(meta["suffix"].clone()).unwrap();
    assert_eq!(files_in(&site, "suffix"), firsts.len());
    let mut listed = Vec::new();
    for (k, first) in firsts.iter().enumerate() {
        let shard: Vec<String> = serde_json::from_value(json(&site, &format!("suffix/{k}.json"))).unwrap();
        assert_eq!(&shard[0], first);
        listed.extend(shard);
    }
    let reversed: Vec<Vec<u16>> = listed
        .iter()
        .map(|t| {
            let mut u: Vec<u16> = t.encode_utf16().collect();
            u.reverse();
            u
        })
        .collect();
    assert!(reversed.windows(2).all(|p| p[0] < p[1]), "in reversal order, once each");
    let mut expected = BTreeSet::new();
    for k in 0..meta["shards"].as_array().unwrap().len() {
        for entry in json(&site, &format!("terms/{k}.json")).as_array().unwrap() {
            let t = entry[0].as_str().unwrap();
            if t.encode_utf16().count() >= 5 {
                expected.insert(t.to_string());
            }
        }
    }
    assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert!(expected.contains("mobilenetv3") && expected.contains("thunder"));
}

#[test]
fn every_document_has_its_excerpt_text() {
    let site = site();
    let meta = json(&site, "meta.json");
    assert_eq!(meta["text"], 8000);
    assert_eq!(files_in(&site, "docs"), 2);
    assert_eq!(files_in(&site, "text"), 2);
    // Documents are numbered in slug order: alpha 0, bravo 1. The card holds no text (it
    // is fetched for the cards in view only): text/<doc>.json does, as a JSON string.
    assert_eq!(json(&site, "docs/0.json").as_array().unwrap().len(), 8);
    let alpha = json(&site, "text/0.json").as_str().unwrap().to_string();
    assert!(alpha.starts_with("Finds satellites in images. word0 word1 word2"), "{alpha:.80}");
    let units = alpha.encode_utf16().count();
    assert!((7990..=8000).contains(&units), "{units} units");
    assert!(!alpha.contains("  ") && !alpha.contains('\n') && !alpha.ends_with(' '));
    // Cut at a word boundary: the last word is whole.
    let last = alpha.rsplit(' ').next().unwrap();
    assert!(last.strip_prefix("word").is_some_and(|n| n.parse::<u32>().is_ok()), "{last}");
    assert_eq!(json(&site, "text/1.json"), "Detects zebras and okapis.");
}
