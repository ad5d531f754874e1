//! The runbook as one self-contained HTML file: inline CSS, no scripts, no external resources;
//! every piece of text is escaped.

use std::fmt::Write as _;

use super::{IngesterShutdown, Runbook, RunbookStep};
use crate::check::Finding;
use crate::plan::{StepCheck, StepKind};

/// Escape text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

fn pre(out: &mut String, class: &str, lines: &[String]) {
    let _ = writeln!(
        out,
        "<pre class=\"{class}\">{}</pre>",
        escape(&lines.join("\n"))
    );
}

const STYLE: &str = "
:root { --fg: #1d232b; --muted: #5b6673; --line: #d6dbe1; --bg: #ffffff; --panel: #f4f6f8;
  --accent: #2f6fd6; --warn: #a15c00; --err: #b3261e; --ok: #1f7a3a; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 -apple-system, 'Segoe UI', 'DejaVu Sans', Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
p.lead { color: var(--muted); }
code, pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; }
code { background: var(--panel); padding: 1px 4px; border-radius: 3px; }
pre { background: #101820; color: #e6edf3; padding: 12px 14px; border-radius: 6px;
  overflow-x: auto; white-space: pre; }
pre.promql { background: #18243a; }
pre.timeline { background: var(--panel); color: var(--fg); border: 1px solid var(--line); }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
.kind { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px;
  background: var(--panel); border: 1px solid var(--line); color: var(--muted);
  vertical-align: middle; margin-left: 6px; }
.kind.config { color: var(--accent); border-color: var(--accent); }
.box { border-left: 4px solid var(--accent); background: var(--panel); padding: 8px 14px;
  margin: 12px 0; border-radius: 0 6px 6px 0; }
.box.shutdown { border-color: var(--err); }
.box.wait { border-color: var(--warn); }
.sev-error { color: var(--err); font-weight: 600; }
.sev-warning { color: var(--warn); font-weight: 600; }
.sev-info { color: var(--muted); font-weight: 600; }
.roll { color: var(--err); font-weight: 600; }
.counts { color: var(--muted); }
ul { margin: 4px 0 8px; padding-left: 22px; }
";

fn finding(out: &mut String, f: &Finding) {
    let sev = f.severity.label();
    let objects: Vec<String> = f.objects.iter().map(|o| code(o)).collect();
    let _ = writeln!(
        out,
        "<li><span class=\"sev-{sev}\">{sev}</span> {} ({}): {}</li>",
        code(f.rule.id()),
        objects.join(", "),
        escape(&f.reason)
    );
}

fn shutdown(out: &mut String, s: &IngesterShutdown, wait: Option<String>) {
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
        "<div class=\"box shutdown\"><strong>Before applying: ingester shutdown procedure for {}</strong> \
         (Mimir operators guide, “scaling down ingesters deployed in multiple zones”). Skipping it \
         loses data.<ol>\
         <li>Call the {} HTTP endpoint (port 8080) of every pod of the zone, namespace {}: {pods}.</li>\
         <li>Wait until every call has returned and each ingester logged that it finished flushing \
         and shipping its TSDB blocks.</li>\
         <li>Apply this step: scaling {} to 0 stops the processes (this may happen before the wait \
         of point 4).</li>\
         <li>Wait until the uploaded blocks are queryable before the next zone{}.</li></ol></div>",
        code(&s.statefulset),
        code("/ingester/shutdown"),
        code(&s.namespace),
        code(&s.statefulset),
        wait.map(|w| format!(": <strong>{}</strong>, see the wait below", escape(&w)))
            .unwrap_or_default()
    );
}

fn check(out: &mut String, c: &StepCheck) {
    match c {
        StepCheck::Promql { query, expect } => {
            let _ = writeln!(out, "<li>PromQL, expect {}:", escape(expect));
            pre(out, "promql", std::slice::from_ref(query));
            out.push_str("</li>\n");
        }
        StepCheck::Ring { rings, expect } => {
            let pages: Vec<String> = rings
                .iter()
                .map(|r| format!("{} {}", escape(r), code(&format!("/{r}/ring"))))
                .collect();
            let _ = writeln!(
                out,
                "<li>Ring pages: {}; each {}.</li>",
                pages.join(", "),
                escape(expect)
            );
        }
        StepCheck::Manual { text } => {
            let _ = writeln!(out, "<li>{}</li>", escape(text));
        }
    }
}

