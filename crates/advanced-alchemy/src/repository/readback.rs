//! The MySQL side of the bulk paths. MySQL has no `RETURNING`, so a write is followed by
//! a read of the rows it wrote, by key: keys the rows carried (client-side UUIDs and
//! nanoids, caller-supplied keys), or autoincrement keys worked out from
//! `LAST_INSERT_ID()`.

use super::rows::{Key, am_key, by_key, integer, key_in};
use super::{Repository, pk_columns};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::{
    ConnectionTrait, DbBackend, ModelTrait, PrimaryKeyTrait, QueryFilter, QuerySelect, Statement,
    TransactionTrait, Value,
};
use std::collections::HashMap;

/// How MySQL hands out autoincrement keys to the rows of one multi-row insert.
#[derive(Clone, Copy)]
pub(super) struct AutoIncrement {
    /// `@@innodb_autoinc_lock_mode` < 2: one statement gets consecutive keys.
    consecutive: bool,
    /// `@@auto_increment_increment`: the distance between consecutive keys.
    step: u64,
}

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// The MySQL insert: no `RETURNING`, so insert, work out the keys, read the rows back.
    pub(super) async fn insert_and_reselect<X: ConnectionTrait>(
        &self,
        conn: &X,
        cols: &[E::Column],
        rows: &[&E::ActiveModel],
        autoinc: &mut Option<AutoIncrement>,
    ) -> Result<Vec<E::Model>> {
        let pk = pk_columns::<E>();
        let known: Option<Vec<Key>> = rows.iter().map(|am| am_key::<E>(am, &pk)).collect();
        if let Some(keys) = known {
            let stmt = self.insert_statement(cols, rows)?;
            conn.execute(&stmt).await.map_err(|e| self.db_err(e))?;
            let found = self.reselect(conn, &pk, keys.clone(), false).await?;
            return by_key::<E>(&keys, found, &pk)
                .into_iter()
                .map(|m| {
                    m.ok_or_else(|| {
                        self.unexpected("an inserted row was not found by its key".into())
                    })
                })
                .collect();
        }
        let [key] = pk.as_slice() else {
            return Err(self.key_needed());
        };
        if !<E::PrimaryKey as PrimaryKeyTrait>::auto_increment() {
            return Err(self.key_needed());
        }
        let mode = match *autoinc {
            Some(mode) => mode,
            None => *autoinc.insert(self.autoincrement_mode(conn).await?),
        };
        let mut ids = Vec::with_capacity(rows.len());
        if mode.consecutive {
            let stmt = self.insert_statement(cols, rows)?;
            let result = conn.execute(&stmt).await.map_err(|e| self.db_err(e))?;
            if result.rows_affected() != rows.len() as u64 {
                return Err(self.unexpected(format!(
                    "inserted {} {} rows where {} were given",
                    result.rows_affected(),
                    self.model_name(),
                    rows.len()
                )));
            }
            let first = result.last_insert_id();
            ids.extend(
                (0..rows.len() as u64).map(|i| first.saturating_add(i.saturating_mul(mode.step))),
            );
        } else {
            for am in rows {
                let stmt = self.insert_statement(cols, &[*am])?;
                let result = conn.execute(&stmt).await.map_err(|e| self.db_err(e))?;
                ids.push(result.last_insert_id());
            }
        }
        let keys: Vec<Key> = ids.iter().map(|id| vec![Value::from(*id)]).collect();
        let mut found: HashMap<i128, E::Model> = self
            .reselect(conn, &pk, keys, false)
            .await?
            .into_iter()
            .filter_map(|m| integer(&m.get(*key)).map(|id| (id, m)))
            .collect();
        ids.iter()
            .map(|id| {
                found.remove(&i128::from(*id)).ok_or_else(|| {
                    self.unexpected(format!(
                        "inserted {} row {id} was not found",
                        self.model_name()
                    ))
                })
            })
            .collect()
    }

    fn key_needed(&self) -> Error {
        self.err(Error::InvalidRequest(format!(
            "{} rows inserted on MySQL need their primary key set (or an autoincrement key) to be read back",
            self.model_name()
        )))
    }

    /// MySQL's autoincrement settings (read once per call).
    async fn autoincrement_mode<X: ConnectionTrait>(&self, conn: &X) -> Result<AutoIncrement> {
        let sql = "SELECT CAST(@@innodb_autoinc_lock_mode AS SIGNED) AS mode, \
                   CAST(@@auto_increment_increment AS SIGNED) AS step";
        let row = conn
            .query_one_raw(Statement::from_string(self.backend(), sql))
            .await
            .map_err(|e| self.db_err(e))?
            .ok_or_else(|| self.unexpected("no row for the autoincrement settings".into()))?;
        let mode: i64 = row.try_get("", "mode").map_err(|e| self.db_err(e))?;
        let step: i64 = row.try_get("", "step").map_err(|e| self.db_err(e))?;
        Ok(AutoIncrement {
            consecutive: mode < 2,
            step: u64::try_from(step.max(1)).unwrap_or(1),
        })
    }

    /// The rows with these keys: the MySQL read-back after a write. A plain read sees
    /// the rows this transaction wrote. With `lock`, a shared lock reads the newest
    /// committed version of rows the write matched but left unchanged; only for primary
    /// keys, because a locking read through a secondary index the optimizer skips locks
    /// every row it scans, and concurrent writers then deadlock on each other's rows.
    pub(super) async fn reselect<X: ConnectionTrait>(
        &self,
        conn: &X,
        cols: &[E::Column],
        keys: Vec<Key>,
        lock: bool,
    ) -> Result<Vec<E::Model>> {
        let mut select = E::find().filter(key_in::<E>(self.backend(), cols, keys));
        if lock && self.backend() == DbBackend::MySql {
            select = select.lock_shared();
        }
        select.all(conn).await.map_err(|e| self.db_err(e))
    }
}
