//! Resuming a plan from the overlay an environment imports: an environment part-way through a
//! plan imports the overlay tkstep wrote for the step it has reached (`migration.libsonnet`,
//! header naming plan and step). tkstep takes that as `--from STEP` on its own, says so, and
//! renders every later step exactly as importing that step's own overlay instead would: not
//! stacked on the imported one (which would keep what later steps remove).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{assert_code, project, stderr, stdout};
use tkstep::plan::{Params, PlanSource};
use tkstep::preflight::{FollowOptions, Preparation, prepare};
use tkstep::steps::PlanRun;
use tkstep::{OpenOptions, Renderer};

fn tkstep(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tkstep"))
        .args(args)
        .output()
        .unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A Tanka project in a temporary directory whose environment `e` is testdata's environment
/// `name` with `imports` (file names in its folder) added on top, in order:
/// `(import 'base.jsonnet') + (import 'a') + …`. The library folders are symlinks to testdata's.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(name: &str, imports: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::copy(
            project().join("jsonnetfile.json"),
            root.join("jsonnetfile.json"),
        )
        .unwrap();
        for lib in ["vendor", "lib"] {
            std::os::unix::fs::symlink(project().join(lib), root.join(lib)).unwrap();
        }
        let env = root.join("environments/e");
        fs::create_dir_all(&env).unwrap();
        let from = project().join("environments").join(name);
        fs::copy(from.join("spec.json"), env.join("spec.json")).unwrap();
        fs::copy(from.join("main.jsonnet"), env.join("base.jsonnet")).unwrap();
        let mut main = String::from("(import 'base.jsonnet')");
        for file in imports {
            main.push_str(&format!(" + (import '{file}')"));
        }
        fs::write(env.join("main.jsonnet"), main + "\n").unwrap();
        Project { dir }
    }

    fn env(&self) -> PathBuf {
        self.dir.path().join("environments/e")
    }

    /// Write the overlays of `plan` for testdata's environment `name` into `overlays/`, and
    /// copy overlay file number `n` (1-based) into the environment as `as_name`.
    fn import_overlay(&self, name: &str, plan: &str, n: usize, as_name: &str) -> String {
        let out = self.dir.path().join("overlays");
        let env = project().join("environments").join(name);
        let o = tkstep(&[
            "overlays",
            s(&env),
            "--plan",
            plan,
            "--out",
            s(&out),
            "--force",
        ]);
        assert_code(&o, 0);
        let mut files: Vec<PathBuf> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "libsonnet"))
            .collect();
        files.sort();
        let file = &files[n - 1];
        fs::copy(file, self.env().join(as_name)).unwrap();
        file.file_name().unwrap().to_string_lossy().into_owned()
    }
}

fn open(env: &Path) -> Renderer {
    Renderer::open(env, &OpenOptions::default()).unwrap()
}

/// The full run of `plan` on testdata's `name`, and the resumed run on `project`.
fn runs(name: &str, project: &Project, plan: &str) -> (PlanRun, PlanRun, Vec<String>) {
    let params = Params::default();
    let source = PlanSource::Builtin(plan.to_string());
    let full_env = open(&project_env(name));
    let Preparation::Follow(full) =
        prepare(&full_env, &source, &params, &FollowOptions::default()).unwrap()
    else {
        panic!("the full plan should be followed");
    };
    assert!(full.renderer.is_none());
    let full = PlanRun::new(&full_env, &full.plan, &full.params).unwrap();

    let env = open(&project.env());
    let Preparation::Follow(resumed) =
        prepare(&env, &source, &params, &FollowOptions::default()).unwrap()
    else {
        panic!("the resumed plan should be followed");
    };
    let renderer = resumed
        .renderer
        .as_ref()
        .expect("a renderer without the overlay");
    let run = PlanRun::new(renderer, &resumed.plan, &resumed.params).unwrap();
    (full, run, resumed.notes)
}

fn project_env(name: &str) -> PathBuf {
    project().join("environments").join(name)
}

