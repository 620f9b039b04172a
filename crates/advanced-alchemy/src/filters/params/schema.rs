//! The allow-list: [`FilterSchema`], its [`Field`]s, their [`ValueKind`] and [`FieldOp`]s.

use super::{ParsedFilters, clip, invalid};
use crate::error::Result;
use crate::filters::OrderBy;
use sea_orm::sea_query::ColumnType;
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic, Iterable};
use std::fmt;

/// What values a field takes, and so how its text is parsed and bound.
///
/// ```
/// use advanced_alchemy::filters::params::ValueKind;
/// use sea_orm::sea_query::ColumnType;
/// assert_eq!(ValueKind::of(&ColumnType::BigInteger), Some(ValueKind::Int));
/// assert_eq!(ValueKind::of(&ColumnType::Json), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// Any integer column: `-12`, bound as `i64`.
    Int,
    /// Floating point and decimal columns: `1.5`, bound as `f64` (so decimals compare
    /// approximately). NaN and infinities are refused.
    Float,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case).
    Bool,
    /// Text, bound as given (no trimming).
    Text,
    /// A UUID in any of its usual spellings.
    Uuid,
    /// `TIMESTAMP WITH TIME ZONE`: RFC 3339 (`2024-01-01T00:00:00Z`), a date and time
    /// without offset (taken as UTC) or a date (midnight UTC); bound as a
    /// [`DateTimeUTC`](crate::types::DateTimeUTC), the library's timestamp type.
    DateTimeUtc,
    /// `TIMESTAMP`/`DATETIME` without time zone: the same spellings, an offset being
    /// converted to UTC; bound as `NaiveDateTime`.
    DateTime,
    /// `DATE`: `2024-01-31`.
    Date,
    /// `TIME`: `13:45`, `13:45:30`, `13:45:30.25`.
    Time,
}

impl ValueKind {
    /// The kind of a column type, or `None` for types that are not filtered by value
    /// (binary, JSON, arrays, custom types…; such fields only allow `isnull`).
    ///
    /// ```
    /// use advanced_alchemy::filters::params::ValueKind;
    /// use sea_orm::sea_query::ColumnType;
    /// assert_eq!(ValueKind::of(&ColumnType::TimestampWithTimeZone), Some(ValueKind::DateTimeUtc));
    /// ```
    pub fn of(column_type: &ColumnType) -> Option<Self> {
        Some(match column_type {
            ColumnType::Char(_)
            | ColumnType::String(_)
            | ColumnType::Text
            | ColumnType::Enum { .. } => ValueKind::Text,
            ColumnType::TinyInteger
            | ColumnType::SmallInteger
            | ColumnType::Integer
            | ColumnType::BigInteger
            | ColumnType::TinyUnsigned
            | ColumnType::SmallUnsigned
            | ColumnType::Unsigned
            | ColumnType::BigUnsigned => ValueKind::Int,
            ColumnType::Float
            | ColumnType::Double
            | ColumnType::Decimal(_)
            | ColumnType::Money(_) => ValueKind::Float,
            ColumnType::Boolean => ValueKind::Bool,
            ColumnType::Uuid => ValueKind::Uuid,
            ColumnType::TimestampWithTimeZone => ValueKind::DateTimeUtc,
            ColumnType::DateTime | ColumnType::Timestamp => ValueKind::DateTime,
            ColumnType::Date => ValueKind::Date,
            ColumnType::Time => ValueKind::Time,
            _ => return None,
        })
    }

    /// How the kind is named in error messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            ValueKind::Int => "an integer",
            ValueKind::Float => "a number",
            ValueKind::Bool => "true or false",
            ValueKind::Text => "text",
            ValueKind::Uuid => "a UUID",
            ValueKind::DateTimeUtc | ValueKind::DateTime => {
                "a date-time such as 2024-01-31T12:00:00Z"
            }
            ValueKind::Date => "a date such as 2024-01-31",
            ValueKind::Time => "a time such as 13:45:00",
        }
    }
}

