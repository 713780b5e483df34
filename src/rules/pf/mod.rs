pub mod config_shadowed;
pub mod file_not_analysed;
pub mod parse_error;
pub mod unused_suppression;
