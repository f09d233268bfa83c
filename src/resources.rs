//! What a module needs to run: `[resources.inference]` and `[resources.training]` of a
//! module file (AI4OS's `resources`), their types and their rules.

use std::ops::Range;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::frontmatter::{Fields, SourceFile, Written};

pub const RESOURCES_KEYS: &[&str] = &["inference", "training"];
pub const REQUIREMENT_KEYS: &[&str] = &["cpu", "gpu", "memory_mb", "gpu_memory_mb", "storage_mb"];

/// The resources a module needs, for prediction and for retraining; each is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Resources {
    /// What prediction needs (minimum or recommended).
    pub inference: Option<Requirements>,
    /// What retraining needs (minimum or recommended).
    pub training: Option<Requirements>,
}

/// Resources for one use of the module. Every amount is a whole number, 0 or more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(
    deny_unknown_fields,
    extend("if" = { "required": ["gpu_memory_mb"], "properties": { "gpu_memory_mb": { "type": "integer" } } }),
    extend("then" = { "required": ["gpu"], "properties": { "gpu": { "type": "integer", "minimum": 1 } } })
)]
pub struct Requirements {
    /// CPU cores.
    pub cpu: Option<u32>,
    /// GPUs.
    pub gpu: Option<u32>,
    /// Memory (RAM), in MB.
    pub memory_mb: Option<u64>,
    /// GPU memory, in MB; only with `gpu` of 1 or more.
    pub gpu_memory_mb: Option<u64>,
    /// Disk space, in MB.
    pub storage_mb: Option<u64>,
}

impl Requirements {
    pub fn needs_gpu(&self) -> bool {
        self.gpu.is_some_and(|g| g >= 1)
    }

