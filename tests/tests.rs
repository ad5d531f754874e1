mod diff_text;
mod env_discovery;
mod eval_core;
mod manifest_process;
mod yaml_parity;
