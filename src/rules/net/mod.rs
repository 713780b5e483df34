pub mod cors_wildcard;
pub mod cors_origin_invalid;
