//! The runbook as Markdown (CommonMark).

use std::fmt::Write as _;

use super::{IngesterShutdown, Runbook, RunbookStep};
use crate::check::Finding;
use crate::plan::{StepCheck, StepKind};

/// Escape prose so Markdown shows it literally (`*`, `<`, `|`, brackets, backslashes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '<' | '>' | '|' | '[' | ']' | '`' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as an inline code span (fenced with more backticks than it contains).
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A fenced code block.
fn block(out: &mut String, lang: &str, lines: &[String]) {
    let body = lines.join("\n");
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{fence}{lang}\n{body}\n{fence}\n");
}

fn finding_line(f: &Finding) -> String {
    format!(
        "- **{}** {} ({}): {}",
        f.severity.label(),
        code(f.rule.id()),
        f.objects
            .iter()
            .map(|o| code(o))
            .collect::<Vec<_>>()
            .join(", "),
        escape(&f.reason)
    )
}

fn shutdown(out: &mut String, s: &IngesterShutdown, wait: Option<String>) {
    let _ = writeln!(
        out,
        "**Before applying: ingester shutdown procedure for {}** (Mimir operators guide, \
         \"scaling down ingesters deployed in multiple zones\"). Skipping it loses data.\n",
        code(&s.statefulset)
    );
    let pods = if s.pods.is_empty() {
        "(no pods rendered before this step)".to_string()
    } else {
        s.pods
            .iter()
            .map(|p| code(p))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "1. Call the {} HTTP endpoint (port 8080) of every pod of the zone, namespace {}: {pods}.",
        code("/ingester/shutdown"),
        code(&s.namespace)
    );
    out.push_str(
        "2. Wait until every call has returned and each ingester logged that it finished \
         flushing and shipping its TSDB blocks.\n",
    );
    let _ = writeln!(
        out,
        "3. Apply this step: scaling {} to 0 stops the processes (this may happen before the \
         wait of point 4).",
        code(&s.statefulset)
    );
    let _ = writeln!(
        out,
        "4. Wait until the uploaded blocks are queryable before the next zone{}.\n",
        wait.map(|w| format!(": {w}, see the wait below"))
            .unwrap_or_default()
    );
}

