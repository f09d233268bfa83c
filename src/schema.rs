//! JSON Schemas of the module front matter and of `catalogue.json`, generated from Rust
//! types and published in the site (`schemas/`), so that tools can validate both.

use schemars::JsonSchema;

use crate::module::{Kind, Links, Resources};
use crate::vocabulary::{DataTypeName, LibraryName, TaskName};

/// A tag: folded to lowercase on the site; unique per module after folding.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct TagName(#[schemars(length(min = 1, max = 50))] String);

/// `[docker]` as written in a module file: only `image` is required.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct DockerTable {
    /// What `docker run` pulls: `org/name` or `registry.host/org/name`, lowercase, no tag.
    #[schemars(regex(
        pattern = r"^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$"
    ))]
    image: String,
    /// Default `latest`.
    tag: Option<String>,
    /// Default 5000.
    #[schemars(range(min = 1, max = 65535))]
    port: Option<u16>,
    /// Default `/docs`.
    api_path: Option<String>,
}

/// The TOML front matter of a module file, `modules/<slug>.md` (between `+++` lines).
/// Dates are TOML dates (`2019-05-14`, unquoted), shown here as JSON strings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "Module front matter")]
#[allow(dead_code)]
struct ModuleFrontMatter {
    /// The module's name, one line.
    #[schemars(length(min = 1, max = 120))]
    title: String,
    /// One line saying what the module does.
    #[schemars(length(min = 1, max = 300))]
    summary: String,
    /// The slug of a file `content/categories/<slug>.md`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    category: String,
    /// Case-insensitive; each gets a page.
    #[schemars(length(max = 50))]
    tags: Option<Vec<TagName>>,
    /// An SPDX license expression.
    license: Option<String>,
    /// First published.
    #[schemars(extend("format" = "date"))]
    created: String,
    /// Last changed; not before `created`.
    #[schemars(extend("format" = "date"))]
    updated: Option<String>,
    kind: Option<Kind>,
    /// Usable as it is for prediction.
    predict: Option<bool>,
    /// Can be retrained or fine-tuned.
    train: Option<bool>,
    /// What the module does, from the ai4-metadata v2 vocabulary; each value once.
    #[schemars(extend("uniqueItems" = true))]
    tasks: Option<Vec<TaskName>>,
    /// The machine-learning libraries it uses, from the ai4-metadata v2 vocabulary.
    #[schemars(extend("uniqueItems" = true))]
    libraries: Option<Vec<LibraryName>>,
    /// The kinds of data it takes, from the ai4-metadata v2 vocabulary.
    #[schemars(extend("uniqueItems" = true))]
    data_types: Option<Vec<DataTypeName>>,
    links: Option<Links>,
    docker: Option<DockerTable>,
    /// `[resources.inference]`, `[resources.training]`: what it needs to run.
    resources: Option<Resources>,
}

pub fn module_schema() -> String {
    pretty(schemars::schema_for!(ModuleFrontMatter))
}

pub fn catalogue_schema() -> String {
    pretty(crate::outputs::catalogue_schema())
}

fn pretty(schema: schemars::Schema) -> String {
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