/// An operation a caller may apply to a field. The name is the suffix of the
/// query-string key (`title__icontains=rust`); plain `field=value` is `eq`.
///
/// ```
/// use advanced_alchemy::filters::params::FieldOp;
/// assert_eq!("gte".parse::<FieldOp>().unwrap(), FieldOp::Ge);
/// assert_eq!(FieldOp::IContains.as_str(), "icontains");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldOp {
    /// `eq`: equal (exact for text, see [`ComparisonFilter`](crate::filters::ComparisonFilter)).
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `gt`: greater than.
    Gt,
    /// `gte` (or `ge`): greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `lte` (or `le`): less than or equal.
    Le,
    /// `in`: one of a comma-separated list (empty list: nothing matches).
    In,
    /// `not_in` (or `notin`): none of a comma-separated list (empty list: no filter).
    NotIn,
    /// `isnull`: `true` for `IS NULL`, `false` for `IS NOT NULL`.
    IsNull,
    /// `contains`: text contains, case-sensitively.
    Contains,
    /// `icontains`: text contains, ignoring case.
    IContains,
    /// `not_contains`: text does not contain, case-sensitively.
    NotContains,
    /// `not_icontains`: text does not contain, ignoring case.
    NotIContains,
    /// `startswith`: text starts with, case-sensitively.
    StartsWith,
    /// `istartswith`: text starts with, ignoring case.
    IStartsWith,
    /// `endswith`: text ends with, case-sensitively.
    EndsWith,
    /// `iendswith`: text ends with, ignoring case.
    IEndsWith,
}

impl FieldOp {
    /// Every operation.
    pub const ALL: [FieldOp; 17] = [
        FieldOp::Eq,
        FieldOp::Ne,
        FieldOp::Gt,
        FieldOp::Ge,
        FieldOp::Lt,
        FieldOp::Le,
        FieldOp::In,
        FieldOp::NotIn,
        FieldOp::IsNull,
        FieldOp::Contains,
        FieldOp::IContains,
        FieldOp::NotContains,
        FieldOp::NotIContains,
        FieldOp::StartsWith,
        FieldOp::IStartsWith,
        FieldOp::EndsWith,
        FieldOp::IEndsWith,
    ];

    /// Equality and membership: what enum and UUID fields allow by default.
    pub const EQUALITY: [FieldOp; 5] = [
        FieldOp::Eq,
        FieldOp::Ne,
        FieldOp::In,
        FieldOp::NotIn,
        FieldOp::IsNull,
    ];

    /// Equality, membership and ordering: what numbers and dates allow by default.
    pub const ORDERED: [FieldOp; 9] = [
        FieldOp::Eq,
        FieldOp::Ne,
        FieldOp::Gt,
        FieldOp::Ge,
        FieldOp::Lt,
        FieldOp::Le,
        FieldOp::In,
        FieldOp::NotIn,
        FieldOp::IsNull,
    ];

    /// Equality, membership and the text matches: what text allows by default
    /// (ordering on text follows collations that differ between backends).
    pub const TEXT: [FieldOp; 13] = [
        FieldOp::Eq,
        FieldOp::Ne,
        FieldOp::In,
        FieldOp::NotIn,
        FieldOp::IsNull,
        FieldOp::Contains,
        FieldOp::IContains,
        FieldOp::NotContains,
        FieldOp::NotIContains,
        FieldOp::StartsWith,
        FieldOp::IStartsWith,
        FieldOp::EndsWith,
        FieldOp::IEndsWith,
    ];

    /// The name used in query strings.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::filters::params::FieldOp::NotIn.as_str(), "not_in");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            FieldOp::Eq => "eq",
            FieldOp::Ne => "ne",
            FieldOp::Gt => "gt",
            FieldOp::Ge => "gte",
            FieldOp::Lt => "lt",
            FieldOp::Le => "lte",
            FieldOp::In => "in",
            FieldOp::NotIn => "not_in",
            FieldOp::IsNull => "isnull",
            FieldOp::Contains => "contains",
            FieldOp::IContains => "icontains",
            FieldOp::NotContains => "not_contains",
            FieldOp::NotIContains => "not_icontains",
            FieldOp::StartsWith => "startswith",
            FieldOp::IStartsWith => "istartswith",
            FieldOp::EndsWith => "endswith",
            FieldOp::IEndsWith => "iendswith",
        }
    }

    /// Whether the operation matches text (and so needs a text field).
    pub(crate) fn is_text_match(self) -> bool {
        matches!(
            self,
            FieldOp::Contains
                | FieldOp::IContains
                | FieldOp::NotContains
                | FieldOp::NotIContains
                | FieldOp::StartsWith
                | FieldOp::IStartsWith
                | FieldOp::EndsWith
                | FieldOp::IEndsWith
        )
    }

    /// The default operations of a field of `kind` (`enum_type`: a database enum).
    fn defaults(kind: Option<ValueKind>, enum_type: bool) -> &'static [FieldOp] {
        match kind {
            None => &[FieldOp::IsNull],
            Some(ValueKind::Bool) => &[FieldOp::Eq, FieldOp::Ne, FieldOp::IsNull],
            Some(ValueKind::Uuid) => &Self::EQUALITY,
            Some(ValueKind::Text) if enum_type => &Self::EQUALITY,
            Some(ValueKind::Text) => &Self::TEXT,
            Some(_) => &Self::ORDERED,
        }
    }

    /// Whether a field of `kind` can take the operation at all.
    fn fits(self, kind: Option<ValueKind>) -> bool {
        match kind {
            None => self == FieldOp::IsNull,
            Some(kind) => !self.is_text_match() || kind == ValueKind::Text,
        }
    }
}

