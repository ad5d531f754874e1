//! The runbook's layout, written once: what goes in which order and which sentences. A
//! [`Doc`] writer (Markdown or HTML) decides only how each block and inline piece looks.
//!
//! Inline text is markup of the writer's format: data goes through [`Doc::text`],
//! [`Doc::code`] and the other inline methods; the constant prose below needs no escaping in
//! either format.

use super::{IngesterShutdown, Runbook, RunbookStep};
use crate::check::Finding;
use crate::plan::{StepCheck, StepKind};

/// The kind of a code block.
#[derive(Debug, Clone, Copy)]
pub(super) enum Lang {
    /// Shell commands.
    Shell,
    /// A PromQL query.
    Promql,
    /// The replica timeline table.
    Timeline,
}

/// Inline emphasis the two formats show differently.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark<'a> {
    /// Bold in both.
    Strong,
    /// Bold in Markdown, a `<span class>` in HTML (severity labels, "Rolls").
    Label(&'a str),
    /// Plain in Markdown, a `<span class>` in HTML (finding counts).
    Tint(&'a str),
    /// Plain in Markdown, bold in HTML.
    HtmlStrong,
    /// A quotation.
    Quote,
    /// A step kind after the step's title: ` (config)` in Markdown, a badge in HTML.
    Kind,
}

/// How a sub-section's title joins its first sentence. Markdown writes the title in bold at the
/// start of a paragraph; HTML writes `<h3>title</h3>` and the sentence as its own paragraph.
#[derive(Debug, Clone, Copy)]
pub(super) enum Lead<'a> {
    /// No sentence: `**Title:**`.
    None,
    /// No sentence, and the Markdown title is not bold: `Title:`.
    Quiet,
    /// `**Title** sentence`.
    Follows(&'a str),
    /// `**Title:** sentence`, a line of counts.
    Counts(&'a str),
    /// `**Title** (sentence):` in Markdown, `sentence.` in HTML.
    Aside(&'a str),
}

/// A list item: inline text and what is nested under it.
pub(super) struct Item {
    pub text: String,
    pub sub: Sub,
}

/// What a list item holds below its text.
pub(super) enum Sub {
    Nothing,
    List(Vec<Item>),
    Code(Lang, Vec<String>),
    /// Rows `[what, before, after]`: `what: before → after` items in Markdown, a table in HTML.
    FromTo(Vec<[String; 3]>),
}

fn item(text: String) -> Item {
    Item {
        text,
        sub: Sub::Nothing,
    }
}

/// A document writer.
pub(super) trait Doc {
    /// Escape `text` so it shows literally.
    fn text(&self, text: &str) -> String;
    /// `text` as inline code.
    fn code(&self, text: &str) -> String;
    /// `inline` with emphasis `mark`.
    fn mark(&self, mark: Mark, inline: &str) -> String;
    /// `inline` linking to `#anchor` (Markdown has no link).
    fn link(&self, anchor: &str, inline: &str) -> String;

    /// Start the document; `title` is plain text.
    fn begin(&mut self, title: &str);
    /// End the document and return it.
    fn finish(self) -> String;
    /// Start a section that `#anchor` links to.
    fn begin_section(&mut self, anchor: &str);
    /// End the section.
    fn end_section(&mut self);
    /// A heading of `level` 1 or 2.
    fn heading(&mut self, level: u8, inline: &str);
    /// A sub-section's title (plain text) and its first sentence.
    fn title(&mut self, title: &str, lead: Lead);
    /// A paragraph, with an HTML class (`""` for none).
    fn paragraph(&mut self, class: &str, inline: &str);
    /// A bulleted or numbered list.
    fn list(&mut self, ordered: bool, items: &[Item]);
    /// A code block.
    fn code_block(&mut self, lang: Lang, lines: &[String]);
    /// A table: header cells (plain text) and rows of inline cells.
    fn table(&mut self, header: &[&str], rows: &[Vec<String>]);
    /// A highlighted box: sentences of one paragraph (`class` `shutdown` or `wait`), then a
    /// list when `items` is not empty.
    fn boxed(&mut self, class: &str, sentences: &[String], ordered: bool, items: &[Item]);
}

/// `texts` as inline code, separated by `sep`.
fn codes(doc: &impl Doc, texts: &[String], sep: &str) -> String {
    texts
        .iter()
        .map(|t| doc.code(t))
        .collect::<Vec<_>>()
        .join(sep)
}

fn finding(doc: &impl Doc, f: &Finding) -> Item {
    let sev = f.severity.label();
    item(format!(
        "{} {} ({}): {}",
        doc.mark(Mark::Label(&format!("sev-{sev}")), sev),
        doc.code(f.rule.id()),
        codes(doc, &f.objects, ", "),
        doc.text(&f.reason)
    ))
}

fn shutdown(doc: &mut impl Doc, s: &IngesterShutdown, wait: Option<&str>) {
    let title = format!(
        "Before applying: ingester shutdown procedure for {}",
        doc.code(&s.statefulset)
    );
    let sentence = format!(
        "{} (Mimir operators guide, {}). Skipping it loses data.",
        doc.mark(Mark::Strong, &title),
        doc.mark(
            Mark::Quote,
            "scaling down ingesters deployed in multiple zones"
        )
    );
    let pods = if s.pods.is_empty() {
        "(no pods rendered before this step)".to_string()
    } else {
        codes(doc, &s.pods, ", ")
    };
    let wait = wait
        .map(|w| {
            let w = doc.mark(Mark::HtmlStrong, &doc.text(w));
            format!(": {w}, see the wait below")
        })
        .unwrap_or_default();
    let steps = [
        format!(
            "Call the {} HTTP endpoint (port 8080) of every pod of the zone, namespace {}: {pods}.",
            doc.code("/ingester/shutdown"),
            doc.code(&s.namespace)
        ),
        "Wait until every call has returned and each ingester logged that it finished \
         flushing and shipping its TSDB blocks."
            .to_string(),
        format!(
            "Apply this step: scaling {} to 0 stops the processes (this may happen before the \
             wait of point 4).",
            doc.code(&s.statefulset)
        ),
        format!("Wait until the uploaded blocks are queryable before the next zone{wait}."),
    ];
    doc.boxed("shutdown", &[sentence], true, &steps.map(item));
}

fn check(doc: &impl Doc, c: &StepCheck) -> Item {
    match c {
        StepCheck::Promql { query, expect } => Item {
            text: format!("PromQL, expect {}:", doc.text(expect)),
            sub: Sub::Code(Lang::Promql, vec![query.clone()]),
        },
        StepCheck::Ring { rings, expect } => {
            let pages: Vec<String> = rings
                .iter()
                .map(|r| format!("{} {}", doc.text(r), doc.code(&format!("/{r}/ring"))))
                .collect();
            item(format!(
                "Ring pages: {}; each {}.",
                pages.join(", "),
                doc.text(expect)
            ))
        }
        StepCheck::Manual { text } => item(doc.text(text)),
    }
}

/// The "What changes" list: workloads added and removed, rolls, replica changes.
fn changes(doc: &impl Doc, s: &RunbookStep) -> Vec<Item> {
    let mut items = Vec::new();
    if !s.added.is_empty() {
        items.push(item(format!(
            "New workloads: {}",
            codes(doc, &s.added, ", ")
        )));
    }
    if !s.removed.is_empty() {
        items.push(item(format!(
            "Removed workloads: {}",
            codes(doc, &s.removed, ", ")
        )));
    }
    if s.rolls.is_empty() {
        items.push(item(
            "Rolls: none (no pod template of an existing workload changes)".to_string(),
        ));
    } else {
        let rolls = s.rolls.iter().map(|r| Item {
            text: format!(
                "{} ({}; {}):",
                doc.code(&format!("{}/{}", r.kind, r.name)),
                doc.text(&r.replicas_text()),
                doc.text(&r.strategy)
            ),
            sub: Sub::List(r.changes.iter().map(|c| item(doc.code(c))).collect()),
        });
        items.push(Item {
            text: format!(
                "{} (pod template changed, pods are replaced):",
                doc.mark(Mark::Label("roll"), "Rolls")
            ),
            sub: Sub::List(rolls.collect()),
        });
    }
    if s.scales.is_empty() {
        items.push(item("Replica changes: none".to_string()));
    } else {
        let rows = s.scales.iter().map(|sc| {
            [
                doc.code(&format!("{}/{}", sc.kind, sc.name)),
                doc.text(&sc.from),
                doc.text(&sc.to),
            ]
        });
        items.push(Item {
            text: "Replica changes:".to_string(),
            sub: Sub::FromTo(rows.collect()),
        });
    }
    items
}

fn step(doc: &mut impl Doc, s: &RunbookStep) {
    doc.begin_section(&format!("step-{}", s.id));
    let heading = format!(
        "Step {} {}{}",
        doc.text(&s.id),
        doc.text(&s.name),
        doc.mark(Mark::Kind, &doc.text(&s.kind.to_string()))
    );
    doc.heading(2, &heading);
    doc.paragraph("", &doc.text(&s.description));
    if !s.adaptations.is_empty() {
        doc.title("Adapted to this environment", Lead::Quiet);
        let items: Vec<Item> = s
            .adaptations
            .iter()
            .map(|a| {
                let kind = serde_json::to_value(a.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                item(format!("{}: {}", doc.text(&kind), doc.text(&a.message)))
            })
            .collect();
        doc.list(false, &items);
    }
    if !s.prerequisites.is_empty() {
        doc.title("Before applying", Lead::None);
        let items: Vec<Item> = s.prerequisites.iter().map(|p| item(doc.text(p))).collect();
        doc.list(false, &items);
    }
    let main_wait = s
        .waits
        .first()
        .and_then(|w| w.duration)
        .map(|d| d.to_string());
    for sd in &s.shutdowns {
        shutdown(doc, sd, main_wait.as_deref());
    }
    match (&s.overlay, s.kind) {
        (Some(file), _) => {
            let nothing = if s.nothing_to_do {
                " (nothing changes for this environment; apply it to keep the sequence)"
            } else {
                ""
            };
            let lead = format!("{}{nothing}, from the project root:", doc.code(file));
            doc.title("Apply", Lead::Follows(&lead));
            doc.code_block(Lang::Shell, &s.commands);
        }
        (None, StepKind::Route) => {
            let text = format!(
                "{}: this happens in the load balancer / ingress.",
                doc.mark(Mark::Strong, "No Jsonnet change")
            );
            doc.paragraph("", &text);
        }
        (None, _) => doc.paragraph("", &doc.mark(Mark::Strong, "No Jsonnet change.")),
    }
    if let Some(c) = s.objects {
        let counts = format!(
            "{} object{} added, {} modified, {} removed.",
            c.added,
            if c.added == 1 { "" } else { "s" },
            c.modified,
            c.removed
        );
        doc.title("What changes", Lead::Counts(&counts));
        doc.list(false, &changes(doc, s));
    }
    if !s.checks.is_empty() {
        doc.title("Check before going on", Lead::None);
        let items: Vec<Item> = s.checks.iter().map(|c| check(doc, c)).collect();
        doc.list(false, &items);
    }
    for w in &s.waits {
        let wait = match w.duration {
            Some(d) => format!("Wait {d}"),
            None => "Wait".to_string(),
        };
        let mut sentences = vec![format!(
            "{}: {}.",
            doc.mark(Mark::Strong, &doc.text(&wait)),
            doc.text(&w.reason)
        )];
        let mut terms = Vec::new();
        match w.terms.as_slice() {
            [] => {}
            [one] => sentences.push(format!("Computed from {}.", doc.code(&one.explain()))),
            many => {
                sentences.push("The largest of:".to_string());
                terms = many.iter().map(|t| item(doc.code(&t.explain()))).collect();
            }
        }
        doc.boxed("wait", &sentences, false, &terms);
    }
    if !s.findings.is_empty() {
        doc.title("Safety checks at this step", Lead::None);
        let items: Vec<Item> = s.findings.iter().map(|f| finding(doc, f)).collect();
        doc.list(false, &items);
    }
    if !s.leftover_pvcs.is_empty() {
        doc.title(
            "PersistentVolumeClaims left behind",
            Lead::Aside(
                "Kubernetes keeps the claims of removed StatefulSets; release them once their \
                 data is no longer needed",
            ),
        );
        let rows: Vec<Vec<String>> = s
            .leftover_pvcs
            .iter()
            .map(|p| {
                vec![
                    doc.code(&p.statefulset),
                    doc.code(&p.claim),
                    p.replicas.to_string(),
                    codes(doc, &p.names, " "),
                ]
            })
            .collect();
        doc.table(
            &[
                "StatefulSet",
                "claim template",
                "most replicas rendered",
                "PVCs",
            ],
            &rows,
        );
        let text = format!(
            "Ordinals cover the most replicas this plan rendered; if a StatefulSet ever ran more \
             pods, list its claims with {}.",
            doc.code("kubectl get pvc")
        );
        doc.paragraph("", &text);
    }
    doc.end_section();
}

/// Write `book` with `writer`.
pub(super) fn layout(book: &Runbook, mut writer: impl Doc) -> String {
    let doc = &mut writer;
    let mut env = book.target.path.clone();
    if let Some(name) = &book.target.name {
        env.push_str(&format!(" (--name {name})"));
    }
    doc.begin(&format!("Runbook: plan {} on {env}", book.plan));
    let title = format!(
        "Runbook: plan {} on {}",
        doc.code(&book.plan),
        doc.code(&env)
    );
    doc.heading(1, &title);
    doc.paragraph("lead", &doc.text(&book.description));
    let sm = &book.summary;
    let summary = format!(
        "Run every command from the Tanka project root. Safety checks on the rendered steps: \
         {}, {}, {}.",
        doc.mark(Mark::Tint("sev-error"), &super::plural(sm.errors, "error")),
        doc.mark(
            Mark::Tint("sev-warning"),
            &super::plural(sm.warnings, "warning")
        ),
        doc.mark(Mark::Tint("sev-info"), &format!("{} info", sm.info))
    );
    doc.paragraph("", &summary);
    doc.heading(2, "Before you start");
    doc.paragraph(
        "",
        "Write the overlay files and wire the migration file once:",
    );
    doc.code_block(Lang::Shell, &book.setup);
    if !book.before_findings.is_empty() {
        doc.paragraph("", "Safety checks on the environment as it is:");
        let items: Vec<Item> = book
            .before_findings
            .iter()
            .map(|f| finding(doc, f))
            .collect();
        doc.list(false, &items);
    }
    doc.heading(2, "Steps");
    let rows: Vec<Vec<String>> = book
        .steps
        .iter()
        .map(|s| {
            vec![
                doc.link(&format!("step-{}", s.id), &doc.text(&s.id)),
                doc.text(&s.name),
                doc.text(&s.kind.to_string()),
                s.overlay
                    .as_deref()
                    .map(|o| doc.code(o))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    doc.table(&["step", "name", "kind", "overlay"], &rows);
    for s in &book.steps {
        step(doc, s);
    }
    doc.heading(2, "Replica timeline");
    let text = format!(
        "Replicas per workload after each step ({} absent, {} Kubernetes' default, {} autoscaled):",
        doc.code("-"),
        doc.code("(1)"),
        doc.code("min-max")
    );
    doc.paragraph("", &text);
    let table: Vec<String> = book.timeline.render().lines().map(str::to_string).collect();
    doc.code_block(Lang::Timeline, &table);
    writer.finish()
}
