mod check_rules;
mod env_discovery;
mod eval_core;
mod manifest_process;
mod plan_overlay;
mod yaml_parity;
