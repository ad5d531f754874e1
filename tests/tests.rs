mod check_rules;
mod compare_runbook;
mod diff_text;
mod env_discovery;
mod eval_core;
mod manifest_process;
mod plan_overlay;
mod yaml_parity;
