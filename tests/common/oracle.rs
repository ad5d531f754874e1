//! The live oracles of the reference tier: Go's yaml.v2/v3 and natives (built from
//! `tests/oracle`), go-jsonnet (python3 `gojsonnet` through `tests/conformance/gojsonnet_eval.py`)
//! and headless Chromium. Each panics with install instructions when its tool is missing: a
//! reference test never passes without its oracle.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use tkstep::eval::{EvalOptions, Overlay};

use super::manifest_dir;

/// The Go modules the oracles import: (module path, version in `tests/oracle/go.mod`,
/// the Debian package that ships its source).
const GO_MODULES: &[(&str, &str, &str)] = &[
    ("gopkg.in/yaml.v2", "v2.4.0", "golang-gopkg-yaml.v2-dev"),
    ("gopkg.in/yaml.v3", "v3.0.1", "golang-gopkg-yaml.v3-dev"),
];

const GO_INSTALL: &str = "the reference tier needs Go and the sources of gopkg.in/yaml.v2 v2.4.0 and \
     gopkg.in/yaml.v3 v3.0.1: set TKSTEP_GOPATH to a GOPATH-style directory holding them \
     (src/gopkg.in/yaml.v2, src/gopkg.in/yaml.v3), or have them in Go's module cache \
     (`cd tests/oracle && go mod download`), or install Debian's golang-go, \
     golang-gopkg-yaml.v2-dev and golang-gopkg-yaml.v3-dev (.ci/run does)";

/// The binary of Go oracle `name` (`yamlv2`, `yamlv3` or `natives`, packages of the module in
/// `tests/oracle`), built once per test run.
pub fn go_oracle(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let bin_dir = BUILT
        .get_or_init(build_go_oracles)
        .as_ref()
        .unwrap_or_else(|e| panic!("{e}"));
    bin_dir.join(name)
}

/// `go version` and the yaml module versions, for recording headers.
pub fn go_producer(what: &str) -> String {
    let version = go_output(&["version"]).unwrap_or_else(|e| panic!("{e}; {GO_INSTALL}"));
    let modules: Vec<String> = GO_MODULES
        .iter()
        .map(|(m, v, _)| format!("{m} {v}"))
        .collect();
    format!("{what} ({}; {})", version.trim(), modules.join(", "))
}

