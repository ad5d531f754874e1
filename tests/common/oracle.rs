//! The live oracles of the reference tier: Go's yaml.v2/v3, natives, text/template with sprig
//! and the tk export layout (built from `tests/oracle`), go-jsonnet (python3 `gojsonnet`
//! through `tests/conformance/gojsonnet_eval.py`) and headless Chromium. Each panics with
//! install instructions when its tool is missing: a reference test never passes without its
//! oracle.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use tkstep::eval::{EvalOptions, Overlay};

use super::manifest_dir;

/// The Go modules the oracles need, as required in `tests/oracle/go.mod` (which holds their
/// versions): (module path, the Debian package that ships its source, the packages of the
/// module the oracles import, relative to the module's root; `""` is the root).
const GO_MODULES: &[(&str, &str, &[&str])] = &[
    ("gopkg.in/yaml.v2", "golang-gopkg-yaml.v2-dev", &[""]),
    ("gopkg.in/yaml.v3", "golang-gopkg-yaml.v3-dev", &[""]),
    // text/template's functions in `tk export --format`, and sprig's dependency tree.
    (
        "github.com/Masterminds/sprig/v3",
        "golang-github-masterminds-sprig-dev",
        &[""],
    ),
    (
        "github.com/Masterminds/goutils",
        "golang-github-masterminds-goutils-dev",
        &[""],
    ),
    (
        "github.com/Masterminds/semver/v3",
        "golang-github-masterminds-semver-dev",
        &[""],
    ),
    (
        "github.com/google/uuid",
        "golang-github-google-uuid-dev",
        &[""],
    ),
    (
        "github.com/huandu/xstrings",
        "golang-github-huandu-xstrings-dev",
        &[""],
    ),
    (
        "github.com/imdario/mergo",
        "golang-github-imdario-mergo-dev",
        &[""],
    ),
    (
        "github.com/mitchellh/copystructure",
        "golang-github-mitchellh-copystructure-dev",
        &[""],
    ),
    (
        "github.com/mitchellh/reflectwalk",
        "golang-github-mitchellh-reflectwalk-dev",
        &[""],
    ),
    (
        "github.com/shopspring/decimal",
        "golang-github-shopspring-decimal-dev",
        &[""],
    ),
    (
        "github.com/spf13/cast",
        "golang-github-spf13-cast-dev",
        &[""],
    ),
    (
        "golang.org/x/crypto",
        "golang-golang-x-crypto-dev",
        &["bcrypt", "blowfish", "pbkdf2", "scrypt"],
    ),
];

/// The modules named in the headers of recordings made by the yaml and natives oracles.
pub const YAML_MODULES: &[&str] = &["gopkg.in/yaml.v2", "gopkg.in/yaml.v3"];

const GO_INSTALL: &str = "the reference tier needs Go and the sources of the Go modules required in \
     tests/oracle/go.mod (gopkg.in/yaml.v2, gopkg.in/yaml.v3, github.com/Masterminds/sprig/v3 and \
     sprig's dependencies): set TKSTEP_GOPATH to a GOPATH-style directory holding them \
     (src/<module path>, a /vN suffix optional), or have them in Go's module cache \
     (`cd tests/oracle && go mod download`), or install Debian's golang-go, \
     golang-gopkg-yaml.v2-dev, golang-gopkg-yaml.v3-dev and golang-github-masterminds-sprig-dev \
     (.ci/run does)";

/// The binary of Go oracle `name` (`yamlv2`, `yamlv3`, `natives`, `gotemplate` or `tkexport`,
/// packages of the module in `tests/oracle`), built once per test run.
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
    go_producer_naming(what, YAML_MODULES)
}

/// `go version` and the versions of `modules` (module paths of `tests/oracle/go.mod`), for
/// recording headers.
pub fn go_producer_naming(what: &str, modules: &[&str]) -> String {
    let version = go_output(&["version"]).unwrap_or_else(|e| panic!("{e}; {GO_INSTALL}"));
    let required = required_modules();
    let modules: Vec<String> = modules
        .iter()
        .map(|m| {
            let v = required
                .iter()
                .find(|(path, _)| path == m)
                .unwrap_or_else(|| panic!("{m} is not required in tests/oracle/go.mod"));
            format!("{m} {}", v.1)
        })
        .collect();
    format!("{what} ({}; {})", version.trim(), modules.join(", "))
}

/// The `require` lines of `tests/oracle/go.mod`: (module path, version).
fn required_modules() -> Vec<(String, String)> {
    let path = manifest_dir().join("tests/oracle/go.mod");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap().trim();
        let spec = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if line == "require (" {
            in_block = true;
            continue;
        } else if let Some(spec) = line.strip_prefix("require ") {
            spec
        } else {
            continue;
        };
        if let Some((module, version)) = spec.split_once(' ') {
            out.push((module.to_string(), version.trim().to_string()));
        }
    }
    out
}

