//! env_discovery tests
