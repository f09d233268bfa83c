//! The closed vocabularies of `tasks`, `libraries` and `data_types`: the enums of AI4OS
//! ai4-metadata v2.3 (`ai4-apps-v2.3.0.json`), copied here so that the build reads nothing
//! outside the repository. A module file writes each value exactly as listed.

use std::borrow::Cow;
use std::ops::Range;

use crate::diagnostics::Diagnostic;
use crate::frontmatter::{did_you_mean, SourceFile};

/// The value every vocabulary has for what it does not list.
pub const OTHER: &str = "Other";

/// One closed list of values and the front-matter key that takes it.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    /// The front-matter key: `tasks`, `libraries`, `data_types`.
    pub key: &'static str,
    /// One value, as messages name it: "task", "library", "data type".
    pub noun: &'static str,
    pub values: &'static [&'static str],
}

/// ai4-metadata's `tasks`.
pub const TASKS: Vocabulary = Vocabulary {
    key: "tasks",
    noun: "task",
    values: &[
        "Computer Vision",
        "Natural Language Processing",
        "Time Series",
        "Recommender Systems",
        "Anomaly Detection",
        "Regression",
        "Classification",
        "Clustering",
        "Dimensionality Reduction",
        "Generative Models",
        "Graph Neural Networks",
        "Optimization",
        "Reinforcement Learning",
        "Transfer Learning",
        "Uncertainty Estimation",
        OTHER,
    ],
};

/// ai4-metadata's `libraries`.
pub const LIBRARIES: Vocabulary = Vocabulary {
    key: "libraries",
    noun: "library",
    values: &["TensorFlow", "PyTorch", "Keras", "Scikit-learn", "XGBoost", "LightGBM", "CatBoost", OTHER],
};

/// ai4-metadata's `data-type` (spelt `data_types` in module files, like the other keys).
pub const DATA_TYPES: Vocabulary = Vocabulary {
    key: "data_types",
    noun: "data type",
    values: &["Image", "Text", "Time Series", "Tabular", "Graph", "Audio", "Video", OTHER],
};

impl Vocabulary {
    /// The listed value written exactly as `value`.
    pub fn get(&self, value: &str) -> Option<&'static str> {
        self.values.iter().copied().find(|v| *v == value)
    }

    /// The listed value `value` was probably meant to be: the same but for case, spaces,
    /// hyphens and underscores (`pytorch`, `computer-vision`), else the nearest by spelling.
    pub fn suggest(&self, value: &str) -> Option<&'static str> {
        if let Some(v) = self.same_but_spelling(value) {
            return Some(v);
        }
        // `did_you_mean` folds only the wrong value's case: compare against folded values.
        let lowered: Vec<String> = self.values.iter().map(|v| v.to_lowercase()).collect();
        let near = did_you_mean(value, lowered.iter().map(String::as_str))?;
        let at = lowered.iter().position(|l| l == near)?;
        Some(self.values[at])
    }

    /// The listed value for `value` when only case or separators differ (`pytorch`).
    pub fn same_but_spelling(&self, value: &str) -> Option<&'static str> {
        let folded = fold(value);
        self.values.iter().copied().find(|v| fold(v) == folded)
    }

    /// Checks a front-matter list: each value must be listed, and listed once. Returns
    /// the valid values in file order; each problem becomes a diagnostic at its value.
    pub fn check(
        &self,
        file: &SourceFile,
        values: Vec<(String, Range<usize>)>,
        out: &mut Vec<Diagnostic>,
    ) -> Vec<String> {
        let mut kept: Vec<(&'static str, Range<usize>)> = Vec::new();
        for (value, span) in values {
            let Some(known) = self.get(&value) else {
                let mut d = file
                    .error("unknown-value", span, format!("unknown {} `{value}` in `{}`", self.noun, self.key))
                    .with_label(format!("expected one of: {}", self.values.join(", ")));
                d = match self.suggest(&value) {
                    Some(near) => d.with_help(format!(
                        "did you mean `{near}`? (values are written exactly as in the ai4-metadata vocabulary)"
                    )),
                    None => d.with_help(format!("when no value fits, use `{OTHER}`")),
                };
                out.push(d);
                continue;
            };
            if let Some((_, first)) = kept.iter().find(|(k, _)| *k == known) {
                out.push(
                    file.error("duplicate-value", span, format!("duplicate {} `{value}` in `{}`", self.noun, self.key))
                        .with_label(format!("already listed at line {}", line_of(&file.text, first.start)))
                        .with_help("list each value once"),
                );
                continue;
            }
            kept.push((known, span));
        }
        kept.into_iter().map(|(k, _)| k.to_string()).collect()
    }
}

/// Lowercase letters and digits only: how two spellings of one value compare.
fn fold(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn value_schema(vocabulary: &Vocabulary, description: &str) -> schemars::Schema {
    schemars::json_schema!({
        "description": description,
        "type": "string",
        "enum": vocabulary.values,
    })
}

/// The JSON Schema of one value of `tasks`.
pub struct TaskName;
/// The JSON Schema of one value of `libraries`.
pub struct LibraryName;
/// The JSON Schema of one value of `data_types`.
pub struct DataTypeName;

impl schemars::JsonSchema for TaskName {
    fn schema_name() -> Cow<'static, str> {
        "TaskName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        value_schema(&TASKS, "A task of the ai4-metadata v2 vocabulary, written exactly as listed.")
    }
}

impl schemars::JsonSchema for LibraryName {
    fn schema_name() -> Cow<'static, str> {
        "LibraryName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        value_schema(&LIBRARIES, "A library of the ai4-metadata v2 vocabulary, written exactly as listed.")
    }
}

impl schemars::JsonSchema for DataTypeName {
    fn schema_name() -> Cow<'static, str> {
        "DataTypeName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        value_schema(&DATA_TYPES, "A data type of the ai4-metadata v2 vocabulary, written exactly as listed.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_ignore_case_and_separators() {
        assert_eq!(LIBRARIES.suggest("pytorch"), Some("PyTorch"));
        assert_eq!(LIBRARIES.suggest("scikit learn"), Some("Scikit-learn"));
        assert_eq!(TASKS.suggest("computer-vision"), Some("Computer Vision"));
        assert_eq!(TASKS.suggest("Clasification"), Some("Classification"));
        assert_eq!(LIBRARIES.suggest("Theano"), None);
        assert_eq!(DATA_TYPES.same_but_spelling("time_series"), Some("Time Series"));
        assert_eq!(DATA_TYPES.same_but_spelling("Annotations"), None);
    }

    #[test]
    fn every_vocabulary_has_other() {
        for v in [TASKS, LIBRARIES, DATA_TYPES] {
            assert_eq!(v.get(OTHER), Some(OTHER), "{}", v.key);
        }
    }
}