fn step(out: &mut String, s: &RunbookStep) {
    let anchor = format!("step-{}", s.id);
    let _ = writeln!(
        out,
        "<section id=\"{}\"><h2>Step {} {}<span class=\"kind {}\">{}</span></h2>",
        escape(&anchor),
        escape(&s.id),
        escape(&s.name),
        s.kind,
        s.kind
    );
    let _ = writeln!(out, "<p>{}</p>", escape(&s.description));
    if !s.adaptations.is_empty() {
        out.push_str("<h3>Adapted to this environment</h3><ul>");
        for a in &s.adaptations {
            let kind = serde_json::to_value(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = write!(out, "<li>{}: {}</li>", escape(&kind), escape(&a.message));
        }
        out.push_str("</ul>\n");
    }
    if !s.prerequisites.is_empty() {
        out.push_str("<h3>Before applying</h3><ul>");
        for p in &s.prerequisites {
            let _ = write!(out, "<li>{}</li>", escape(p));
        }
        out.push_str("</ul>\n");
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
            let _ = write!(out, "<h3>Apply</h3><p>{}", code(file));
            if s.nothing_to_do {
                out.push_str(" (nothing changes for this environment; apply it to keep the sequence)");
            }
            out.push_str(", from the project root:</p>\n");
            pre(out, "sh", &s.commands);
        }
        (None, StepKind::Route) => out.push_str(
            "<p><strong>No Jsonnet change</strong>: this happens in the load balancer / ingress.</p>\n",
        ),
        (None, _) => out.push_str("<p><strong>No Jsonnet change.</strong></p>\n"),
    }
    if let Some(c) = s.objects {
        let _ = writeln!(
            out,
            "<h3>What changes</h3><p class=\"counts\">{} objects added, {} modified, {} removed.</p><ul>",
            c.added, c.modified, c.removed
        );
        let list = |ids: &[String]| ids.iter().map(|i| code(i)).collect::<Vec<_>>().join(", ");
        if !s.added.is_empty() {
            let _ = writeln!(out, "<li>New workloads: {}</li>", list(&s.added));
        }
        if !s.removed.is_empty() {
            let _ = writeln!(out, "<li>Removed workloads: {}</li>", list(&s.removed));
        }
        if s.rolls.is_empty() {
            out.push_str(
                "<li>Rolls: none (no pod template of an existing workload changes)</li>\n",
            );
        } else {
            out.push_str("<li><span class=\"roll\">Rolls</span> (pod template changed, pods are replaced):<ul>");
            for r in &s.rolls {
                let _ = write!(
                    out,
                    "<li>{} ({}; {}):<ul>",
                    code(&format!("{}/{}", r.kind, r.name)),
                    escape(&r.replicas_text()),
                    escape(&r.strategy)
                );
                for c in &r.changes {
                    let _ = write!(out, "<li>{}</li>", code(c));
                }
                out.push_str("</ul></li>\n");
            }
            out.push_str("</ul></li>\n");
        }
        if s.scales.is_empty() {
            out.push_str("<li>Replica changes: none</li>\n");
        } else {
            out.push_str("<li>Replica changes:<table><tr><th>workload</th><th>before</th><th>after</th></tr>");
            for sc in &s.scales {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    code(&format!("{}/{}", sc.kind, sc.name)),
                    escape(&sc.from),
                    escape(&sc.to)
                );
            }
            out.push_str("</table></li>\n");
        }
        out.push_str("</ul>\n");
    }
    if !s.checks.is_empty() {
        out.push_str("<h3>Check before going on</h3><ul>");
        for c in &s.checks {
            check(out, c);
        }
        out.push_str("</ul>\n");
    }
    for w in &s.waits {
        out.push_str("<div class=\"box wait\">");
        match w.duration {
            Some(d) => {
                let _ = write!(
                    out,
                    "<strong>Wait {}</strong>: {}.",
                    escape(&d.to_string()),
                    escape(&w.reason)
                );
            }
            None => {
                let _ = write!(out, "<strong>Wait</strong>: {}.", escape(&w.reason));
            }
        }
        match w.terms.as_slice() {
            [] => {}
            [one] => {
                let _ = write!(out, " Computed from {}.", code(&one.explain()));
            }
            terms => {
                out.push_str(" The largest of:<ul>");
                for t in terms {
                    let _ = write!(out, "<li>{}</li>", code(&t.explain()));
                }
                out.push_str("</ul>");
            }
        }
        out.push_str("</div>\n");
    }
    if !s.findings.is_empty() {
        out.push_str("<h3>Safety checks at this step</h3><ul>");
        for f in &s.findings {
            finding(out, f);
        }
        out.push_str("</ul>\n");
    }
    if !s.leftover_pvcs.is_empty() {
        out.push_str(
            "<h3>PersistentVolumeClaims left behind</h3><p>Kubernetes keeps the claims of removed \
             StatefulSets; release them once their data is no longer needed.</p><table><tr>\
             <th>StatefulSet</th><th>claim template</th><th>most replicas rendered</th><th>PVCs</th></tr>",
        );
        for p in &s.leftover_pvcs {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
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
            "</table><p>Ordinals cover the most replicas this plan rendered; if a StatefulSet \
             ever ran more pods, list its claims with <code>kubectl get pvc</code>.</p>\n",
        );
    }
    out.push_str("</section>\n");
}

