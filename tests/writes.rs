//! Writing output files (issue 10): containment, special files, all-or-nothing, locking,
//! interrupted runs. The signal tests pause a run between staging and putting files in place
//! with the internal hook `TKSTEP_INTERNAL_PAUSE_BEFORE_COMMIT` (see `tkstep::output`).

use crate::common::{assert_code, stderr};
use std::collections::BTreeMap;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tkstep::output::{self, DirMode, FileSet, OutputError, PAUSE_HOOK_VAR, WriteOptions};

use crate::common::manifest_dir as root;

const MICRO: &str = "testdata/project/environments/mimir-microservices";
const MINIMAL: &str = "testdata/project/environments/mimir-minimal";

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tkstep"));
    cmd.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove(PAUSE_HOOK_VAR);
    cmd
}

fn tkstep(args: &[&str]) -> Output {
    command(args).output().expect("run tkstep")
}

/// Start tkstep paused (by the test hook) right before it puts its files in place.
fn spawn_paused(args: &[&str], hook: &Path) -> Child {
    command(args)
        .env(PAUSE_HOOK_VAR, hook)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tkstep")
}

/// Wait until the paused run has created the hook file (it is staged and waits).
fn wait_for_pause(hook: &Path, child: &mut Child) {
    let start = Instant::now();
    while !hook.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("tkstep ended ({status}) without pausing before putting files in place");
        }
        assert!(start.elapsed() < Duration::from_secs(600), "no pause");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

/// Every entry under `dir` (relative path → content, or a marker for non-files).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let ft = e.file_type();
            let content = if ft.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                format!("<{ft:?}>").into_bytes()
            };
            (rel, content)
        })
        .collect()
}

/// Entries anywhere under `dir` whose name starts with `.tkstep`.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tkstep"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Issue 10 case 1: a step name from a plan file never leads a write outside `--out`.
#[test]
fn plan_file_names_cannot_escape_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let o = tkstep(&["plan", MICRO, "--export", "yaml"]);
    assert_code(&o, 0);
    let yaml = String::from_utf8(o.stdout).unwrap();
    assert!(yaml.contains("  name: zone-awareness\n"));
    let plan = tmp.path().join("p.yaml");
    std::fs::write(
        &plan,
        yaml.replace("  name: zone-awareness\n", "  name: \"../../../ESCAPED\"\n"),
    )
    .unwrap();
    let repo = tmp.path().join("a/b/r");
    let out = repo.join("out");
    let o = tkstep(&["export", MICRO, "--plan-file", s(&plan), "--out", s(&out)]);
    assert_code(&o, 1);
    assert!(!out.exists(), "export wrote into --out");
    // overlays sanitises names into its file names (or the plan file is refused).
    let o = tkstep(&["overlays", MICRO, "--plan-file", s(&plan), "--out", s(&out)]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let escaped: Vec<_> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("ESCAPED"))
        .filter(|e| !e.path().starts_with(&out))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");
}

/// Case 1 for library callers: the writer itself refuses any path that is not made of plain
/// names, in both modes, and never follows a symbolic link inside the output directory.
#[test]
fn the_writer_refuses_paths_that_leave_the_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("mine.txt"), "mine").unwrap();
    for bad in [
        "../escaped",
        "a/../../escaped",
        "/tmp/abs",
        "a\nb",
        "",
        "a\\..\\b",
    ] {
        let mut files = FileSet::new();
        files.insert(PathBuf::from("fine.yaml"), b"x".to_vec());
        files.insert(PathBuf::from(bad), b"x".to_vec());
        for mode in [DirMode::Fresh, DirMode::Merge] {
            let err = output::write_dir(&out, &files, &WriteOptions::new(mode).force(true));
            assert!(
                matches!(err, Err(OutputError::UnsafePath { .. })),
                "{bad:?}: {err:?}"
            );
        }
    }
    // A symbolic link inside the directory does not lead out of it.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("sub")).unwrap();
    let mut files = FileSet::new();
    files.insert(PathBuf::from("sub/x.yaml"), b"x".to_vec());
    let err = output::write_dir(&out, &files, &WriteOptions::new(DirMode::Merge).force(true));
    assert!(matches!(err, Err(OutputError::Symlink(_))), "{err:?}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert_eq!(snapshot(&out).len(), 2, "only mine.txt and the link");
    assert!(
        output::write_file(&tmp.path().join(".."), b"x", true).is_err(),
        "'..' is not a file name"
    );
}