impl fmt::Display for FieldOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FieldOp {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "eq" => FieldOp::Eq,
            "ne" => FieldOp::Ne,
            "gt" => FieldOp::Gt,
            "gte" | "ge" => FieldOp::Ge,
            "lt" => FieldOp::Lt,
            "lte" | "le" => FieldOp::Le,
            "in" => FieldOp::In,
            "not_in" | "notin" => FieldOp::NotIn,
            "isnull" => FieldOp::IsNull,
            "contains" => FieldOp::Contains,
            "icontains" => FieldOp::IContains,
            "not_contains" => FieldOp::NotContains,
            "not_icontains" => FieldOp::NotIContains,
            "startswith" => FieldOp::StartsWith,
            "istartswith" => FieldOp::IStartsWith,
            "endswith" => FieldOp::EndsWith,
            "iendswith" => FieldOp::IEndsWith,
            _ => return Err(invalid(format!("unknown operator {:?}", clip(s)))),
        })
    }
}

/// One allowed field: the public name, the column, its [`ValueKind`], the allowed
/// [`FieldOp`]s and whether it may be sorted by.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::params::{Field, FieldOp, ValueKind};
/// let title = Field::new("title", post::Column::Title).ops([FieldOp::Eq, FieldOp::IContains]);
/// assert_eq!(title.kind(), Some(ValueKind::Text));
/// assert!(title.allows(FieldOp::IContains) && !title.allows(FieldOp::Contains));
/// ```
#[derive(Debug, Clone)]
pub struct Field<C> {
    name: String,
    column: C,
    kind: Option<ValueKind>,
    ops: Vec<FieldOp>,
    sortable: bool,
}

impl<C: ColumnTrait> Field<C> {
    /// `column` under `name`, with the kind of its column type and that kind's
    /// default operations ([`FieldOp::TEXT`], [`FieldOp::ORDERED`], …); sortable
    /// when it has a kind.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{Field, FieldOp};
    /// let created = advanced_alchemy::filters::params::Field::new("created", post::Column::CreatedAt);
    /// assert!(created.allows(FieldOp::Gt) && !created.allows(FieldOp::Contains) && created.is_sortable());
    /// ```
    pub fn new(name: impl Into<String>, column: C) -> Self {
        let column_type = column.def().get_column_type().clone();
        let kind = ValueKind::of(&column_type);
        let enum_type = matches!(column_type, ColumnType::Enum { .. });
        Self {
            name: name.into(),
            column,
            kind,
            ops: FieldOp::defaults(kind, enum_type).to_vec(),
            sortable: kind.is_some(),
        }
    }

    /// Overrides the value kind (the allowed operations stay as they are, less those
    /// the new kind cannot take).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{Field, ValueKind};
    /// let f = Field::new("title", post::Column::Title).with_kind(ValueKind::Uuid);
    /// assert_eq!(f.kind(), Some(ValueKind::Uuid));
    /// ```
    pub fn with_kind(mut self, kind: ValueKind) -> Self {
        self.kind = Some(kind);
        self.ops.retain(|op| op.fits(Some(kind)));
        self
    }

    /// Allows exactly `ops` (those the field's kind can take).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{Field, FieldOp};
    /// let id = Field::new("id", post::Column::Id).ops([FieldOp::Eq, FieldOp::In, FieldOp::Contains]);
    /// assert!(id.allows(FieldOp::In) && !id.allows(FieldOp::Contains)); // not text
    /// ```
    pub fn ops(mut self, ops: impl IntoIterator<Item = FieldOp>) -> Self {
        let kind = self.kind;
        self.ops = ops.into_iter().filter(|op| op.fits(kind)).collect();
        self
    }

    /// Allows (or forbids) sorting by the field.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let f = advanced_alchemy::filters::params::Field::new("title", post::Column::Title).sortable(false);
    /// assert!(!f.is_sortable());
    /// ```
    pub fn sortable(mut self, sortable: bool) -> Self {
        self.sortable = sortable;
        self
    }

    /// The public name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column.
    pub fn column(&self) -> C {
        self.column
    }

