mod env_discovery;
mod eval_core;
mod diff_text;
mod manifest_process;
mod yaml_parity;
