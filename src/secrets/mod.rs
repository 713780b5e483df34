//! Knowledge about credentials: which names hold secrets, which values look
//! like credentials, which are placeholders, and how to print them redacted.

pub mod catalog;
pub mod conn_url;
pub mod entropy;
pub mod names;
pub mod placeholder;
pub mod public;
pub mod raw;
pub mod redact;
pub mod turnstile;

pub use catalog::{Catalog, CredentialMatch};
pub use names::SecretNames;
pub use placeholder::{is_placeholder, is_template_dummy, is_variable_reference};
pub use public::{PublicValue, is_public_credential_id, public_value};
pub use redact::redact;
