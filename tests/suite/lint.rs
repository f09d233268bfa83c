//! The catalogue-wide lint of `check` (`src/lint.rs`): near-duplicate tags, modules sharing
//! an image, a source or a title, citations and template placeholders. Each warning at its
//! place with its fix; none on near misses; errors under `--deny warnings`.

use std::fs;

use crate::common::{self, Run, TestSite};

/// The codes of the lint's diagnostics.
const LINT_CODES: &[&str] = &["near-duplicate-tag", "same-image", "same-source", "same-title", "cite", "placeholder"];

/// A site holding every module file of `tests/fixtures/lint/<dir>/`.
fn fixture_site(dir: &str) -> TestSite {
    let site = TestSite::new();
    let from = common::fixture_path(&format!("lint/{dir}"));
    for entry in fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, site.path("modules").join(path.file_name().unwrap())).unwrap();
    }
    site
}

/// One diagnostic of `check --format json`.
#[derive(Debug, Clone, PartialEq)]
struct Json {
    file: String,
    line: u64,
    column: u64,
    severity: String,
    code: String,
    /// The message, then `: ` and the label.
    message: String,
    help: String,
}

fn json(run: &Run) -> Vec<Json> {
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("check --format json prints JSON");
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|d| Json {
            file: d["file"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap(),
            column: d["column"].as_u64().unwrap(),
            severity: d["severity"].as_str().unwrap().to_string(),
            code: d["code"].as_str().unwrap().to_string(),
            message: d["message"].as_str().unwrap().to_string(),
            help: d["help"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

/// What the lint fixtures give: (file, line, column, code, message, start of the help).
const EXPECTED: &[(&str, u64, u64, &str, &str, &str)] = &[
    (
        "ai4os.md",
        17,
        1,
        "placeholder",
        "the description still holds the AI4OS template's placeholder text",
        "write what it asks for (how to predict, how to retrain, the dataset, the training), or delete it",
    ),
    (
        "cite-arxiv.md",
        11,
        8,
        "cite",
        "`links.cite` points to arxiv.org but holds no arXiv identifier",
        "link the paper's abstract page, e.g. `https://arxiv.org/abs/2101.00001`",
    ),
    (
        "cite-http-doi.md",
        11,
        8,
        "cite",
        "`links.cite` is not an HTTPS address",
        "write `https://doi.org/10.1000/xyz123`",
    ),
    (
        "cite-http.md",
        11,
        8,
        "cite",
        "`links.cite` is not a DOI, arXiv or HTTPS address",
        "write `https://example.com/paper.pdf` if the site serves it, or cite a DOI",
    ),
    (
        "cite-no-doi.md",
        11,
        8,
        "cite",
        "`links.cite` points to doi.org but holds no DOI",
        "copy the DOI from the publication's page",
    ),
    (
        "deep-links.md",
        11,
        8,
        "placeholder",
        "`links.cite` is the DEEP template's placeholder address",
        "put the real address, or remove the `cite` line",
    ),
    (
        "deep-links.md",
        12,
        11,
        "placeholder",
        "`links.dataset` is the DEEP template's placeholder address",
        "put the real address, or remove the `dataset` line",
    ),
    (
        "deeplearning.md",
        5,
        18,
        "near-duplicate-tag",
        "tag `deeplearning` is a near-duplicate of `deep learning`",
        "did you mean `deep learning`, used by 3 modules?",
    ),
    (
        "gans.md",
        5,
        9,
        "near-duplicate-tag",
        "tag `gans` is a near-duplicate of `gan`",
        "did you mean `gan`, used by 2 modules?",
    ),
    ("image-2.md", 13, 9, "same-image", "same Docker image as modules/image-1.md", "each module runs its own image"),
    (
        "imagine.md",
        5,
        9,
        "near-duplicate-tag",
        "tag `imagine classification` is a near-duplicate of `image classification`",
        "did you mean `image classification`, used by 2 modules?",
    ),
    (
        "models.md",
        5,
        9,
        "near-duplicate-tag",
        "tag `deep-learning-models` is a near-duplicate of `deep learning`",
        "did you mean `deep learning`, used by 3 modules?",
    ),
    (
        "models.md",
        5,
        33,
        "near-duplicate-tag",
        "tag `tensorfow` is a near-duplicate of `tensorflow`",
        "did you mean `tensorflow`, used by 2 modules?",
    ),
    (
        "new.md",
        3,
        11,
        "placeholder",
        "the summary is still `marketplace new`'s placeholder",
        "say in one sentence what the module does and for whom",
    ),
    (
        "new.md",
        17,
        1,
        "placeholder",
        "the description still holds `marketplace new`'s placeholder text",
        "write what \"Which data it was trained on, and ...\" asks for, or delete it",
    ),
    (
        "new.md",
        21,
        1,
        "placeholder",
        "the description still holds `marketplace new`'s placeholder text",
        "write what \"Papers to read and cite.\" asks for, or delete it",
    ),
    ("source-2.md", 10, 10, "same-source", "same source repository as modules/source-1.md", "correct `links.source`"),
    ("title-2.md", 2, 9, "same-title", "same title as modules/title-1.md", "give each module a title"),
    (
        "your-org.md",
        10,
        10,
        "placeholder",
        "`links.source` is `marketplace new`'s placeholder address",
        "put the real address, or remove the `source` line",
    ),
    (
        "your-org.md",
        13,
        9,
        "placeholder",
        "the Docker image is `marketplace new`'s placeholder",
        "put the image `docker pull` fetches",
    ),
];

/// Every diagnostic of `run` against `EXPECTED`, in order, all with `severity`.
#[track_caller]
fn assert_expected(run: &Run, severity: &str) {
    let got = json(run);
    let brief: Vec<String> = got.iter().map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.code)).collect();
    assert_eq!(got.len(), EXPECTED.len(), "diagnostics: {brief:#?}");
    for (d, (file, line, column, code, message, help)) in got.iter().zip(EXPECTED) {
        let place = format!("modules/{file}:{line}:{column}");
        assert_eq!(format!("{}:{}:{}", d.file, d.line, d.column), place, "{brief:#?}");
        assert_eq!((d.code.as_str(), d.severity.as_str()), (*code, severity), "{place}");
        assert!(d.message.starts_with(&format!("{message}: ")), "{place}: message {:?}", d.message);
        assert!(d.help.starts_with(help), "{place}: help {:?}", d.help);
    }
}

#[test]
fn every_warning_at_its_place_with_its_fix() {
    let site = fixture_site("catalogue");
    let run = site.check("json");
    run.expect(0);
    assert_expected(&run, "warning");
    // The same, run after run.
    assert_eq!(site.check("json").stdout, run.stdout);
}

/// The human rendering: the place, what the tag is near, and the suggestion.
#[test]
fn human_output_shows_each_suggestion() {
    let site = fixture_site("catalogue");
    let run = site.run(&["check"]);
    run.expect(0)
        .stderr_has(
            "warning: tag `deeplearning` is a near-duplicate of `deep learning`\n --> modules/deeplearning.md:5:18",
        )
        .stderr_has(
            "`deep learning` but for spaces, hyphens, a plural or a trailing \"models\"; 1 module spelt this way",
        )
        .stderr_has("help: did you mean `deep learning`, used by 3 modules?")
        .stderr_has("2 letters away from `image classification`")
        .stderr_has("one letter away from `tensorflow`")
        .stderr_has("modules/image-1.md also runs `lint-fixtures/shared:1.0`")
        .stderr_has("0 errors, 20 warnings");
}

#[test]
fn deny_warnings_makes_them_errors() {
    let site = fixture_site("catalogue");
    site.run(&["check"]).expect(0);
    let run = site.run(&["check", "--deny", "warnings"]);
    run.expect(1).stderr_has("error: tag `deeplearning` is a near-duplicate").stderr_has("20 errors, 0 warnings");
    let run = site.run(&["check", "--deny", "warnings", "--format", "json"]);
    run.expect(1);
    assert_expected(&run, "error");
    // `build` does not run the lint: the fixtures build.
    site.build().expect(0);
}

#[test]
fn github_format_puts_each_warning_on_its_line() {
    let site = fixture_site("catalogue");
    let run = site.check("github");
    run.expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), EXPECTED.len(), "{}", run.stdout);
    for (line, (file, l, c, code, message, _)) in lines.iter().zip(EXPECTED) {
        let head = format!("::warning file=modules/{file},line={l},col={c},title={code}::{message}: ");
        assert!(line.starts_with(&head), "{line}\n does not start with\n{head}");
    }
    assert!(run.stdout.contains(
        "::warning file=modules/deeplearning.md,line=5,col=18,title=near-duplicate-tag::tag `deeplearning` is a \
         near-duplicate of `deep learning`: `deep learning` but for spaces, hyphens, a plural or a trailing \"models\"; \
         1 module spelt this way. help: did you mean `deep learning`, used by 3 modules? One spelling keeps the \
         modules on one tag page\n"
    ));
    let denied = site.run(&["check", "--deny", "warnings", "--format", "github"]);
    denied.expect(1);
    assert!(denied.stdout.lines().all(|l| l.starts_with("::error file=modules/")), "{}", denied.stdout);
    assert_eq!(denied.stdout.lines().count(), EXPECTED.len());
}