/// The required modules and the vendoring table agree.
#[test]
fn go_mod_requires_exactly_the_vendored_modules() {
    let mut required: Vec<String> = required_modules().into_iter().map(|(m, _)| m).collect();
    let mut vendored: Vec<String> = GO_MODULES.iter().map(|(m, ..)| m.to_string()).collect();
    required.sort();
    vendored.sort();
    assert_eq!(required, vendored);
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

/// `module` without its major-version suffix (`/v3`): where a GOPATH (Debian's included) keeps
/// it.
fn without_major_suffix(module: &str) -> &str {
    match module.rsplit_once('/') {
        Some((base, v))
            if v.len() > 1 && v.starts_with('v') && v[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            base
        }
        _ => module,
    }
}

/// `module` as Go's module cache spells it (an upper-case letter is `!` and the letter).
fn module_cache_path(module: &str) -> String {
    module
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['!', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Whether `dir` holds the `packages` of a module: each has a non-test `.go` file.
fn has_packages(dir: &Path, packages: &[&str]) -> bool {
    packages.iter().all(|p| {
        std::fs::read_dir(dir.join(p)).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.ends_with(".go") && !name.ends_with("_test.go")
            })
        })
    })
}

/// Where the source of `module` is: `$TKSTEP_GOPATH/src/<module>`, Go's module cache,
/// `$(go env GOPATH)/src/<module>`, or the directory the distribution's package installed (in
/// a GOPATH, with or without the module's `/vN` suffix).
fn go_module_source(
    module: &str,
    version: &str,
    package: &str,
    packages: &[&str],
) -> Result<PathBuf, String> {
    let mut candidates = Vec::new();
    let gopath_dirs = [module, without_major_suffix(module)];
    let gopath_src = |list: &std::ffi::OsStr| -> Vec<PathBuf> {
        std::env::split_paths(list)
            .flat_map(|d| gopath_dirs.map(|m| d.join("src").join(m)))
            .collect()
    };
    if let Some(list) = std::env::var_os("TKSTEP_GOPATH") {
        candidates.extend(gopath_src(&list));
    }
    if let Ok(cache) = go_output(&["env", "GOMODCACHE"]) {
        candidates.push(Path::new(&cache).join(format!("{}@{version}", module_cache_path(module))));
    }
    if let Ok(list) = go_output(&["env", "GOPATH"]) {
        candidates.extend(gopath_src(std::ffi::OsStr::new(&list)));
    }
    if let Ok(out) = Command::new("dpkg-query").args(["-L", package]).output() {
        let suffixes = gopath_dirs.map(|m| format!("/src/{m}"));
        candidates.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| suffixes.iter().any(|s| l.ends_with(s.as_str())))
                .map(PathBuf::from),
        );
    }
    candidates
        .iter()
        .find(|d| has_packages(d, packages))
        .cloned()
        .ok_or_else(|| format!("{module} not found (looked in {candidates:?}); {GO_INSTALL}"))
}

/// The `go` directive of the module source in `dir`, if it has a `go.mod`.
fn go_directive(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("go.mod")).ok()?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("go ").map(|v| v.trim().to_string()))
}

/// Copy `tests/oracle` and the required modules (as `vendor/`) into the target directory and
/// build every oracle there in vendor mode: offline, without the Go module proxy.
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
    let required = required_modules();
    for (path, package, packages) in GO_MODULES {
        let version = &required
            .iter()
            .find(|(m, _)| m == path)
            .ok_or_else(|| format!("{path} is not required in tests/oracle/go.mod"))?
            .1;
        let from = go_module_source(path, version, package, packages)?;
        modules_txt.push_str(&format!("# {path} {version}\n## explicit"));
        if let Some(go) = go_directive(&from) {
            modules_txt.push_str(&format!("; go {go}"));
        }
        modules_txt.push('\n');
        for pkg in *packages {
            let (from, to, import) = if pkg.is_empty() {
                (
                    from.clone(),
                    module.join("vendor").join(path),
                    path.to_string(),
                )
            } else {
                (
                    from.join(pkg),
                    module.join("vendor").join(path).join(pkg),
                    format!("{path}/{pkg}"),
                )
            };
            std::fs::create_dir_all(&to).map_err(err)?;
            for file in std::fs::read_dir(&from).map_err(err)? {
                let file = file.map_err(err)?.path();
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                if name.ends_with(".go") && !name.ends_with("_test.go") && file.is_file() {
                    std::fs::copy(&file, to.join(&name)).map_err(err)?;
                }
            }
            modules_txt.push_str(&import);
            modules_txt.push('\n');
        }
    }
    std::fs::write(module.join("vendor/modules.txt"), modules_txt).map_err(err)?;
    let bin = work.join("bin");
    let output = Command::new("go")
        .args(["build", "-o"])
        .arg(format!("{}/", bin.display()))
        .args([
            "./yamlv2",
            "./yamlv3",
            "./natives",
            "./gotemplate",
            "./tkexport",
        ])
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
