//! Write the benchmark corpus: a Tanka project whose Kubernetes library has the scale and shape
//! of k8s-libsonnet, with the Mimir-like `mimir-microservices` environment of testdata/project
//! using it (see `benches/corpus/mod.rs`).
//!
//!     cargo run --release --example gen_corpus -- <OUT_DIR>
//!     tkstep render <OUT_DIR>/environments/mimir-microservices

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out] = args.as_slice() else {
        eprintln!("usage: gen_corpus <OUT_DIR>");
        return ExitCode::from(2);
    };
    match corpus::generate(&corpus::manifest_dir(), &PathBuf::from(out)) {
        Ok(generated) => {
            println!("{}", generated.stats);
            println!("environment: {}", generated.env.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gen_corpus: {err}");
            ExitCode::FAILURE
        }
    }
}
