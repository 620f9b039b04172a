//! Per-repository error messages (the Python library's `error_messages`) and the
//! context every repository error gets: the model's name and, where known, the constraint.

use crate::error::Error;
use sea_orm::DbErr;

/// Custom messages a repository puts on its errors, replacing the default text of
/// `Display` (the Python library's `ErrorMessages` dict). Unset entries keep the default.
/// Every builder is `const`, so the messages of a repository can live in a `static`:
///
/// ```
/// use advanced_alchemy::repository::ErrorMessages;
///
/// static TAG_ERRORS: ErrorMessages = ErrorMessages::new()
///     .duplicate_key("a tag with this name already exists")
///     .not_found("no such tag");
/// assert_eq!(TAG_ERRORS.not_found, Some("no such tag"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorMessages {
    /// For [`Error::DuplicateKey`].
    pub duplicate_key: Option<&'static str>,
    /// For [`Error::ForeignKey`].
    pub foreign_key: Option<&'static str>,
    /// For [`Error::Integrity`] (NOT NULL, CHECK).
    pub integrity: Option<&'static str>,
    /// For [`Error::MultipleResultsFound`].
    pub multiple_rows: Option<&'static str>,
    /// For [`Error::NotFound`].
    pub not_found: Option<&'static str>,
    /// For any other database error ([`Error::Repository`]).
    pub other: Option<&'static str>,
}

macro_rules! setters {
    ($($field:ident => $doc:literal),* $(,)?) => {$(
        #[doc = $doc]
        ///
        /// ```
        /// use advanced_alchemy::repository::ErrorMessages;
        #[doc = concat!("const M: ErrorMessages = ErrorMessages::new().", stringify!($field), "(\"x\");")]
        #[doc = concat!("assert_eq!(M.", stringify!($field), ", Some(\"x\"));")]
        /// ```
        pub const fn $field(mut self, message: &'static str) -> Self {
            self.$field = Some(message);
            self
        }
    )*};
}

impl ErrorMessages {
    /// No custom messages.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::repository::ErrorMessages::new().other, None);
    /// ```
    pub const fn new() -> Self {
        Self {
            duplicate_key: None,
            foreign_key: None,
            integrity: None,
            multiple_rows: None,
            not_found: None,
            other: None,
        }
    }

    setters! {
        duplicate_key => "The message for a unique violation.",
        foreign_key => "The message for a foreign-key violation.",
        integrity => "The message for another integrity violation.",
        multiple_rows => "The message when one row was expected and several were found.",
        not_found => "The message when a row was expected and none was found.",
        other => "The message for any other database error.",
    }

    /// Puts `model` and the matching custom message on `err`.
    pub(crate) fn wrap(&self, model: &str, err: Error) -> Error {
        let msg = |m: Option<&'static str>, old: Option<String>| m.map(str::to_owned).or(old);
        match err {
            Error::DuplicateKey {
                model: m,
                constraint,
                detail,
                message,
            } => Error::DuplicateKey {
                model: m.or_else(|| Some(model.to_owned())),
                constraint,
                detail,
                message: msg(self.duplicate_key, message),
            },
            Error::ForeignKey {
                model: m,
                constraint,
                detail,
                message,
            } => Error::ForeignKey {
                model: m.or_else(|| Some(model.to_owned())),
                constraint,
                detail,
                message: msg(self.foreign_key, message),
            },
            Error::Integrity {
                model: m,
                detail,
                message,
            } => Error::Integrity {
                model: m.or_else(|| Some(model.to_owned())),
                detail,
                message: msg(self.integrity, message),
            },
            Error::MultipleResultsFound { model, message } => Error::MultipleResultsFound {
                model,
                message: msg(self.multiple_rows, message),
            },
            Error::NotFound { model, message } => Error::NotFound {
                model,
                message: msg(self.not_found, message),
            },
            Error::Transient {
                kind,
                model: m,
                detail,
                source,
            } => Error::Transient {
                kind,
                model: m.or_else(|| Some(model.to_owned())),
                detail,
                source,
            },
            Error::Database(source) => Error::Repository {
                model: model.to_owned(),
                message: self.other.map(str::to_owned),
                source,
            },
            other => other,
        }
    }

    /// Classifies a SeaORM error, then [`wrap`](Self::wrap)s it.
    pub(crate) fn db(&self, model: &str, err: DbErr) -> Error {
        self.wrap(model, Error::from_db(err))
    }
}
