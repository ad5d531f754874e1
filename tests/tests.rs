mod yaml_parity;
mod env_discovery;
mod manifest_process;
mod eval_core;
mod check_rules;