fn check(out: &mut String, c: &StepCheck) {
    match c {
        StepCheck::Promql { query, expect } => {
            let _ = writeln!(out, "- PromQL, expect {}:\n", escape(expect));
            let mut b = String::new();
            block(&mut b, "promql", std::slice::from_ref(query));
            for line in b.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        StepCheck::Ring { rings, expect } => {
            let pages: Vec<String> = rings
                .iter()
                .map(|r| format!("{} {}", escape(r), code(&format!("/{r}/ring"))))
                .collect();
            let _ = writeln!(
                out,
                "- Ring pages: {}; each {}.",
                pages.join(", "),
                escape(expect)
            );
        }
        StepCheck::Manual { text } => {
            let _ = writeln!(out, "- {}", escape(text));
        }
    }
}

fn step(out: &mut String, s: &RunbookStep) {
    let _ = writeln!(out, "## Step {} {} ({})\n", s.id, s.name, s.kind);
    let _ = writeln!(out, "{}\n", escape(&s.description));
    if !s.adaptations.is_empty() {
        out.push_str("Adapted to this environment:\n\n");
        for a in &s.adaptations {
            let kind = serde_json::to_value(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(out, "- {kind}: {}", escape(&a.message));
        }
        out.push('\n');
    }
    if !s.prerequisites.is_empty() {
        out.push_str("**Before applying:**\n\n");
        for p in &s.prerequisites {
            let _ = writeln!(out, "- {}", escape(p));
        }
        out.push('\n');
    }
    let main_wait = s
        .waits
        .first()
        .and_then(|w| w.duration)
        .map(|d| d.to_string());
    for sd in &s.shutdowns {
        shutdown(out, sd, main_wait.clone());
    }
    match (&s.overlay, s.kind) {
        (Some(file), _) => {
            let _ = write!(out, "**Apply** {}", code(file));
            if s.nothing_to_do {
                out.push_str(
                    " (nothing changes for this environment; apply it to keep the sequence)",
                );
            }
            out.push_str(", from the project root:\n\n");
            block(out, "sh", &s.commands);
        }
        (None, StepKind::Route) => {
            out.push_str("**No Jsonnet change**: this happens in the load balancer / ingress.\n\n")
        }
        (None, _) => out.push_str("**No Jsonnet change.**\n\n"),
    }
    if let Some(c) = s.objects {
        let _ = writeln!(
            out,
            "**What changes:** {} objects added, {} modified, {} removed.\n",
            c.added, c.modified, c.removed
        );
        let list = |ids: &[String]| ids.iter().map(|i| code(i)).collect::<Vec<_>>().join(", ");
        if !s.added.is_empty() {
            let _ = writeln!(out, "- New workloads: {}", list(&s.added));
        }
        if !s.removed.is_empty() {
            let _ = writeln!(out, "- Removed workloads: {}", list(&s.removed));
        }
        if s.rolls.is_empty() {
            out.push_str("- Rolls: none (no pod template of an existing workload changes)\n");
        } else {
            out.push_str("- **Rolls** (pod template changed, pods are replaced):\n");
            for r in &s.rolls {
                let _ = writeln!(
                    out,
                    "  - {} ({}; {}):",
                    code(&format!("{}/{}", r.kind, r.name)),
                    escape(&r.replicas_text()),
                    escape(&r.strategy)
                );
                for c in &r.changes {
                    let _ = writeln!(out, "    - {}", code(c));
                }
            }
        }
        if s.scales.is_empty() {
            out.push_str("- Replica changes: none\n");
        } else {
            out.push_str("- Replica changes:\n");
            for sc in &s.scales {
                let _ = writeln!(
                    out,
                    "  - {}: {} → {}",
                    code(&format!("{}/{}", sc.kind, sc.name)),
                    escape(&sc.from),
                    escape(&sc.to)
                );
            }
        }
        out.push('\n');
    }
    if !s.checks.is_empty() {
        out.push_str("**Check before going on:**\n\n");
        for c in &s.checks {
            check(out, c);
        }
        out.push('\n');
    }
    for w in &s.waits {
        match w.duration {
            Some(d) => {
                let _ = writeln!(out, "**Wait {d}**: {}.", escape(&w.reason));
            }
            None => {
                let _ = writeln!(out, "**Wait**: {}.", escape(&w.reason));
            }
        }
        match w.terms.as_slice() {
            [] => {}
            [one] => {
                let _ = writeln!(out, "Computed from {}.", code(&one.explain()));
            }
            terms => {
                out.push_str("The largest of:\n\n");
                for t in terms {
                    let _ = writeln!(out, "- {}", code(&t.explain()));
                }
            }
        }
        out.push('\n');
    }
    if !s.findings.is_empty() {
        out.push_str("**Safety checks at this step:**\n\n");
        for f in &s.findings {
            let _ = writeln!(out, "{}", finding_line(f));
        }
        out.push('\n');
    }
    if !s.leftover_pvcs.is_empty() {
        out.push_str(
            "**PersistentVolumeClaims left behind** (Kubernetes keeps the claims of removed \
             StatefulSets; release them once their data is no longer needed):\n\n",
        );
        out.push_str(
            "| StatefulSet | claim template | most replicas rendered | PVCs |\n|---|---|---|---|\n",
        );
        for p in &s.leftover_pvcs {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&p.statefulset),
                code(&p.claim),
                p.replicas,
                p.names
                    .iter()
                    .map(|n| code(n))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        out.push_str(
            "\nOrdinals cover the most replicas this plan rendered; if a StatefulSet ever ran \
             more pods, list its claims with `kubectl get pvc`.\n\n",
        );
    }
}

/// Write `runbook` as Markdown.
pub fn render(runbook: &Runbook) -> String {
    let mut out = String::new();
    let mut env = runbook.target.path.clone();
    if let Some(name) = &runbook.target.name {
        let _ = write!(env, " (--name {name})");
    }
    let _ = writeln!(
        out,
        "# Runbook: plan {} on {}\n",
        code(&runbook.plan),
        code(&env)
    );
    let _ = writeln!(out, "{}\n", escape(&runbook.description));
    let sm = &runbook.summary;
    let _ = writeln!(
        out,
        "Run every command from the Tanka project root. Safety checks on the rendered steps: \
         {}, {}, {} info.\n",
        super::plural(sm.errors, "error"),
        super::plural(sm.warnings, "warning"),
        sm.info
    );
    out.push_str(
        "## Before you start\n\nWrite the overlay files and wire the migration file once:\n\n",
    );
    block(&mut out, "sh", &runbook.setup);
    if !runbook.before_findings.is_empty() {
        out.push_str("Safety checks on the environment as it is:\n\n");
        for f in &runbook.before_findings {
            let _ = writeln!(out, "{}", finding_line(f));
        }
        out.push('\n');
    }
    out.push_str("## Steps\n\n| step | name | kind | overlay |\n|---|---|---|---|\n");
    for s in &runbook.steps {
        let overlay = s.overlay.as_deref().map(code).unwrap_or_default();
        let _ = writeln!(out, "| {} | {} | {} | {overlay} |", s.id, s.name, s.kind);
    }
    out.push('\n');
    for s in &runbook.steps {
        step(&mut out, s);
    }
    out.push_str("## Replica timeline\n\nReplicas per workload after each step (`-` absent, `(1)` Kubernetes' default, `min-max` autoscaled):\n\n");
    let table: Vec<String> = runbook
        .timeline
        .render()
        .lines()
        .map(str::to_string)
        .collect();
    block(&mut out, "text", &table);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a|b *c* <d>"), r"a\|b \*c\* \<d\>");
        assert_eq!(code("x"), "`x`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
