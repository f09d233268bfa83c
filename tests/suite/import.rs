//! `marketplace import`: the real DEEP and AI4OS metadata become module files that build;
//! existing files are kept unless `--force`; a bad file fails alone, by name.

use std::fs;
use std::path::PathBuf;

use crate::common::{self, TestSite};

fn fixture(rel: &str) -> String {
    common::fixture_path(&format!("import/{rel}")).to_string_lossy().into_owned()
}

/// The 41 DEEP `metadata.json` files.
fn deep_files() -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(common::fixture_path("import/deep-oc"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".json"))
        .collect();
    files.sort();
    files
}

fn module_files(site: &TestSite) -> Vec<PathBuf> {
    fs::read_dir(site.path("modules")).unwrap().map(|e| e.unwrap().path()).collect()
}

/// `marketplace import FILES...` in the site.
fn import(site: &TestSite, files: &[String], extra: &[&str]) -> common::Run {
    let mut args = vec!["import"];
    args.extend(extra);
    args.extend(files.iter().map(String::as_str));
    site.run(&args)
}

/// Text between `<dt>{term}</dt>` and the end of its `<dd>`.
fn definition(page: &str, term: &str) -> String {
    let start = page.find(&format!("<dt>{term}</dt>")).unwrap_or_else(|| panic!("no {term} on the page"));
    let rest = &page[start..];
    rest[..rest.find("</dd>").unwrap()].to_string()
}

#[test]
fn all_deep_files_import_and_build() {
    let files = deep_files();
    assert_eq!(files.len(), 41);
    let site = TestSite::new();
    import(&site, &files, &[]).expect(0).stderr_has("41 imported, 0 failed");
    assert_eq!(module_files(&site).len(), 41, "one module file per DEEP file");
    site.build().expect(0).stderr_has("built 41 modules");
    // Every imported module file passes `check` too (warnings allowed).
    site.check("human").expect(0);
}

#[test]
fn deep_fields_map_to_the_module_format() {
    let site = TestSite::new();
    import(&site, &[fixture("deep-oc/DEEP-OC-satsr.json")], &[]).expect(0).stdout_has("modules/satsr.md");
    let fm = common::front_matter(&common::read(&site.path("modules/satsr.md")));
    assert_eq!(fm["title"].as_str(), Some("Upscale multispectral satellites images"));
    assert_eq!(fm["license"].as_str(), Some("Apache-2.0"), "`Apache 2.0` becomes its SPDX identifier");
    assert_eq!(fm["created"].to_string(), "2019-01-01", "a TOML date");
    assert_eq!(fm["train"].as_bool(), Some(true), "keyword `trainable`");
    assert_eq!(fm["predict"].as_bool(), Some(true), "keywords `inference`, `pre-trained`");
    let tags: Vec<&str> = fm["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(tags, ["tensorflow", "docker", "deep learning", "api-v2"], "label keywords are not tags");
    assert_eq!(fm["category"].as_str(), Some("earth-observation"), "guessed from `satellite`");
    assert_eq!(fm["docker"]["image"].as_str(), Some("deephdc/deep-oc-satsr"));
    let links = &fm["links"];
    assert_eq!(links["source"].as_str(), Some("https://github.com/deephdc/satsr"));
    assert_eq!(links["container"].as_str(), Some("https://github.com/deephdc/DEEP-OC-satsr"));
    assert_eq!(links["cite"].as_str(), Some("https://doi.org/10.1016/j.isprsjprs.2018.09.018"));
    assert_eq!(links["docker"].as_str(), Some("https://hub.docker.com/r/deephdc/deep-oc-satsr"));
    site.build().expect(0);
    let page = site.page("modules/satsr/index.html");
    assert!(page.contains("docker run -ti -p 5000:5000 deephdc/deep-oc-satsr:latest"));
}

#[test]
fn old_marketplace_links_become_module_links() {
    let site = TestSite::new();
    let files = [
        fixture("deep-oc/DEEP-OC-conus-classification-tf.json"),
        fixture("deep-oc/DEEP-OC-image-classification-tf.json"),
    ];
    import(&site, &files, &[]).expect(0);
    let text = common::read(&site.path("modules/conus-classification-tf.md"));
    assert!(text.contains("[Image Classification with Tensorflow](../image-classification-tf/index.html)"), "{text}");
    assert!(!text.contains("deep-oc-image-classification-tensorflow.html"));
    site.build().expect(0);
    let page = site.page("modules/conus-classification-tf/index.html");
    assert!(page.contains("href=\"../image-classification-tf/index.html\""));
}

#[test]
fn old_links_to_modules_not_imported_lose_their_target() {
    let site = TestSite::new();
    import(&site, &[fixture("deep-oc/DEEP-OC-conus-classification-tf.json")], &[])
        .expect(0)
        .stderr_has("relative link `./deep-oc-image-classification-tensorflow.html` has no page on this site");
    let text = common::read(&site.path("modules/conus-classification-tf.md"));
    assert!(text.contains("based in the Image Classification with Tensorflow model"), "the text stays");
    site.build().expect(0);
}

#[test]
fn import_never_overwrites_without_force() {
    let site = TestSite::new();
    let satsr = [fixture("deep-oc/DEEP-OC-satsr.json")];
    import(&site, &satsr, &[]).expect(0);
    let path = site.path("modules/satsr.md");
    let edited = common::read(&path).replace("Upscale multispectral", "Hand-edited");
    fs::write(&path, &edited).unwrap();

    import(&site, &satsr, &[])
        .expect(1)
        .stderr_has("exists (use --force to overwrite it)")
        .stderr_has("DEEP-OC-satsr.json");
    assert_eq!(common::read(&path), edited, "the file is untouched");

    import(&site, &satsr, &["--force"]).expect(0);
    assert!(common::read(&path).contains("title = \"Upscale multispectral satellites images\""), "overwritten");
}

#[test]
fn a_file_without_title_fails_alone() {
    let site = TestSite::new();
    let files = [fixture("broken/no-title.json"), fixture("deep-oc/DEEP-OC-satsr.json")];
    let run = import(&site, &files, &[]);
    run.expect(1).stderr_has("no-title.json: no `title`").stderr_has("1 imported, 1 failed");
    let names: Vec<String> =
        module_files(&site).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["satsr.md"]);
}

