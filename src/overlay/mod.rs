//! Overlay files: the cumulative Jsonnet of each config step, as a user keeps it in the
//! environment and as tkstep evaluates it.
//!
//! For config step N, [`files`] gives the overlay holding steps 1..N merged ([`crate::plan::State`])
//! as idiomatic Jsonnet that reads like the procedure's snippets: a header comment (the step,
//! what it does, how the plan was adapted to the environment, what to check or wait for before
//! the next step), the `local` lines for the k8s library when replica overrides need them, one
//! `_config+::` block, one block per hidden flag map and one field per replica override.
//!
//! **One source of truth**: [`OverlayFile::code`] is both the file written to disk and the
//! Jsonnet tkstep applies in memory ([`OverlayFile::overlay`]: `<environment> + (<code>)`), so
//! importing the file from `main.jsonnet` gives the same manifests by construction.
//!
//! File names are `NN-<id>-<name>.libsonnet`: `NN` numbers the config steps from `01` (so files
//! sort in plan order), the step id keeps its dots (`06-5.2-scale-down-read-backend.libsonnet`);
//! any character other than ASCII letters, digits, `.`, `_` and `-` is replaced by `-`.

pub mod jsonnet;

use std::fmt::Write;

use serde_json::Value;

use crate::eval::Overlay;
use crate::plan::{AdaptationKind, AdaptedPlan, State, Step, StepCheck};

/// Width of header comment lines.
const WIDTH: usize = 100;

/// The file name users wire into `main.jsonnet` (see [`readme`]).
pub const MIGRATION_FILE: &str = "migration.libsonnet";

/// The overlay of one config step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayFile {
    /// 1-based number among the plan's config steps (`NN` of the file name).
    pub number: usize,
    /// Number of config steps in the plan.
    pub total: usize,
    /// Index of the step in the plan.
    pub step_index: usize,
    /// The step id.
    pub step_id: String,
    /// `NN-<id>-<name>.libsonnet`.
    pub file_name: String,
    /// The Jsonnet: header comment + cumulative overlay. Written to disk and evaluated as is.
    pub code: String,
    /// Where the header comment ends in `code` (the rest is [`jsonnet::body`] of the state).
    header_len: usize,
}

impl OverlayFile {
    /// The overlay without its header comment: [`jsonnet::body`] of the step's cumulative
    /// state (what [`EnvProbe`](crate::plan::EnvProbe) candidates are keyed by).
    pub fn body(&self) -> &str {
        &self.code[self.header_len..]
    }

    /// The in-memory overlay tkstep evaluates (the same text as the file).
    pub fn overlay(&self) -> Overlay {
        Overlay {
            name: format!("step {} overlay ({})", self.step_id, self.file_name),
            code: self.code.clone(),
        }
    }
}

fn sanitize(part: &str) -> String {
    part.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The overlay file name of a config step: `NN-<id>-<name>.libsonnet`.
pub fn file_name(number: usize, total: usize, step: &Step) -> String {
    let width = total.to_string().len().max(2);
    format!(
        "{number:0width$}-{}-{}.libsonnet",
        sanitize(&step.id),
        sanitize(&step.name)
    )
}

/// For every step of `plan`, its overlay file name (`None` for non-config steps).
pub fn file_names(plan: &AdaptedPlan) -> Vec<Option<String>> {
    let total = plan.config_total();
    let mut names = vec![None; plan.plan.steps.len()];
    for (number, index, step) in plan.config_steps() {
        names[index] = Some(file_name(number, total, step));
    }
    names
}

/// `tkstep plan <ENV>`'s listings: the adapted plan with its overlay file names.
impl AdaptedPlan {
    /// The steps as JSON for `tkstep plan <ENV> --json`: each step's fields plus `overlay` (the
    /// overlay file name, config steps only), `nothing_to_do` and `adaptations`
    /// (`[{kind, message}]`).
    pub fn to_json(&self) -> serde_json::Result<Value> {
        let files = file_names(self);
        let steps = self
            .plan
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let mut value = serde_json::to_value(step)?;
                if let Value::Object(map) = &mut value {
                    map.entry("plan")
                        .or_insert_with(|| self.plan.name.clone().into());
                    if let Some(name) = files.get(i).cloned().flatten() {
                        map.insert("overlay".into(), name.into());
                        map.insert("nothing_to_do".into(), self.is_noop(i).into());
                    }
                    let adaptations: Vec<Value> = self
                        .adaptations_of(&step.id)
                        .map(|a| serde_json::json!({"kind": a.kind, "message": a.message}))
                        .collect();
                    map.insert("adaptations".into(), adaptations.into());
                }
                Ok(value)
            })
            .collect::<serde_json::Result<_>>()?;
        Ok(Value::Array(steps))
    }

    /// A plain-text listing for `tkstep plan [<ENV>]`: one line per step (id, name, kind), its
    /// description, then its adaptations (`~` changed, `i` note, `!` warning).
    pub fn to_text(&self) -> String {
        let mut out = format!("plan {}: {}\n", self.plan.name, self.plan.description);
        if let Some(base) = &self.base {
            out.push_str(&format!(
                "Resumes after step {}: the environment already stands there (steps {} to {} \
                 are in the overlay it imports).\n",
                base.after, base.first, base.after
            ));
        }
        let files = file_names(self);
        for (i, step) in self.plan.steps.iter().enumerate() {
            out.push('\n');
            out.push_str(&format!("{:<6} {:<32} {}", step.id, step.name, step.kind));
            if let Some(Some(file)) = files.get(i) {
                out.push_str(&format!("  -> {file}"));
            }
            if self.is_noop(i) {
                out.push_str("  (nothing to do)");
            }
            out.push('\n');
            out.push_str(&format!("       {}\n", step.description));
            for a in self.adaptations_of(&step.id) {
                let mark = match a.kind {
                    AdaptationKind::Changed => '~',
                    AdaptationKind::Note => 'i',
                    AdaptationKind::Warning => '!',
                };
                out.push_str(&format!("       {mark} {}\n", a.message));
            }
        }
        out
    }
}

