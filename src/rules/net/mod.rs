pub mod cors_origin_invalid;
pub mod cors_wildcard;