/// Issue 10 case 2: `--force` never replaces a device, FIFO, socket, directory or symbolic
/// link, and keeps the mode of a regular file it replaces.
#[test]
fn force_refuses_special_files_and_keeps_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(s(&fifo)).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let device = dir.join("null");
    let c = std::ffi::CString::new(s(&device)).unwrap();
    // SAFETY: mknod with a valid path; fails harmlessly (EPERM) when not root.
    let have_device =
        unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0;
    let socket = dir.join("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let subdir = dir.join("subdir");
    std::fs::create_dir(&subdir).unwrap();
    let target = dir.join("target.md");
    std::fs::write(&target, "target").unwrap();
    let link = dir.join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let dangling = dir.join("dangling.md");
    std::os::unix::fs::symlink(dir.join("missing.md"), &dangling).unwrap();

    let mut cases = vec![
        (fifo.clone(), "a FIFO"),
        (socket.clone(), "a socket"),
        (subdir.clone(), "a directory"),
        (link.clone(), "symbolic link"),
        (dangling.clone(), "symbolic link"),
    ];
    if have_device {
        cases.push((device.clone(), "a device"));
    }
    let before = snapshot(dir);
    for (path, what) in &cases {
        let o = tkstep(&["runbook", MINIMAL, "--out", s(path), "--force"]);
        assert_code(&o, 1);
        let err = stderr(&o);
        assert!(err.contains(what), "{}: {err}", path.display());
        assert!(err.contains(s(path)), "names the path: {err}");
        assert!(!err.contains("os error"), "{err}");
    }
    assert_eq!(snapshot(dir), before, "nothing replaced");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        !dir.join("missing.md").exists(),
        "no write through a dangling link"
    );

    // A regular file is replaced with --force and keeps its permission bits.
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = tkstep(&["runbook", MINIMAL, "--out", s(&target), "--force"]);
    assert_code(&o, 0);
    let meta = std::fs::metadata(&target).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    assert!(std::fs::read_to_string(&target).unwrap().starts_with('#'));
    assert!(leftovers(dir).is_empty(), "{:?}", leftovers(dir));
}

fn overlays(out: &Path, extra: &[&str]) -> Output {
    // The read-write steps alone (mimir-microservices finds its query-schedulers by DNS, which
    // would chain query-scheduler-ring in front): the file names below are theirs.
    let mut args = vec!["overlays", MICRO, "--no-prerequisites", "--out", s(out)];
    args.extend_from_slice(extra);
    tkstep(&args)
}

/// Issue 10 case 3a: a dangling symbolic link among the targets stops the run before any
/// file is written.
#[test]
fn overlays_check_every_target_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink("missing", out.join("README.md")).unwrap();
    let o = overlays(&out, &[]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("README.md"), "{}", stderr(&o));
    assert_eq!(
        snapshot(&out).len(),
        1,
        "only the link: {:?}",
        snapshot(&out).keys()
    );
    assert!(!out.join("missing").exists());
    let o = overlays(&out, &["--force"]);
    assert_code(&o, 1);
    assert_eq!(snapshot(&out).len(), 1);
    assert!(leftovers(tmp.path()).is_empty());
}

/// Issue 10 case 3b: a directory in place of one target file fails the whole `--force` run,
/// leaving the previous set whole.
#[test]
fn overlays_never_mix_two_sets_when_a_target_is_in_the_way() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    assert_code(&overlays(&out, &[]), 0);
    let target = out.join("05-5.1-store-gateway-leave-ring.libsonnet");
    std::fs::remove_file(&target).unwrap();
    std::fs::create_dir(&target).unwrap();
    let before = snapshot(&out);
    let o = overlays(&out, &["--force", "--read-replicas", "9"]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before);
    assert!(leftovers(tmp.path()).is_empty());
}

/// Issue 10 case 3c: a write that fails half-way (here: a file size limit, as on a nearly full
/// filesystem) leaves the previous set whole, and the error names the user's file once.
#[test]
fn overlays_failing_mid_write_leave_the_previous_set() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    assert_code(&overlays(&out, &[]), 0);
    let before = snapshot(&out);
    let mut cmd = command(&[
        "overlays",
        MICRO,
        "--no-prerequisites",
        "--out",
        s(&out),
        "--force",
        "--read-replicas",
        "9",
    ]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 2048,
                rlim_max: 2048,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_code(&o, 1);
    let err = stderr(&o);
    assert_eq!(err.matches("File too large").count(), 1, "{err}");
    assert!(err.contains(s(&out)) && !err.contains(".tkstep"), "{err}");
    assert_eq!(snapshot(&out), before);
    assert!(leftovers(tmp.path()).is_empty());
}