#[test]
fn ai4os_metadata_imports() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/satsr.ai4-metadata.yml")], &[]).expect(0);
    let fm = common::front_matter(&common::read(&site.path("modules/satsr.md")));
    assert_eq!(fm["created"].to_string(), "2019-01-01");
    assert_eq!(fm["updated"].to_string(), "2024-10-09");
    assert_eq!(fm["docker"]["image"].as_str(), Some("deephdc/deep-oc-satsr"));
    assert!(fm.get("license").is_none(), "AI4OS metadata carries no licence");
    site.build().expect(0);
    // The page says so where a visitor looks for it.
    assert!(definition(&site.page("modules/satsr/index.html"), "Licence").contains("not stated"));
}

#[test]
fn ai4os_updated_before_created_is_dropped_with_a_warning() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/socib-beach-wracks-identification.ai4-metadata.yml")], &[])
        .expect(0)
        .stderr_has("updated date 2024-07-03 is before the creation date 2025-07-03: dropped");
    let fm = common::front_matter(&common::read(&site.path("modules/socib-beach-wracks-identification.md")));
    assert_eq!(fm["created"].to_string(), "2025-07-03");
    assert!(fm.get("updated").is_none());
    site.build().expect(0);
}

#[test]
fn ai4os_invalid_yaml_fails_by_name() {
    let site = TestSite::new();
    let files = [fixture("ai4os/smartbay-marine-types.ai4-metadata.yml"), fixture("ai4os/satsr.ai4-metadata.yml")];
    import(&site, &files, &[])
        .expect(1)
        .stderr_has("smartbay-marine-types.ai4-metadata.yml: invalid YAML")
        .stderr_has("1 imported, 1 failed");
    assert!(!site.path("modules/smartbay-marine-types.md").exists());
    assert!(site.path("modules/satsr.md").exists(), "the other file is imported");
}

