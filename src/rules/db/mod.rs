pub mod hyperdrive_not_pooled;
pub mod migration_not_direct;
pub mod sql_injection;
pub mod sql_string_interpolation;
