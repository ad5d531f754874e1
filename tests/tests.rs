mod check_rules;
mod diff_text;
mod env_discovery;
mod eval_core;
mod manifest_process;
mod plan_overlay;
mod recursive;
mod yaml_parity;