#[test]
fn ai4os_docker_image_tag_goes_to_its_own_key() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/thermal-urban-feature-segmenter.ai4-metadata.yml")], &[]).expect(0);
    let fm = common::front_matter(&common::read(&site.path("modules/thermal-urban-feature-segmenter.md")));
    assert_eq!(fm["docker"]["image"].as_str(), Some("tensorflow/tensorflow"));
    assert_eq!(fm["docker"]["tag"].as_str(), Some("2.10.0-gpu"));
    site.build().expect(0);
    let page = site.page("modules/thermal-urban-feature-segmenter/index.html");
    assert!(page.contains("docker run -ti -p 5000:5000 tensorflow/tensorflow:2.10.0-gpu"));
}

#[test]
fn unknown_category_option_is_refused() {
    let site = TestSite::new();
    import(&site, &[fixture("deep-oc/DEEP-OC-satsr.json")], &["--category", "space-mining"])
        .expect(2)
        .stderr_has("unknown category `space-mining`");
    assert!(module_files(&site).is_empty());
}

/// The 46 AI4OS `ai4-metadata.yml` files of the hub.
fn ai4os_files() -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(common::fixture_path("import/ai4os"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".ai4-metadata.yml"))
        .collect();
    files.sort();
    files
}

fn strings(v: &toml::Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect()
}

#[test]
fn all_ai4os_files_but_the_two_invalid_ones_import_and_build() {
    let files = ai4os_files();
    assert_eq!(files.len(), 46);
    let site = TestSite::new();
    let run = import(&site, &files, &[]);
    run.expect(1).stderr_has("44 imported, 2 failed");
    run.stderr_has("smartbay-marine-types.ai4-metadata.yml: invalid YAML");
    run.stderr_has("phyto-plankton-classification.ai4-metadata.yml: invalid YAML");
    assert_eq!(module_files(&site).len(), 44);
    site.build().expect(0).stderr_has("built 44 modules");
    site.check("human").expect(0);
}

#[test]
fn ai4os_tasks_libraries_data_types_and_resources_map_to_the_module_format() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/sentinel-data-fusion.ai4-metadata.yml")], &[]).expect(0);
    let fm = common::front_matter(&common::read(&site.path("modules/sentinel-data-fusion.md")));
    assert_eq!(strings(&fm["tasks"]), ["Computer Vision"]);
    assert_eq!(strings(&fm["libraries"]), ["TensorFlow", "Scikit-learn"]);
    assert_eq!(strings(&fm["data_types"]), ["Image"]);
    assert_eq!(strings(&fm["tags"]), ["deep learning", "data fusion", "remote sensing"], "libraries are not tags");
    let inference = fm["resources"]["inference"].as_table().unwrap();
    let amounts: Vec<(&str, i64)> = inference.iter().map(|(k, v)| (k.as_str(), v.as_integer().unwrap())).collect();
    assert_eq!(amounts, [("cpu", 2), ("gpu", 1), ("memory_mb", 40000), ("storage_mb", 25000)]);
    assert!(fm["resources"].get("training").is_none());
    site.build().expect(0);
    let catalogue: serde_json::Value = serde_json::from_str(&site.page("catalogue.json")).unwrap();
    assert_eq!(catalogue["modules"][0]["resources"]["inference"]["memory_mb"], 40000);
}

#[test]
fn ai4os_resource_keys_without_a_place_are_named() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/ai4os-demo-app.ai4-metadata.yml")], &[])
        .expect(0)
        .stderr_has("`resources.inference.gpu_compute_capability` (100.0) has no place in the module format: dropped");
    let fm = common::front_matter(&common::read(&site.path("modules/ai4os-demo-app.md")));
    assert_eq!(fm["resources"]["inference"]["gpu_memory_mb"].as_integer(), Some(1000));

    // Unknown keys and wrong amounts are named too; GPU memory without a GPU is dropped.
    let yml = common::read(&common::fixture_path("import/ai4os/ai4os-demo-app.ai4-metadata.yml"))
        .replace("    gpu: 1\n", "    gpu: 0\n    disk_GB: 3\n")
        .replace("    cpu: 2\n", "    cpu: -2\n");
    let file = site.path("demo.ai4-metadata.yml");
    fs::write(&file, yml).unwrap();
    import(&site, &[file.to_string_lossy().into_owned()], &["--force"])
        .expect(0)
        .stderr_has("unknown AI4OS resource key `resources.inference.disk_GB` ignored")
        .stderr_has("`resources.inference.cpu` is not a whole number, 0 or more: dropped")
        .stderr_has("resources.inference: GPU memory without a GPU: dropped");
    let fm = common::front_matter(&common::read(&site.path("modules/ai4os-demo-app.md")));
    let inference = fm["resources"]["inference"].as_table().unwrap();
    assert_eq!(inference.keys().collect::<Vec<_>>(), ["gpu", "memory_mb", "storage_mb"]);
    site.build().expect(0);
}