/// Write `runbook` as a self-contained HTML document.
pub fn render(runbook: &Runbook) -> String {
    let mut env = runbook.target.path.clone();
    if let Some(name) = &runbook.target.name {
        let _ = write!(env, " (--name {name})");
    }
    let title = format!("Runbook: plan {} on {}", runbook.plan, env);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<h1>Runbook: plan {} on {}</h1>",
        code(&runbook.plan),
        code(&env)
    );
    let _ = writeln!(
        out,
        "<p class=\"lead\">{}</p>",
        escape(&runbook.description)
    );
    let sm = &runbook.summary;
    let _ = writeln!(
        out,
        "<p>Run every command from the Tanka project root. Safety checks on the rendered steps: \
         <span class=\"sev-error\">{}</span>, <span class=\"sev-warning\">{}</span>, \
         <span class=\"sev-info\">{} info</span>.</p>",
        super::plural(sm.errors, "error"),
        super::plural(sm.warnings, "warning"),
        sm.info
    );
    out.push_str("<h2>Before you start</h2><p>Write the overlay files and wire the migration file once:</p>\n");
    pre(&mut out, "sh", &runbook.setup);
    if !runbook.before_findings.is_empty() {
        out.push_str("<p>Safety checks on the environment as it is:</p><ul>");
        for f in &runbook.before_findings {
            finding(&mut out, f);
        }
        out.push_str("</ul>\n");
    }
    out.push_str(
        "<h2>Steps</h2><table><tr><th>step</th><th>name</th><th>kind</th><th>overlay</th></tr>\n",
    );
    for s in &runbook.steps {
        let overlay = s.overlay.as_deref().map(code).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#step-{}\">{}</a></td><td>{}</td><td>{}</td><td>{overlay}</td></tr>",
            escape(&s.id),
            escape(&s.id),
            escape(&s.name),
            s.kind
        );
    }
    out.push_str("</table>\n");
    for s in &runbook.steps {
        step(&mut out, s);
    }
    out.push_str(
        "<h2>Replica timeline</h2><p>Replicas per workload after each step (<code>-</code> \
         absent, <code>(1)</code> Kubernetes' default, <code>min-max</code> autoscaled):</p>\n",
    );
    let table: Vec<String> = runbook
        .timeline
        .render()
        .lines()
        .map(str::to_string)
        .collect();
    pre(&mut out, "timeline", &table);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