/// Every state of the resumed run is the full run's state of the same step (the first one:
/// the state after the imported step).
fn assert_same_states(full: &PlanRun, resumed: &PlanRun, after: &str) {
    let at = full
        .steps
        .iter()
        .position(|s| s.id == after)
        .unwrap_or_else(|| panic!("no state {after} in the full run"));
    assert_eq!(
        resumed.steps[0].manifests, full.steps[at].manifests,
        "the state before the resumed steps is the state after {after}"
    );
    let rest = &full.steps[at + 1..];
    assert_eq!(
        resumed.steps[1..].iter().map(|s| &s.id).collect::<Vec<_>>(),
        rest.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    for (r, f) in resumed.steps[1..].iter().zip(rest) {
        assert_eq!(r.manifests, f.manifests, "step {}", r.id);
        assert_eq!(
            r.overlay.as_ref().unwrap().body(),
            f.overlay.as_ref().unwrap().body(),
            "step {}",
            r.id
        );
    }
}

#[test]
fn to_read_write_resumes_after_the_imported_overlay() {
    let project = Project::new("mimir-microservices", &["migration.libsonnet"]);
    // 01 qs.1, 02 qs.2, 03 1, 04 2, 05 3.1, 06 4.1, …
    let file = project.import_overlay(
        "mimir-microservices",
        "to-read-write",
        6,
        "migration.libsonnet",
    );
    assert!(file.starts_with("06-4.1-"), "{file}");
    let (full, resumed, notes) = runs("mimir-microservices", &project, "to-read-write");
    assert_same_states(&full, &resumed, "4.1");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("following the steps after 4.1"),
        "{notes:?}"
    );
    // Step 8 drops every replica override of a microservice object: it must not survive
    // from the imported overlay.
    let last = resumed.steps.last().unwrap();
    assert_eq!(last.id, "8");
    assert!(!last.overlay.as_ref().unwrap().body().contains("7.2"));
}

#[test]
fn removals_after_the_imported_step_take_effect() {
    // Step 6 of consul-to-memberlist removes the multi-KV keys step 5's overlay sets: stacked
    // on the imported step-5 overlay they would stay, and the runtime config would keep
    // multi_kv_config.
    let project = Project::new("mimir-consul", &["migration.libsonnet"]);
    project.import_overlay(
        "mimir-consul",
        "consul-to-memberlist",
        5,
        "migration.libsonnet",
    );
    let (full, resumed, _) = runs("mimir-consul", &project, "consul-to-memberlist");
    assert_same_states(&full, &resumed, "5");
    let runtime = |run: &PlanRun| {
        let last = run.steps.last().unwrap();
        serde_json::to_string(&last.manifests).unwrap()
    };
    assert!(runtime(&full).contains("memberlist"));
    assert!(!runtime(&resumed).contains("multi_kv_config"));
}

