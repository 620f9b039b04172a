//! Row plumbing shared by the bulk and upsert paths: which columns a row carries, rows
//! grouped by that column set, multi-row `INSERT` statements, row-value `IN` lists, and
//! matching the rows a statement returns back to the rows it was given.

use super::{Repository, pk_columns};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::sea_query::{
    BinOper, Condition, Expr, ExprTrait, InsertStatement, IntoCondition, Query, ReturningClause,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ColumnType, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, FromQueryResult, IdenStatic, Iterable, ModelTrait, QueryResult, TransactionTrait,
    Value,
};
use std::collections::HashMap;

/// The values of some columns of one row: a primary key or a match key.
pub(super) type Key = Vec<Value>;

/// Whether `value` is a (typed) SQL NULL.
fn is_null(value: &Value) -> bool {
    *value == value.as_null()
}

/// Whether `cols` contains `col`.
pub(super) fn has<Col: IdenStatic>(cols: &[Col], col: Col) -> bool {
    cols.iter().any(|c| c.as_str() == col.as_str())
}

/// The columns `am` carries a value for (`Set` or `Unchanged`), in entity order.
pub(super) fn present<E: EntityTrait>(am: &E::ActiveModel) -> Vec<E::Column> {
    E::Column::iter().filter(|c| !am.is_not_set(*c)).collect()
}

/// The key of `am` over `cols`, or `None` when one of them is not set or NULL (such a
/// row can match no other row).
pub(super) fn am_key<E: EntityTrait>(am: &E::ActiveModel, cols: &[E::Column]) -> Option<Key> {
    cols.iter()
        .map(|c| am.get(*c).into_value().filter(|v| !is_null(v)))
        .collect()
}

/// The key of a stored row over `cols`.
pub(super) fn model_key<E: EntityTrait>(model: &E::Model, cols: &[E::Column]) -> Key {
    cols.iter().map(|c| model.get(*c)).collect()
}

/// An integer key value, whatever its width (for database-assigned keys).
pub(super) fn integer(value: &Value) -> Option<i128> {
    Some(match value {
        Value::TinyInt(Some(v)) => i128::from(*v),
        Value::SmallInt(Some(v)) => i128::from(*v),
        Value::Int(Some(v)) => i128::from(*v),
        Value::BigInt(Some(v)) => i128::from(*v),
        Value::TinyUnsigned(Some(v)) => i128::from(*v),
        Value::SmallUnsigned(Some(v)) => i128::from(*v),
        Value::Unsigned(Some(v)) => i128::from(*v),
        Value::BigUnsigned(Some(v)) => i128::from(*v),
        _ => return None,
    })
}

/// Positions of `rows` grouped by the set of columns each row carries: groups in order of
/// first appearance, positions in input order. One statement can only insert rows that
/// name the same columns, and a column a row leaves out must get its database default.
pub(super) fn group_by_columns<'a, E: EntityTrait>(
    rows: impl IntoIterator<Item = (usize, &'a E::ActiveModel)>,
) -> Vec<(Vec<E::Column>, Vec<usize>)> {
    let mut index: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut groups: Vec<(Vec<E::Column>, Vec<usize>)> = Vec::new();
    for (position, am) in rows {
        let shape: Vec<bool> = E::Column::iter().map(|c| !am.is_not_set(c)).collect();
        let group = *index.entry(shape).or_insert_with(|| {
            groups.push((present::<E>(am), Vec::new()));
            groups.len() - 1
        });
        groups[group].1.push(position);
    }
    groups
}

/// `RETURNING` every column, enum columns cast to text as SeaORM's own selects do.
pub(super) fn returning<E: EntityTrait>(backend: DbBackend) -> ReturningClause {
    Query::returning().exprs(E::Column::iter().map(|c| c.select_as(c.into_returning_expr(backend))))
}

/// The value `am` writes to `col`, as the column saves it (enum casts), plus a cast to
/// `json` on PostgreSQL: the driver binds JSON as `jsonb`, which a `CASE` next to a
/// `json` column cannot convert (an assignment can, so plain inserts need no cast).
pub(super) fn save_expr<E: EntityTrait>(backend: DbBackend, col: E::Column, value: Value) -> Expr {
    let expr = col.save_as(Expr::val(value));
    match col.def().get_column_type() {
        ColumnType::Json if backend == DbBackend::Postgres => expr.cast_as("json"),
        _ => expr,
    }
}

/// `col = value` for each column of a key (`(a = ? AND b = ?)` for a composite one).
pub(super) fn key_eq<E: EntityTrait>(cols: &[E::Column], key: Key) -> Condition {
    cols.iter()
        .zip(key)
        .fold(Condition::all(), |all, (c, v)| all.add(c.eq(v)))
}