/// Issue 10 case 3d: SIGINT while a run is staged leaves the previous set and no temporary
/// files.
#[test]
fn overlays_interrupted_leave_the_previous_set_and_no_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    assert_code(&overlays(&out, &[]), 0);
    let before = snapshot(&out);
    let hook = tmp.path().join("hook");
    let args = [
        "overlays",
        MICRO,
        "--no-prerequisites",
        "--out",
        s(&out),
        "--force",
        "--read-replicas",
        "9",
    ];
    let mut child = spawn_paused(&args, &hook);
    wait_for_pause(&hook, &mut child);
    assert_eq!(
        leftovers(&out).len(),
        1,
        "the staging folder exists while paused"
    );
    signal(&child, libc::SIGINT);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status}");
    assert_eq!(snapshot(&out), before);
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

/// SIGTERM during `export` (the same mechanism): no output folder, no staging folder.
#[test]
fn export_terminated_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("steps");
    let hook = tmp.path().join("hook");
    let mut child = spawn_paused(&["export", MINIMAL, "--out", s(&out)], &hook);
    wait_for_pause(&hook, &mut child);
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status}");
    assert!(!out.exists());
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

/// Issue 10 case 4: a second run on the same output while the first is writing fails with a
/// clear message; the first completes with its whole set.
#[test]
fn concurrent_runs_on_one_output_are_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    assert_code(&overlays(&out, &[]), 0);
    let hook = tmp.path().join("hook");
    let args = [
        "overlays",
        MICRO,
        "--no-prerequisites",
        "--out",
        s(&out),
        "--force",
        "--read-replicas",
        "9",
    ];
    let mut first = spawn_paused(&args, &hook);
    wait_for_pause(&hook, &mut first);
    let second = overlays(&out, &["--force", "--read-replicas", "5"]);
    assert_code(&second, 1);
    assert!(
        stderr(&second).contains("another tkstep run is writing into"),
        "{}",
        stderr(&second)
    );
    std::fs::remove_file(&hook).unwrap();
    let first = first.wait_with_output().unwrap();
    assert_code(&first, 0);
    // The set is the first run's, whole: the same as a fresh run with its flags.
    let fresh = tmp.path().join("fresh");
    assert_code(&overlays(&fresh, &["--read-replicas", "9"]), 0);
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

/// Issue 10 case 5: a run killed with SIGKILL leaves its staging folder (it cannot clean up);
/// the next run into the same place recognises it by name and marker, removes it and says so.
#[test]
fn staging_folders_of_killed_runs_are_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("steps");
    let hook = tmp.path().join("hook");
    let mut child = spawn_paused(&["export", MINIMAL, "--out", s(&out)], &hook);
    wait_for_pause(&hook, &mut child);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    let left = leftovers(tmp.path());
    let stale: Vec<_> = left
        .iter()
        .filter(|p| p.parent() == Some(tmp.path()))
        .collect();
    assert_eq!(stale.len(), 1, "{left:?}");
    assert!(stale[0].join("TKSTEP-STAGING-FOLDER").is_file());
    // A folder with a look-alike name but no marker is not tkstep's: left alone.
    let lookalike = tmp.path().join(".tkstep-staging-mine");
    std::fs::create_dir(&lookalike).unwrap();

    let o = tkstep(&["export", MINIMAL, "--out", s(&out)]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains(&format!("removed '{}'", stale[0].display())),
        "{}",
        stderr(&o)
    );
    assert!(!stale[0].exists());
    assert!(lookalike.is_dir());
    assert!(out.join("00-before").is_dir());
}

/// An object whose name makes a file name longer than 255 bytes: the error says which object
/// and what to do.
#[test]
fn too_long_object_names_are_reported_by_object() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    let env = project.join("environments/long");
    std::fs::create_dir_all(&env).unwrap();
    let testdata = root().join("testdata/project");
    std::fs::write(project.join("jsonnetfile.json"), "{}").unwrap();
    for dir in ["lib", "vendor"] {
        std::os::unix::fs::symlink(testdata.join(dir), project.join(dir)).unwrap();
    }
    std::fs::copy(
        testdata.join("environments/mimir-minimal/spec.json"),
        env.join("spec.json"),
    )
    .unwrap();
    let main = format!(
        "(import '{}') + {{ long: {{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {{ name: std.join('', std.makeArray(300, function(i) 'x')), namespace: 'default' }} }} }}\n",
        root().join(MINIMAL).join("main.jsonnet").display()
    );
    std::fs::write(env.join("main.jsonnet"), main).unwrap();
    let out = tmp.path().join("steps");
    let o = tkstep(&["export", s(&env), "--out", s(&out)]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("default/ConfigMap/xxxxxxxx"), "{err}");
    assert!(err.contains("shorter name"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    assert!(!out.exists());
}

/// `export --check` against a folder that does not exist is an error, not drift.
#[test]
fn export_check_of_a_missing_folder_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nothing-here");
    let o = tkstep(&["export", MINIMAL, "--out", s(&out), "--check"]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}
