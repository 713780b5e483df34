pub mod auth_failure_not_tracked;
