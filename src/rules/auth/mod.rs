pub mod admin_route_unprotected;
pub mod auth_without_captcha;
pub mod insecure_cookie;
pub mod missing_rate_limit;
pub mod non_constant_time_compare;
pub mod public_paid_endpoint;
pub mod turnstile_fails_open;
pub mod write_route_without_turnstile;
