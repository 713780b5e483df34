pub mod parse_error;
pub mod unused_suppression;