#[test]
fn ai4os_values_outside_the_vocabulary_become_other_with_a_warning() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/deep-species-detection.ai4-metadata.yml")], &[])
        .expect(0)
        .stderr_has("task `Data cleaning` is not in the ai4-metadata vocabulary: imported as `Other`")
        .stderr_has("data type `Annotations` is not in the ai4-metadata vocabulary: imported as `Other`");
    let fm = common::front_matter(&common::read(&site.path("modules/deep-species-detection.md")));
    assert_eq!(strings(&fm["tasks"]), ["Computer Vision", "Classification", "Other"]);
    assert_eq!(strings(&fm["data_types"]), ["Image", "Video", "Other"]);
    site.build().expect(0);
}

#[test]
fn ai4os_duplicate_key_keeps_the_last_value_with_a_warning() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/seeds-classification.ai4-metadata.yml")], &[])
        .expect(0)
        .stderr_has("duplicate key `libraries` at lines 37 and 42: the last one is used, as PyYAML reads it");
    let fm = common::front_matter(&common::read(&site.path("modules/seeds-classification.md")));
    assert_eq!(strings(&fm["libraries"]), ["TensorFlow"], "the second `libraries` (TensorFlow alone) wins");
    assert_eq!(strings(&fm["data_types"]), ["Image"], "what lies between the two is kept");
    site.build().expect(0);
}

#[test]
fn ai4os_misspelt_keys_are_named() {
    let site = TestSite::new();
    import(&site, &[fixture("ai4os/satsr.ai4-metadata.yml")], &[])
        .expect(0)
        .stderr_has("unknown AI4OS key `sata-type` ignored (did you mean `data-type`?)");
    let fm = common::front_matter(&common::read(&site.path("modules/satsr.md")));
    assert!(fm.get("data_types").is_none(), "a misspelt key is not read");
    assert_eq!(strings(&fm["libraries"]), ["TensorFlow"]);
}

#[test]
fn deep_keywords_name_libraries_only_when_unambiguous() {
    let site = TestSite::new();
    import(&site, &[fixture("made/deep-keywords.json"), fixture("deep-oc/DEEP-OC-mods.json")], &[]).expect(0);
    let fm = common::front_matter(&common::read(&site.path("modules/keywords.md")));
    // `tensorflow-gpu`, `library/theano`, `sklearn` and `torch` say too little.
    assert_eq!(strings(&fm["libraries"]), ["Scikit-learn", "Keras", "PyTorch"]);
    let fm = common::front_matter(&common::read(&site.path("modules/mods.md")));
    assert_eq!(strings(&fm["libraries"]), ["Keras", "TensorFlow"]);
    assert!(strings(&fm["tags"]).contains(&"tensorflow"), "DEEP keywords stay tags");
    site.build().expect(0);

    let site = TestSite::new();
    import(&site, &[fixture("deep-oc/DEEP-OC-plant-classification-theano.json")], &[]).expect(0);
    let text = common::read(&site.path("modules/plant-classification-theano.md"));
    assert!(!common::front_matter(&text).contains_key("libraries"), "{text}");
}

#[test]
fn ai4os_v1_layout_is_read_as_deep_metadata() {
    let site = TestSite::new();
    import(&site, &[fixture("made/v1-layout.ai4-metadata.yml")], &[]).expect(0);
    let fm = common::front_matter(&common::read(&site.path("modules/v1-module.md")));
    assert_eq!(fm["created"].to_string(), "2023-05-02");
    assert_eq!(fm["train"].as_bool(), Some(true));
    assert_eq!(strings(&fm["libraries"]), ["TensorFlow"]);
    assert_eq!(fm["links"]["source"].as_str(), Some("https://github.com/example/v1-module"));
    site.build().expect(0);
}