/// The overlay files of every config step, in plan order.
pub fn files(plan: &AdaptedPlan) -> Vec<OverlayFile> {
    let total = plan.config_total();
    let states = plan.states();
    plan.config_steps()
        .map(|(number, index, _)| file(plan, number, total, index, &states[index]))
        .collect()
}

/// The overlay in effect after the step at `index`: the file of the last config step at or
/// before it (`None` before the first config step, i.e. the environment as it is).
pub fn for_step(plan: &AdaptedPlan, index: usize) -> Option<OverlayFile> {
    let total = plan.config_total();
    let (number, at, _) = plan
        .config_steps()
        .take_while(|(_, i, _)| *i <= index)
        .last()?;
    Some(file(plan, number, total, at, &plan.cumulative(at)))
}

/// The overlay a resumed plan starts from ([`AdaptedPlan::base`]): the state after the step it
/// resumes after, as the overlay the environment imported (header left out). `None` when the
/// plan does not resume.
pub fn base(plan: &AdaptedPlan) -> Option<Overlay> {
    let base = plan.base.as_ref()?;
    Some(Overlay {
        name: format!("step {} overlay (imported)", base.after),
        code: jsonnet::body(&base.state, plan.k8s_import()),
    })
}

/// What the first line of an overlay file tkstep wrote says
/// (`// tkstep overlay 05/15 of plan to-read-write: step 3.1 scale-up-read`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The plan the overlay belongs to.
    pub plan: String,
    /// The id of the step the overlay stands for.
    pub step: String,
}

/// Parse the first line of a file as an overlay header tkstep wrote; `None` if it is not one.
///
/// ```
/// use tkstep::overlay::parse_header;
/// let h = parse_header("// tkstep overlay 05/15 of plan to-read-write: step 3.1 scale-up-read").unwrap();
/// assert_eq!((h.plan.as_str(), h.step.as_str()), ("to-read-write", "3.1"));
/// assert!(parse_header("// an overlay").is_none());
/// ```
pub fn parse_header(line: &str) -> Option<Header> {
    let rest = line.trim_end().strip_prefix(HEADER_PREFIX)?;
    let (counts, rest) = rest.split_once(" of plan ")?;
    let (number, total) = counts.split_once('/')?;
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !numeric(number) || !numeric(total) {
        return None;
    }
    let (plan, rest) = rest.split_once(": step ")?;
    let step = rest.split(' ').next()?;
    if plan.is_empty() || plan.contains(' ') || step.is_empty() {
        return None;
    }
    Some(Header {
        plan: plan.to_string(),
        step: step.to_string(),
    })
}

/// How the first line of every overlay file starts.
const HEADER_PREFIX: &str = "// tkstep overlay ";

/// The overlay file of config step `index` (number `number` of `total`), whose cumulative state
/// is `state`.
fn file(
    plan: &AdaptedPlan,
    number: usize,
    total: usize,
    index: usize,
    state: &State,
) -> OverlayFile {
    let step = &plan.plan.steps[index];
    let mut code = header(plan, number, total, index);
    let header_len = code.len();
    code.push_str(&jsonnet::body(state, plan.k8s_import()));
    OverlayFile {
        number,
        total,
        step_index: index,
        step_id: step.id.clone(),
        file_name: file_name(number, total, step),
        code,
        header_len,
    }
}

