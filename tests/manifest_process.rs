//! manifest_process tests
