//! yaml_parity tests