/// `col IN (…)` for one column, `(a, b) IN ((…), (…))` for several (SQLite wants the list
/// as `(VALUES (…), (…))`). A row value list keeps the expression flat, where a chain of
/// `OR`s would hit SQLite's expression depth limit on large chunks.
pub(super) fn key_in<E: EntityTrait>(
    backend: DbBackend,
    cols: &[E::Column],
    keys: Vec<Key>,
) -> Condition {
    if keys.is_empty() {
        return Expr::val(1).eq(2).into_condition();
    }
    if let [col] = cols {
        return col
            .is_in(keys.into_iter().filter_map(|k| k.into_iter().next()))
            .into_condition();
    }
    let lhs = Expr::tuple(cols.iter().map(|c| Expr::col(*c)));
    let rows: Vec<Expr> = keys
        .into_iter()
        .map(|key| {
            Expr::Tuple(
                cols.iter()
                    .zip(key)
                    .map(|(c, v)| c.save_as(Expr::val(v)))
                    .collect(),
            )
        })
        .collect();
    let rhs = match backend {
        DbBackend::Sqlite => {
            let marks = vec!["?"; rows.len()].join(", ");
            Expr::cust_with_exprs(format!("(VALUES {marks})"), rows)
        }
        _ => Expr::Tuple(rows),
    };
    lhs.binary(BinOper::In, rhs).into_condition()
}

/// Stored rows matched to `keys` by the values of `cols`: one slot per key, `None` where
/// no row has exactly that key.
pub(super) fn by_key<E: EntityTrait>(
    keys: &[Key],
    rows: Vec<E::Model>,
    cols: &[E::Column],
) -> Vec<Option<E::Model>> {
    let mut rows: HashMap<Key, E::Model> = rows
        .into_iter()
        .map(|m| (model_key::<E>(&m, cols), m))
        .collect();
    keys.iter().map(|k| rows.remove(k)).collect()
}

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// An error for a broken expectation about what the database returned.
    pub(super) fn unexpected(&self, what: String) -> Error {
        self.err(Error::Database(DbErr::Custom(what)))
    }

    /// A multi-row `INSERT INTO t (cols) VALUES (…), (…)`; every row carries `cols`.
    pub(super) fn insert_statement(
        &self,
        cols: &[E::Column],
        rows: &[&E::ActiveModel],
    ) -> Result<InsertStatement> {
        let mut stmt = Query::insert();
        stmt.into_table(E::default().table_ref())
            .columns(cols.iter().copied());
        for am in rows {
            let values: Vec<Expr> = cols
                .iter()
                .filter_map(|c| am.get(*c).into_value().map(|v| c.save_as(Expr::val(v))))
                .collect();
            stmt.values(values)
                .map_err(|e| self.unexpected(format!("building a multi-row insert: {e}")))?;
        }
        Ok(stmt)
    }

    /// Models from the rows of a `RETURNING` statement.
    pub(super) fn decode(&self, rows: Vec<QueryResult>) -> Result<Vec<E::Model>> {
        rows.iter()
            .map(|row| E::Model::from_query_result(row, "").map_err(|e| self.db_err(e)))
            .collect()
    }

    /// Puts the rows an `INSERT … RETURNING` gave back in the order of `rows`: by primary
    /// key when every row carried its key, else (database-assigned keys) by ascending key,
    /// the order a sequence or autoincrement hands keys to the rows of one statement.
    pub(super) fn in_input_order(
        &self,
        rows: &[&E::ActiveModel],
        mut returned: Vec<E::Model>,
    ) -> Result<Vec<E::Model>> {
        if returned.len() != rows.len() {
            return Err(self.unexpected(format!(
                "inserted {} {} rows but {} came back",
                rows.len(),
                self.model_name(),
                returned.len()
            )));
        }
        let pk = pk_columns::<E>();
        let keys: Option<Vec<Key>> = rows.iter().map(|am| am_key::<E>(am, &pk)).collect();
        if let Some(keys) = keys {
            return by_key::<E>(&keys, returned, &pk)
                .into_iter()
                .map(|m| {
                    m.ok_or_else(|| {
                        self.unexpected(format!(
                            "an inserted {} row came back with another key",
                            self.model_name()
                        ))
                    })
                })
                .collect();
        }
        if let [col] = pk.as_slice()
            && returned.iter().all(|m| integer(&m.get(*col)).is_some())
        {
            returned.sort_by_key(|m| integer(&m.get(*col)));
        }
        Ok(returned)
    }

    /// Runs `after_save` on each row, as SeaORM's single-row `insert`/`update` do.
    pub(super) async fn after_save_all<X: ConnectionTrait>(
        &self,
        conn: &X,
        models: Vec<E::Model>,
        insert: bool,
    ) -> Result<Vec<E::Model>> {
        let mut out = Vec::with_capacity(models.len());
        for model in models {
            out.push(
                <E::ActiveModel as sea_orm::ActiveModelBehavior>::after_save(model, conn, insert)
                    .await
                    .map_err(|e| self.db_err(e))?,
            );
        }
        Ok(out)
    }
}

/// Whether `am` sets `col` (as opposed to carrying an unchanged value).
pub(super) fn sets<A: ActiveModelTrait>(am: &A, col: <A::Entity as EntityTrait>::Column) -> bool {
    matches!(am.get(col), ActiveValue::Set(_))
}