/// Word-wrap `text` into comment lines: `first` prefixes the first line, `rest` the others.
fn wrap(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn check_lines(out: &mut String, check: &StepCheck, indent: &str) {
    let bullet = format!("// {indent}- ");
    let cont = format!("// {indent}  ");
    match check {
        StepCheck::Promql { query, expect } => {
            wrap(out, &format!("PromQL, expect {expect}:"), &bullet, &cont);
            // Line by line: a query from a plan file may span lines, and every line must stay
            // inside the comment.
            for line in query.lines() {
                let _ = writeln!(out, "{cont}  {line}");
            }
        }
        other => wrap(out, &other.to_string(), &bullet, &cont),
    }
}

fn step_followups(out: &mut String, step: &Step, indent: &str) {
    for check in &step.checks {
        check_lines(out, check, indent);
    }
    for wait in &step.waits {
        let text = format!("wait for {wait}");
        wrap(
            out,
            &text,
            &format!("// {indent}- "),
            &format!("// {indent}  "),
        );
    }
}

/// The header comment of config step `index` (number `number` of `total`).
fn header(plan: &AdaptedPlan, number: usize, total: usize, index: usize) -> String {
    let steps = &plan.plan.steps;
    let step = &steps[index];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{HEADER_PREFIX}{number:02}/{total:02} of plan {}: step {}",
        plan.plan.name,
        step.title()
    );
    out.push_str("//\n");
    wrap(&mut out, &step.description, "// ", "// ");
    out.push_str("//\n");
    let first = match &plan.base {
        Some(base) => &base.first,
        None => &steps[0].id,
    };
    let span = if index == 0 && plan.base.is_none() {
        format!("Step {first} only")
    } else {
        format!("Cumulative: steps {first} to {} in one file", step.id)
    };
    wrap(
        &mut out,
        &format!(
            "{span}. Use it as {MIGRATION_FILE}, imported last from main.jsonnet, in place of \
             the previous step's overlay (replace, do not stack; see README.md)."
        ),
        "// ",
        "// ",
    );
    if plan.is_noop(index) {
        out.push_str("//\n");
        wrap(
            &mut out,
            "Nothing to do for this environment: same Jsonnet as the previous overlay.",
            "// ",
            "// ",
        );
    }
    let adaptations: Vec<_> = plan.adaptations_of(&step.id).collect();
    if !adaptations.is_empty() {
        out.push_str("//\n// Adapted to this environment:\n");
        for a in adaptations {
            let mark = match a.kind {
                AdaptationKind::Changed => "changed",
                AdaptationKind::Note => "note",
                AdaptationKind::Warning => "WARNING",
            };
            wrap(
                &mut out,
                &format!("{mark}: {}", a.message),
                "// - ",
                "//   ",
            );
        }
    }
    if !step.prerequisites.is_empty() {
        out.push_str("//\n// Before applying:\n");
        for p in &step.prerequisites {
            wrap(&mut out, p, "// - ", "//   ");
        }
    }
    // The next config step (whose overlay replaces this one) and the steps before it.
    let after = &steps[index + 1..];
    let (between, next) = match after.iter().position(Step::is_config) {
        Some(n) => (&after[..n], Some(&after[n])),
        None => (after, None),
    };
    let has_followups = !step.checks.is_empty()
        || !step.waits.is_empty()
        || !between.is_empty()
        || next.is_some_and(|s| !s.prerequisites.is_empty());
    if has_followups {
        out.push_str("//\n");
        match next {
            Some(next) => {
                let _ = writeln!(
                    out,
                    "// After applying, before the next overlay (step {}):",
                    next.title()
                );
            }
            None => out.push_str("// After applying:\n"),
        }
        step_followups(&mut out, step, "");
        for s in between {
            wrap(
                &mut out,
                &format!("step {} ({}): {}", s.title(), s.kind, s.description),
                "// - ",
                "//   ",
            );
            step_followups(&mut out, s, "  ");
        }
        if let Some(next) = next {
            for p in &next.prerequisites {
                wrap(
                    &mut out,
                    &format!("before step {}: {p}", next.id),
                    "// - ",
                    "//   ",
                );
            }
        }
    }
    out.push('\n');
    out
}