    /// The value kind (`None`: only `isnull`).
    pub fn kind(&self) -> Option<ValueKind> {
        self.kind
    }

    /// Whether `op` is allowed.
    pub fn allows(&self, op: FieldOp) -> bool {
        self.ops.contains(&op)
    }

    /// Whether the field may be sorted by.
    pub fn is_sortable(&self) -> bool {
        self.sortable
    }

    /// `Ok` if `op` is allowed, else the error naming field and operation.
    pub(crate) fn check(&self, op: FieldOp) -> Result<()> {
        if self.allows(op) {
            Ok(())
        } else {
            Err(invalid(format!(
                "operator {:?} is not allowed for field {:?}",
                op.as_str(),
                self.name
            )))
        }
    }
}

/// The allow-list that filters from the outside are checked against: which fields
/// exist, what they hold, what may be done with them, how they may be sorted, and
/// how large a page may be. See the [module docs](super) for the syntax.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub secret: String } }
/// use advanced_alchemy::filters::params::FilterSchema;
///
/// let schema = FilterSchema::<post::Entity>::all_columns().without("secret").max_page_size(50);
/// assert!(schema.get("title").is_some() && schema.get("secret").is_none());
/// assert!(schema.parse_query("secret__startswith=a").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct FilterSchema<E: EntityTrait> {
    pub(crate) fields: Vec<Field<E::Column>>,
    pub(crate) max_page_size: u64,
    pub(crate) default_page_size: Option<u64>,
    pub(crate) max_values: usize,
    pub(crate) max_terms: usize,
    pub(crate) default_order: Vec<OrderBy<E::Column>>,
    pub(crate) search_fields: Vec<String>,
    pub(crate) ignored: Vec<String>,
}

impl<E: EntityTrait> Default for FilterSchema<E> {
    fn default() -> Self {
        Self {
            fields: Vec::new(),
            max_page_size: 100,
            default_page_size: None,
            max_values: 1000,
            max_terms: 100,
            default_order: Vec::new(),
            search_fields: Vec::new(),
            ignored: Vec::new(),
        }
    }
}

impl<E: EntityTrait> FilterSchema<E> {
    /// An empty allow-list: no field, pages of at most 100 rows, no default page
    /// size, lists of at most 1000 values, at most 100 filter terms.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::new().field("title", post::Column::Title);
    /// assert_eq!(schema.fields().len(), 1);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Every column of `E` under its column name, each with its kind's defaults.
    ///
    /// Filtering reveals what a column holds (`password_hash__startswith=a` lets a
    /// caller guess a secret one character at a time): leave such columns out with
    /// [`without`](Self::without), or list fields one by one.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::all_columns();
    /// let names: Vec<&str> = schema.fields().iter().map(|f| f.name()).collect();
    /// assert_eq!(names, ["id", "title", "created_at", "updated_at"]);
    /// ```
    pub fn all_columns() -> Self {
        E::Column::iter().fold(Self::new(), |schema, column| {
            schema.field(column.as_str(), column)
        })
    }

    /// Allows `column` under `name` with its kind's defaults (see [`Field::new`]);
    /// replaces a field of the same name.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::new().field("name", post::Column::Title);
    /// assert!(matches!(schema.get("name").map(|f| f.column()), Some(post::Column::Title)));
    /// ```
    pub fn field(self, name: impl Into<String>, column: E::Column) -> Self {
        self.with(Field::new(name, column))
    }

    /// Allows a configured [`Field`]; replaces a field of the same name.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{Field, FieldOp, FilterSchema};
    /// let schema = FilterSchema::<post::Entity>::new()
    ///     .with(Field::new("title", post::Column::Title).ops([FieldOp::Eq]).sortable(false));
    /// assert!(schema.parse_query("title__contains=a").is_err());
    /// assert!(schema.parse_query("order_by=title").is_err());
    /// ```
    pub fn with(mut self, field: Field<E::Column>) -> Self {
        self.fields.retain(|f| f.name != field.name);
        self.fields.push(field);
        self
    }

