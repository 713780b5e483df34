pub mod deploy_without_checks;
pub mod hardcoded_secret_in_workflow;
pub mod missing_sourcemap_upload;
pub mod no_health_monitoring;
pub mod secret_in_log;
pub mod secret_interpolated_in_script;
pub mod untrusted_checkout_with_secrets;
