pub mod hyperdrive_not_pooled;
pub mod migration_not_direct;