    /// Removes the field called `name`, if any.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// assert!(FilterSchema::<post::Entity>::all_columns().without("id").get("id").is_none());
    /// ```
    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|f| f.name != name);
        self
    }

    /// The largest page a caller may ask for (default 100); also the page size when
    /// only an offset is given and there is no default page size.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::new().max_page_size(10);
    /// assert!(schema.parse_query("limit=11").is_err());
    /// ```
    pub fn max_page_size(mut self, max: u64) -> Self {
        self.max_page_size = max;
        self
    }

    /// The page size when the caller gives none (default: no limit at all).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{LimitOffset, params::FilterSchema};
    /// let schema = FilterSchema::<post::Entity>::new().default_page_size(20);
    /// assert_eq!(schema.parse_query("").unwrap().page(), Some(LimitOffset::new(20, 0)));
    /// ```
    pub fn default_page_size(mut self, size: u64) -> Self {
        self.default_page_size = Some(size);
        self
    }

    /// The longest `in`/`not_in` list accepted (default 1000): every value is a bind
    /// parameter, and backends cap those per statement.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::all_columns().max_values(2);
    /// assert!(schema.parse_query("id__in=1,2,3").is_err());
    /// ```
    pub fn max_values(mut self, max: usize) -> Self {
        self.max_values = max;
        self
    }

    /// The most filter terms one request may hold (default 100).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::all_columns().max_terms(1);
    /// assert!(schema.parse_query("id=1&title=a").is_err());
    /// ```
    pub fn max_terms(mut self, max: usize) -> Self {
        self.max_terms = max;
        self
    }

    /// The ordering when the caller asks for none (may be given several times).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{OrderBy, params::FilterSchema};
    /// let schema = FilterSchema::<post::Entity>::new().default_order(OrderBy::desc(post::Column::Id));
    /// assert_eq!(schema.parse_query("").unwrap().order().len(), 1);
    /// ```
    pub fn default_order(mut self, order: OrderBy<E::Column>) -> Self {
        self.default_order.push(order);
        self
    }

    /// The fields `searchString` searches when the caller names none with
    /// `searchField` (the Litestar provider's `search` setting).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::all_columns().search_fields(["title"]);
    /// assert_eq!(schema.parse_query("searchString=rust").unwrap().group().filters.len(), 1);
    /// ```
    pub fn search_fields<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.search_fields = names.into_iter().map(Into::into).collect();
        self
    }

    /// A query parameter that is not a filter and is skipped (say `format`); any
    /// other unknown parameter is an error.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let schema = FilterSchema::<post::Entity>::all_columns().ignore_param("format");
    /// assert!(schema.parse_query("format=json&title=a").is_ok());
    /// ```
    pub fn ignore_param(mut self, name: impl Into<String>) -> Self {
        self.ignored.push(name.into());
        self
    }

    /// The allowed fields.
    pub fn fields(&self) -> &[Field<E::Column>] {
        &self.fields
    }

    /// The field called `name`.
    pub fn get(&self, name: &str) -> Option<&Field<E::Column>> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field called `name`, or the error naming it and the allowed fields.
    pub(crate) fn require(&self, name: &str) -> Result<&Field<E::Column>> {
        self.get(name).ok_or_else(|| {
            let allowed: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
            invalid(format!(
                "unknown filter field {:?} (allowed: {})",
                clip(name),
                allowed.join(", ")
            ))
        })
    }

    /// Filters from a raw query string (`title__icontains=rust&order_by=-id&limit=20`);
    /// see the [module docs](super).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{LimitOffset, params::FilterSchema};
    /// let parsed = FilterSchema::<post::Entity>::all_columns().parse_query("title__icontains=rust&limit=20").unwrap();
    /// assert_eq!(parsed.page(), Some(LimitOffset::new(20, 0)));
    /// ```
    pub fn parse_query(&self, query: &str) -> Result<ParsedFilters<E>> {
        ParsedFilters::from_query(self, query)
    }

    /// Filters from decoded `(name, value)` pairs, as web frameworks hand them over.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let pairs = vec![("id__in".to_owned(), "1,2".to_owned())];
    /// let parsed = FilterSchema::<post::Entity>::all_columns().parse_pairs(&pairs).unwrap();
    /// assert_eq!(parsed.group().filters.len(), 1);
    /// ```
    pub fn parse_pairs<K: AsRef<str>, V: AsRef<str>>(
        &self,
        pairs: impl IntoIterator<Item = impl std::borrow::Borrow<(K, V)>>,
    ) -> Result<ParsedFilters<E>> {
        ParsedFilters::from_pairs(self, pairs)
    }

    /// Filters from JSON in the Python library's `MultiFilter` shape; see
    /// [`MultiFilter`](crate::filters::MultiFilter).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// let json = serde_json::json!({"and_": [{"type": "null", "field_name": "title"}]});
    /// assert!(FilterSchema::<post::Entity>::all_columns().parse_json(&json).is_ok());
    /// ```
    pub fn parse_json(&self, json: &serde_json::Value) -> Result<ParsedFilters<E>> {
        ParsedFilters::from_json(self, json)
    }
}
