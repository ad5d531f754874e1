//! eval_core tests