#[test]
fn cli_says_it_resumes_and_lists_the_remaining_steps() {
    let project = Project::new("mimir-consul", &["migration.libsonnet"]);
    // A consul-to-memberlist overlay under the default plan: to-read-write chains
    // consul-to-memberlist in front, so step 3 of it is consul.3 there.
    project.import_overlay(
        "mimir-consul",
        "consul-to-memberlist",
        3,
        "migration.libsonnet",
    );
    let out = tkstep(&["plan", s(&project.env()), "--json"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains("tkstep's overlay for step 3 of plan consul-to-memberlist")
            && err.contains("following the steps after consul.3"),
        "{err}"
    );
    let steps: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(&ids[..4], ["consul.4", "consul.5", "consul.6", "qs.1"]);
    assert!(ids.contains(&"8"), "{ids:?}");

    // An explicit --from naming the same step agrees; another one is refused.
    let same = tkstep(&["plan", s(&project.env()), "--from", "consul.3"]);
    assert_code(&same, 0);
    let other = tkstep(&["plan", s(&project.env()), "--from", "consul.4"]);
    assert_code(&other, 1);
    assert!(
        stderr(&other).contains("--from consul.4 disagrees"),
        "{}",
        stderr(&other)
    );
}

#[test]
fn cli_diff_of_the_last_step_after_resuming() {
    let project = Project::new("mimir-consul", &["migration.libsonnet"]);
    project.import_overlay(
        "mimir-consul",
        "consul-to-memberlist",
        5,
        "migration.libsonnet",
    );
    let out = tkstep(&[
        "diff",
        s(&project.env()),
        "--plan",
        "consul-to-memberlist",
        "--summary",
    ]);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("6"), "{text}");
    // The last imported step is 6: nothing left.
    let project = Project::new("mimir-consul", &["migration.libsonnet"]);
    project.import_overlay(
        "mimir-consul",
        "consul-to-memberlist",
        6,
        "migration.libsonnet",
    );
    let out = tkstep(&["check", s(&project.env()), "--plan", "consul-to-memberlist"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("nothing left to do"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stacked_overlays_are_refused() {
    let project = Project::new("mimir-microservices", &["a.libsonnet", "b.libsonnet"]);
    project.import_overlay("mimir-microservices", "to-read-write", 3, "a.libsonnet");
    project.import_overlay("mimir-microservices", "to-read-write", 4, "b.libsonnet");
    let out = tkstep(&["check", s(&project.env())]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("imports 2 overlays tkstep wrote"), "{err}");
    assert!(err.contains("replace, do not stack"), "{err}");
}

#[test]
fn recursive_runs_resume_each_environment() {
    let project = Project::new("mimir-microservices", &["migration.libsonnet"]);
    project.import_overlay(
        "mimir-microservices",
        "to-read-write",
        6,
        "migration.libsonnet",
    );
    let out = tkstep(&[
        "check",
        s(&project.dir.path().join("environments")),
        "-r",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &report[0];
    assert_eq!(row["status"], "ok", "{report:#}");
    // The steps after 4.1 only.
    let all = tkstep(&["plan", s(&project_env("mimir-microservices")), "--json"]);
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    let after = all
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["id"] == "4.1")
        .unwrap();
    assert_eq!(
        row["steps"].as_u64().unwrap() as usize,
        all.as_array().unwrap().len() - after - 1
    );
    let from = tkstep(&[
        "check",
        s(&project.dir.path().join("environments")),
        "-r",
        "--from",
        "4.1",
    ]);
    assert_code(&from, 2);
}

#[test]
fn overlays_written_mid_way_are_the_files_of_the_whole_plan() {
    // Re-running `overlays` while the environment imports step 4.1's file writes the files of
    // the steps after it with the names and bytes the first run gave them: nothing churns in a
    // migration folder kept in git.
    let project = Project::new("mimir-microservices", &["migration.libsonnet"]);
    project.import_overlay(
        "mimir-microservices",
        "to-read-write",
        6,
        "migration.libsonnet",
    );
    let whole = project.dir.path().join("overlays");
    let rest = project.dir.path().join("rest");
    let o = tkstep(&["overlays", s(&project.env()), "--out", s(&rest)]);
    assert_code(&o, 0);
    let mut names: Vec<String> = fs::read_dir(&rest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".libsonnet"))
        .collect();
    names.sort();
    assert_eq!(
        names.first().map(String::as_str),
        Some("07-5.1-store-gateway-leave-ring.libsonnet")
    );
    assert_eq!(names.len(), 9, "{names:?}");
    for name in &names {
        assert_eq!(
            fs::read_to_string(rest.join(name)).unwrap(),
            fs::read_to_string(whole.join(name)).unwrap(),
            "{name}"
        );
    }
    // Export folders keep the whole plan's numbers too; the first one is the imported step's.
    let out = project.dir.path().join("export");
    let o = tkstep(&["export", s(&project.env()), "--out", s(&out)]);
    assert_code(&o, 0);
    let mut folders: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders[0], "06-scale-up-backend");
    assert_eq!(folders[1], "07-store-gateway-leave-ring");
    assert_eq!(folders.last().unwrap(), "15-final");
}

#[test]
fn a_step_already_done_is_named_as_such() {
    let project = Project::new("mimir-microservices", &["migration.libsonnet"]);
    project.import_overlay(
        "mimir-microservices",
        "to-read-write",
        6,
        "migration.libsonnet",
    );
    for command in ["render", "diff"] {
        let out = tkstep(&[command, s(&project.env()), "--step", "3.1"]);
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(
                "step 3.1 is done already: the environment imports the overlay of step 4.1"
            ),
            "{command}: {err}"
        );
    }
    let next = tkstep(&["render", s(&project.env()), "--step", "5.1"]);
    assert_code(&next, 0);
}