/// The README written next to the overlay files: how to wire an overlay into `main.jsonnet`
/// and the list of steps. `env` is the environment path shown in `tk` commands.
pub fn readme(plan: &AdaptedPlan, env: &str) -> String {
    let files = file_names(plan);
    let mut out = String::new();
    let _ = writeln!(out, "# Overlays for plan `{}`\n", plan.plan.name);
    let _ = writeln!(out, "{}\n", plan.plan.description);
    let _ = writeln!(
        out,
        "Generated by tkstep for `{env}`. There is one file per config step. Each file is \
         **cumulative** (steps 1 to N in one file): at every step, replace the overlay with the \
         next file; never stack two of them.\n"
    );
    out.push_str("## Wiring\n\n");
    let _ = writeln!(
        out,
        "Copy the current step's file to `{MIGRATION_FILE}` next to the environment's \
         `main.jsonnet` and add it, last, to the object `main.jsonnet` returns:\n"
    );
    out.push_str(
        "```jsonnet\n(import 'mimir/mimir.libsonnet') + {\n  _config+:: {\n    // the \
         environment's own settings, unchanged\n  },\n} + (import 'migration.libsonnet')\n```\n\n",
    );
    let _ = writeln!(
        out,
        "Then, for each step: `cp NN-<id>-<name>.libsonnet {env}/{MIGRATION_FILE}`, review with \
         `tk diff {env}`, apply with `tk apply {env}`, and do what the file's header lists \
         before going on. Steps without a file (verify, route) happen outside Jsonnet. After the \
         last step, fold the final overlay into `main.jsonnet` and delete `{MIGRATION_FILE}`.\n"
    );
    let _ = writeln!(
        out,
        "While `{MIGRATION_FILE}` is imported, tkstep recognizes it by its first line and \
         follows the rest of the plan from its step (`tkstep diff {env}` shows the steps still \
         to come).\n"
    );
    out.push_str("## Steps\n\n| step | name | kind | overlay file |\n|---|---|---|---|\n");
    for (i, step) in plan.plan.steps.iter().enumerate() {
        let file = match &files[i] {
            Some(name) if plan.is_noop(i) => format!("`{name}` (nothing to do)"),
            Some(name) => format!("`{name}`"),
            None => "(no Jsonnet change)".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {file} |",
            step.id, step.name, step.kind
        );
    }
    if !plan.adaptations.is_empty() {
        out.push_str("\n## Adapted to this environment\n\n");
        for a in &plan.adaptations {
            let mark = match a.kind {
                AdaptationKind::Changed => "changed",
                AdaptationKind::Note => "note",
                AdaptationKind::Warning => "**warning**",
            };
            let _ = writeln!(out, "- step {} ({mark}): {}", a.step, a.message);
        }
    }
    out
}

/// The Kubernetes library import found in Jsonnet `source` (e.g. an environment's
/// `main.jsonnet`): the first imported path ending in `ksonnet-util/kausal.libsonnet`.
///
/// ```
/// let src = "local k = import 'github.com/grafana/jsonnet-libs/ksonnet-util/kausal.libsonnet';";
/// assert_eq!(
///     tkstep::overlay::detect_k8s_import(src).as_deref(),
///     Some("github.com/grafana/jsonnet-libs/ksonnet-util/kausal.libsonnet")
/// );
/// assert_eq!(tkstep::overlay::detect_k8s_import("import 'mimir/mimir.libsonnet'"), None);
/// ```
pub fn detect_k8s_import(source: &str) -> Option<String> {
    let re = regex::Regex::new(r#"import\s*(?:'([^'\n]*)'|"([^"\n]*)")"#).ok()?;
    re.captures_iter(source)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str())
        .find(|path| {
            *path == "ksonnet-util/kausal.libsonnet"
                || path.ends_with("/ksonnet-util/kausal.libsonnet")
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Params, Plan, StepKind};

    #[test]
    fn multi_line_promql_stays_inside_the_header_comment() {
        let step = Step::new("1", "a", StepKind::Config, "Set a.")
            .set("a", 1)
            .check(StepCheck::promql("sum(\n  rate(x[1m])\n)\n", "above zero"));
        let plan = Plan {
            name: "p".into(),
            description: String::new(),
            direction: None,
            steps: vec![step],
            resume_after: None,
        };
        let files = files(&AdaptedPlan::as_written(plan, &Params::default()));
        let code = &files[0].code;
        let (header, _) = code.split_once("\n\n").unwrap();
        for line in header.lines() {
            assert!(line.starts_with("//"), "{line:?} in\n{code}");
        }
        assert!(
            header.contains("//     sum(\n//       rate(x[1m])\n//     )"),
            "{code}"
        );
    }

    #[test]
    fn for_step_is_the_file_of_the_last_config_step_so_far() {
        let plan = Plan::to_read_write(&Params::default());
        let adapted = AdaptedPlan::as_written(plan, &Params::default());
        let all = files(&adapted);
        for index in 0..adapted.plan.steps.len() + 2 {
            let expected = all.iter().take_while(|f| f.step_index <= index).last();
            assert_eq!(for_step(&adapted, index).as_ref(), expected, "{index}");
        }
    }
}