fn go_output(args: &[&str]) -> Result<String, String> {
    let out = Command::new("go")
        .args(args)
        .output()
        .map_err(|e| format!("running `go {}` failed: {e}", args.join(" ")))?;
    if !out.status.success() {
        return Err(format!(
            "`go {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Where the source of `module` is: `$TKSTEP_GOPATH/src/<module>`, Go's module cache,
/// `$(go env GOPATH)/src/<module>`, or the directory the distribution's package installed.
fn go_module_source(module: &str, version: &str, package: &str) -> Result<PathBuf, String> {
    let mut candidates = Vec::new();
    let gopath_src = |list: &std::ffi::OsStr| -> Vec<PathBuf> {
        std::env::split_paths(list)
            .map(|d| d.join("src").join(module))
            .collect()
    };
    if let Some(list) = std::env::var_os("TKSTEP_GOPATH") {
        candidates.extend(gopath_src(&list));
    }
    if let Ok(cache) = go_output(&["env", "GOMODCACHE"]) {
        candidates.push(Path::new(&cache).join(format!("{module}@{version}")));
    }
    if let Ok(list) = go_output(&["env", "GOPATH"]) {
        candidates.extend(gopath_src(std::ffi::OsStr::new(&list)));
    }
    if let Ok(out) = Command::new("dpkg-query").args(["-L", package]).output() {
        let suffix = format!("/src/{module}");
        candidates.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.ends_with(&suffix))
                .map(PathBuf::from),
        );
    }
    candidates
        .iter()
        .find(|d| d.join("yaml.go").is_file())
        .cloned()
        .ok_or_else(|| format!("{module} not found (looked in {candidates:?}); {GO_INSTALL}"))
}

/// Copy `tests/oracle` and the yaml modules (as `vendor/`) into the target directory and build
/// every oracle there in vendor mode: offline, without the Go module proxy.
fn build_go_oracles() -> Result<PathBuf, String> {
    let err = |e: std::io::Error| e.to_string();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-oracle");
    let module = work.join("module");
    if module.exists() {
        std::fs::remove_dir_all(&module).map_err(err)?;
    }
    let src = manifest_dir().join("tests/oracle");
    let mut modules_txt = String::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.map_err(|e| e.to_string())?;
        let to = module.join(entry.path().strip_prefix(&src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).map_err(err)?;
        } else {
            std::fs::copy(entry.path(), &to).map_err(err)?;
        }
    }
    for (path, version, package) in GO_MODULES {
        let from = go_module_source(path, version, package)?;
        let to = module.join("vendor").join(path);
        std::fs::create_dir_all(&to).map_err(err)?;
        for file in std::fs::read_dir(&from).map_err(err)? {
            let file = file.map_err(err)?.path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".go") && !name.ends_with("_test.go") {
                std::fs::copy(&file, to.join(&name)).map_err(err)?;
            }
        }
        modules_txt.push_str(&format!("# {path} {version}\n## explicit\n{path}\n"));
    }
    std::fs::write(module.join("vendor/modules.txt"), modules_txt).map_err(err)?;
    let bin = work.join("bin");
    let output = Command::new("go")
        .args(["build", "-o"])
        .arg(format!("{}/", bin.display()))
        .args(["./yamlv2", "./yamlv3", "./natives"])
        .current_dir(&module)
        .env("GO111MODULE", "on")
        .env("GOFLAGS", "-mod=vendor")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", work.join("gocache"))
        .output()
        .map_err(|e| format!("running `go build` failed ({e}); {GO_INSTALL}"))?;
    if !output.status.success() {
        return Err(format!(
            "building the Go oracles failed:\n{}\n{GO_INSTALL}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(bin)
}

/// Run a Go oracle with `inputs` (a JSON array) on stdin; its stdout.
pub fn run_go(name: &str, args: &[&str], inputs: &[Value]) -> String {
    let mut child = Command::new(go_oracle(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting the oracle");
    let payload = serde_json::to_vec(inputs).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let output = child.wait_with_output().expect("running the oracle");
    writer.join().unwrap().expect("writing to the oracle");
    assert!(
        output.status.success(),
        "oracle {name} failed: {:?}",
        output.status
    );
    String::from_utf8(output.stdout).expect("oracle output is UTF-8")
}

/// go-jsonnet's version, for recording headers.
pub fn gojsonnet_producer() -> String {
    let out = Command::new("python3")
        .args(["-c", "import _gojsonnet; print(_gojsonnet.version)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .unwrap_or_else(|| panic!("{GOJSONNET_INSTALL}"));
    format!(
        "go-jsonnet {} (python3 gojsonnet) with Tanka's natives from {}",
        String::from_utf8_lossy(&out.stdout).trim(),
        go_producer("tests/oracle/natives")
    )
}

const GOJSONNET_INSTALL: &str = "this reference test needs python3 with the `gojsonnet` \
     package (pip install gojsonnet==0.22.0) and the Go oracles; .ci/run installs them";

/// Evaluate `entry` with go-jsonnet (tests/conformance/gojsonnet_eval.py, Go natives) with
/// tkstep's `options`; go-jsonnet's output (JSON text) as it printed it.
pub fn gojsonnet_eval(entry: &Path, options: &EvalOptions, overlay: Option<&Overlay>) -> String {
    let script = manifest_dir().join("tests/conformance/gojsonnet_eval.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg(entry);
    cmd.arg("--natives-oracle").arg(go_oracle("natives"));
    // go-jsonnet searches its library paths from last to first: reverse tkstep's order.
    for dir in options.import_paths.iter().rev() {
        cmd.arg("-J").arg(dir);
    }
    for (name, code) in &options.ext_code {
        cmd.arg("--ext-code").arg(format!("{name}={code}"));
    }
    for (name, code) in &options.tla_code {
        cmd.arg("--tla-code").arg(format!("{name}={code}"));
    }
    cmd.arg("--max-stack").arg(options.max_stack.to_string());
    if let Some(o) = overlay {
        cmd.arg("--overlay")
            .arg(&o.code)
            .arg("--overlay-name")
            .arg(&o.name);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running python3: {e}; {GOJSONNET_INSTALL}"));
    assert!(
        out.status.success(),
        "gojsonnet_eval.py failed on {}: {}\n({GOJSONNET_INSTALL})",
        entry.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("go-jsonnet output is UTF-8")
}

/// Headless Chromium: `$CHROMIUM`, or `chromium` / `chromium-browser` on PATH.
pub fn chromium() -> PathBuf {
    let found = std::env::var_os("CHROMIUM").map(PathBuf::from).or_else(|| {
        ["chromium", "chromium-browser"].iter().find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
    });
    found.unwrap_or_else(|| {
        panic!(
            "chromium not found: the HTML runbook test needs headless Chromium (Debian: \
             `apt-get install -y chromium`, or set CHROMIUM=/path/to/chromium)"
        )
    })
}