/// Different short names, numbers, one code for two trained models, one image under two
/// tags, near titles, every accepted form of citation, placeholder words in prose.
#[test]
fn near_misses_give_no_warning() {
    let site = fixture_site("near-misses");
    site.run(&["check"]).expect(0).stderr_has("no problems found");
    site.run(&["check", "--deny", "warnings"]).expect(0);
    assert_eq!(site.check("json").stdout.trim(), "[]");
}

/// The line of `needle` in `text`, 1-based.
fn line_of(text: &str, needle: &str) -> u64 {
    let i = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in the file"));
    text[..i].matches('\n').count() as u64 + 1
}

/// `marketplace new`'s own placeholders: its summary, each section's text, and its
/// commented links and image once the `#` is removed.
#[test]
fn new_template_placeholders_warn_until_replaced() {
    let site = TestSite::new();
    site.run(&["new", "fresh", "--title", "Fresh module"]).expect(0);
    let path = site.path("modules/fresh.md");
    let text = common::read(&path);
    let placeholders = |run: &Run| -> Vec<(u64, u64, String)> {
        json(run).into_iter().filter(|d| d.code == "placeholder").map(|d| (d.line, d.column, d.message)).collect()
    };
    let run = site.check("json");
    run.expect(0);
    let got = placeholders(&run);
    let description =
        "the description still holds `marketplace new`'s placeholder text: written by `marketplace new`, \
                       for the author to replace";
    let mut want = vec![(
        line_of(&text, "summary = "),
        11,
        "the summary is still `marketplace new`'s placeholder: written by `marketplace new`, for the author to replace"
            .to_string(),
    )];
    for start in ["Say what problem", "Which data it was", "What the PREDICT", "How to retrain", "Papers to read"] {
        want.push((line_of(&text, start), 1, description.to_string()));
    }
    assert_eq!(got, want);

    // Uncommented as they are, the example link and image are placeholders too.
    let edited = text
        .replace("# source = ", "source = ")
        .replace("# [docker]\n# image = ", "[docker]\nimage = ")
        .replace("Papers to read and cite.", "Smith et al., 2024.");
    fs::write(&path, &edited).unwrap();
    let got = placeholders(&site.check("json"));
    assert_eq!(got.len(), 7, "{got:#?}");
    assert!(got.contains(&(
        line_of(&edited, "source = \"https://github.com/your-org/your-module\""),
        10,
        "`links.source` is `marketplace new`'s placeholder address: `https://github.com/your-org/your-module` is not \
         the module's"
            .to_string()
    )));
    assert!(got.contains(&(
        line_of(&edited, "image = \"your-org/your-module\""),
        9,
        "the Docker image is `marketplace new`'s placeholder: `your-org/your-module` is not the module's image"
            .to_string()
    )));
    assert!(!got.iter().any(|(l, _, _)| *l == line_of(&edited, "Smith et al.")));
}

