pub mod cors_allowlist_too_broad;
pub mod cors_origin_invalid;
pub mod cors_reflects_origin;
pub mod cors_wildcard;
pub mod ssrf_guard_incomplete;
pub mod ssrf_unguarded_fetch;
