//! The project's migrations, in sea-orm-migration's format. `make-migrations` writes a
//! file for each change of the models and lists it here; hand-written SeaORM migrations
//! can be listed beside them.

pub use advanced_alchemy::migrate::prelude::MigratorTrait;
use advanced_alchemy::migrate::prelude::*;

mod m20261204_021522_blog_schema;
// make-migrations: new modules go above this line

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261204_021522_blog_schema::Migration),
            // make-migrations: new migrations go above this line
        ]
    }
}