/// `import` leaves a template's placeholders behind: the AI4OS paragraph and DEEP's
/// `add-some-...` links, each named in a warning.
#[test]
fn import_drops_template_placeholders() {
    let site = TestSite::new();
    let files = ["DEEP-OC-demo_app.json", "UC-DFKI-NI-DEEP-OC-litter_assessment_service.json"]
        .map(|f| common::fixture_path(&format!("import/deep-oc/{f}")).to_string_lossy().into_owned());
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    site.run(&args)
        .expect(0)
        .stderr_has("cite_url `http://add-some-DOI-url.com` is the DEEP template's placeholder: dropped")
        .stderr_has("the template's placeholder \"Write additional information for your ...\" dropped");
    let litter = common::read(&site.path("modules/litter-assessment-service.md"));
    assert!(!litter.contains("Write additional information"), "{litter}");
    assert!(litter.ends_with("+++\nlitter_assessment_service is an application using the DEEPaaS API.\n"), "{litter}");
    let demo = common::read(&site.path("modules/demo-app.md"));
    assert!(!demo.contains("add-some-"), "{demo}");
    let run = site.check("json");
    run.expect(0);
    assert!(!json(&run).iter().any(|d| d.code == "placeholder"), "{}", run.stdout);
}

/// The real catalogue's findings: the DEEP citations on `http://`, and a typo'd tag. No
/// placeholder is left (the import drops them), and the classifiers sharing DEEP's
/// `image-classification-tf` code are told apart by their datasets.
#[test]
fn real_catalogue_findings() {
    let site = TestSite::real();
    let run = site.check("json");
    run.expect(0);
    let got: Vec<(String, u64, u64, String)> = json(&run)
        .into_iter()
        .filter(|d| LINT_CODES.contains(&d.code.as_str()))
        .map(|d| (d.file, d.line, d.column, d.code))
        .collect();
    let want: Vec<(String, u64, u64, String)> = [
        ("conus-classification-tf", 18, 8, "cite"),
        ("image-classification-tf-dicom", 18, 8, "cite"),
        ("image-classification-tf", 18, 8, "cite"),
        ("integrated-plant-protection", 5, 57, "near-duplicate-tag"),
        ("phyto-plankton-classification", 5, 50, "near-duplicate-tag"),
        ("plants-classification-tf", 18, 8, "cite"),
        ("seeds-classification-tf", 18, 8, "cite"),
    ]
    .iter()
    .map(|(f, l, c, code)| (format!("modules/{f}.md"), *l, *c, code.to_string()))
    .collect();
    assert_eq!(got, want, "{}", run.stdout);
    assert!(run.stdout.contains("did you mean `image classification`, used by 7 modules?"));
}
