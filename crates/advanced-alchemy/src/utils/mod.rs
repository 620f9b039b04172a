//! Small helpers with no database in them. Start with [`text::slugify`].

pub mod text;