    /// The stated amounts in the order of the format, for writing and showing them.
    pub fn entries(&self) -> Vec<(&'static str, u64)> {
        [
            ("cpu", self.cpu.map(u64::from)),
            ("gpu", self.gpu.map(u64::from)),
            ("memory_mb", self.memory_mb),
            ("gpu_memory_mb", self.gpu_memory_mb),
            ("storage_mb", self.storage_mb),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    /// Sets one amount by its key; false when the key or the amount does not fit.
    pub fn set(&mut self, key: &str, amount: u64) -> bool {
        let small = u32::try_from(amount).ok();
        match key {
            "cpu" if small.is_some() => self.cpu = small,
            "gpu" if small.is_some() => self.gpu = small,
            "memory_mb" => self.memory_mb = Some(amount),
            "gpu_memory_mb" => self.gpu_memory_mb = Some(amount),
            "storage_mb" => self.storage_mb = Some(amount),
            _ => return false,
        }
        true
    }
}

impl Resources {
    /// Whether prediction runs on a machine without a GPU; `None` when the module does not
    /// say what inference needs.
    pub fn runs_without_gpu(&self) -> Option<bool> {
        self.inference.map(|r| !r.needs_gpu())
    }

    pub fn is_empty(&self) -> bool {
        self.inference.is_none() && self.training.is_none()
    }

    /// `("inference", ..)` and `("training", ..)`, the names of their tables.
    pub fn stages(&self) -> [(&'static str, Option<&Requirements>); 2] {
        [("inference", self.inference.as_ref()), ("training", self.training.as_ref())]
    }
}

/// Reads `[resources]` (its sub-tables `[resources.inference]`, `[resources.training]`).
/// Problems go to `out`; what is wrong is left out.
pub fn read(file: &SourceFile, t: &mut Fields, out: &mut Vec<Diagnostic>) -> Resources {
    t.deny_unknown(RESOURCES_KEYS, "[resources]");
    let mut read_stage = |stage: &str| {
        let mut sub = t.table(stage)?;
        let requirements = read_requirements(file, &mut sub, out);
        out.append(&mut sub.diags);
        Some(requirements)
    };
    let inference = read_stage("inference");
    let training = read_stage("training");
    Resources { inference, training }
}

fn read_requirements(file: &SourceFile, t: &mut Fields, out: &mut Vec<Diagnostic>) -> Requirements {
    let table = t.full_name("");
    let table = table.trim_end_matches('.');
    t.deny_unknown(REQUIREMENT_KEYS, &format!("[{table}]"));
    let mut r = Requirements::default();
    for key in REQUIREMENT_KEYS {
        let Some((written, span)) = t.written(key) else { continue };
        let max = if matches!(*key, "cpu" | "gpu") { u64::from(u32::MAX) } else { i64::MAX as u64 };
        match amount(file, &t.full_name(key), key, written, span, max) {
            Ok(n) => {
                r.set(key, n);
            }
            Err(d) => out.push(d),
        }
    }
    // A `gpu` already reported as wrong says nothing about the GPU memory.
    let gpu_span = t.value_span("gpu");
    let gpu_unreadable = gpu_span.is_some() && r.gpu.is_none();
    if let (Some(_), Some(span)) = (r.gpu_memory_mb, t.value_span("gpu_memory_mb")) {
        if !r.needs_gpu() && !gpu_unreadable {
            let label = match gpu_span {
                Some(gpu) => format!("`gpu = 0` at line {}", line_of(&file.text, gpu.start)),
                None => "this table has no `gpu`".to_string(),
            };
            out.push(
                file.error("gpu-memory-without-gpu", span, format!("gpu_memory_mb without a GPU in [{table}]"))
                    .with_label(label)
                    .with_help("add `gpu = 1` (or however many GPUs it needs), or remove `gpu_memory_mb`"),
            );
        }
    }
    r
}

/// One amount: a whole number from 0 to `max`, or a diagnostic that says how to write it.
fn amount(
    file: &SourceFile,
    name: &str,
    key: &str,
    written: Written,
    span: Range<usize>,
    max: u64,
) -> Result<u64, Diagnostic> {
    let example = example(key);
    let not_whole = |found: &str, help: String| {
        file.error("wrong-type", span.clone(), format!("`{name}` must be a whole number"))
            .with_label(format!("expected an integer, 0 or more; found {found}"))
            .with_help(help)
    };
    match written {
        Written::Integer(n) if n < 0 => Err(file
            .error("negative-resource", span.clone(), format!("`{name}` cannot be negative"))
            .with_label("expected 0 or more")
            .with_help(format!("write how much it needs, e.g. `{key} = {example}`, or 0 for none"))),
        Written::Integer(n) if n as u64 > max => Err(too_large(file, name, span.clone(), max)),
        Written::Integer(n) => Ok(n as u64),
        Written::HugeInteger => Err(too_large(file, name, span.clone(), max)),
        Written::Float(x) if x.is_finite() && x >= 0.0 => {
            let whole = x.ceil();
            let help = if key.ends_with("_mb") {
                format!("amounts are whole MB: write `{key} = {whole}`")
            } else {
                format!("write `{key} = {whole}`")
            };
            Err(not_whole("a float", help))
        }
        Written::Float(_) => Err(not_whole("a float", format!("write `{key} = {example}`"))),
        Written::String(s) => {
            let help = match unquoted(&s, key) {
                Some(n) => format!("write the number without quotes: `{key} = {n}`"),
                None => format!("write a number without quotes, e.g. `{key} = {example}`"),
            };
            Err(not_whole("a string", help))
        }
        Written::Other(kind) => Err(not_whole(&format!("a {kind}"), format!("write `{key} = {example}`"))),
    }
}

fn too_large(file: &SourceFile, name: &str, span: Range<usize>, max: u64) -> Diagnostic {
    file.error("too-large-resource", span, format!("`{name}` is too large"))
        .with_label(format!("at most {max}"))
        .with_help("amounts of memory and disk are in MB: 40 GB is 40000")
}

fn example(key: &str) -> u64 {
    match key {
        "cpu" => 2,
        "gpu" => 1,
        "memory_mb" => 8000,
        "gpu_memory_mb" => 4000,
        _ => 2000,
    }
}

/// What a quoted amount meant, when that is clear: `"2"` -> 2; `"40 GB"` -> 40000 for
/// an amount in MB.
fn unquoted(s: &str, key: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Some(n);
    }
    if !key.ends_with("_mb") {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let split = lower.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, unit) = lower.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "mb" => 1.0,
        "gb" => 1000.0,
        "tb" => 1_000_000.0,
        _ => return None,
    };
    let mb = (number * factor).ceil();
    (0.0..1e15).contains(&mb).then_some(mb as u64)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_questions() {
        let none = Resources::default();
        assert_eq!(none.runs_without_gpu(), None);
        let cpu_only =
            Resources { inference: Some(Requirements { cpu: Some(2), ..Default::default() }), training: None };
        assert_eq!(cpu_only.runs_without_gpu(), Some(true));
        let zero = Resources { inference: Some(Requirements { gpu: Some(0), ..Default::default() }), training: None };
        assert_eq!(zero.runs_without_gpu(), Some(true));
        let gpu = Resources { inference: Some(Requirements { gpu: Some(1), ..Default::default() }), training: None };
        assert_eq!(gpu.runs_without_gpu(), Some(false));
        let training_only =
            Resources { inference: None, training: Some(Requirements { gpu: Some(1), ..Default::default() }) };
        assert_eq!(training_only.runs_without_gpu(), None);
    }

    #[test]
    fn quoted_amounts() {
        assert_eq!(unquoted("2", "cpu"), Some(2));
        assert_eq!(unquoted("40 GB", "memory_mb"), Some(40000));
        assert_eq!(unquoted("1.5GB", "storage_mb"), Some(1500));
        assert_eq!(unquoted("40 GB", "cpu"), None);
        assert_eq!(unquoted("lots", "memory_mb"), None);
    }
}
