mod config;
mod discover;
mod finding;
mod formats;
mod project;
mod rules;
mod secrets;
mod span;
mod suppress;

fn main() {}
