//! `dump-data` and `load-data`: tables as JSON fixtures, in Python Advanced Alchemy's
//! layout (`<dir>/<table>.json`, a list of objects), and back, in its fixture lookup order.
//!
//! Values travel as the server's own text (PostgreSQL `::text`, MySQL `CAST(… AS CHAR)`,
//! SQLite as stored) and go back through a cast to the column's type, so ids, timestamps,
//! UUIDs, enums and JSON come back exactly as they were. Integers, floats, booleans and
//! JSON columns become JSON numbers, booleans and values; binary columns of 16 bytes
//! (`GUID`) UUID strings, other binary base64.

use crate::error::{Error, Result};
use crate::migrate::catalog::{self, ColumnInfo, TableInfo};
use crate::registry::Registry;
use base64::Engine as _;
use futures_util::StreamExt as _;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, Statement, StreamTrait, TransactionTrait, Value,
};
use serde_json::{Map, Value as Json};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Bool,
    Json,
    Bytes,
    Text,
}

fn kind(backend: DbBackend, ty: &str) -> Kind {
    let ints = [
        "integer",
        "int",
        "bigint",
        "smallint",
        "tinyint",
        "mediumint",
        "serial",
        "bigserial",
        "smallserial",
    ];
    let base = ty.split(['(', ' ']).next().unwrap_or(ty);
    if backend == DbBackend::MySql && ty.starts_with("tinyint(1)") {
        Kind::Bool
    } else if ints.contains(&base) {
        Kind::Int
    } else if matches!(base, "boolean" | "bool") {
        Kind::Bool
    } else if matches!(base, "real" | "double" | "float") {
        Kind::Float
    } else if matches!(base, "json" | "jsonb") {
        Kind::Json
    } else if matches!(
        base,
        "bytea" | "blob" | "binary" | "varbinary" | "tinyblob" | "mediumblob" | "longblob"
    ) {
        Kind::Bytes
    } else {
        Kind::Text
    }
}

fn quote(backend: DbBackend, name: &str) -> String {
    match backend {
        DbBackend::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.strip_prefix("\\x").unwrap_or(s);
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_json(backend: DbBackend, column: &ColumnInfo, text: Option<String>) -> Json {
    let Some(text) = text else { return Json::Null };
    match kind(backend, &column.ty) {
        Kind::Int => text
            .parse::<i64>()
            .map(Json::from)
            .unwrap_or(Json::String(text)),
        Kind::Float => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Json::Number)
            .unwrap_or(Json::String(text)),
        Kind::Bool => Json::Bool(matches!(text.as_str(), "t" | "true" | "1")),
        Kind::Json => serde_json::from_str(&text).unwrap_or(Json::String(text)),
        Kind::Bytes => match unhex(&text) {
            Some(bytes) if bytes.len() == 16 => Json::String(
                uuid::Uuid::from_slice(&bytes)
                    .map(|u| u.to_string())
                    .unwrap_or_else(|_| base64::engine::general_purpose::STANDARD.encode(&bytes)),
            ),
            Some(bytes) => Json::String(base64::engine::general_purpose::STANDARD.encode(&bytes)),
            None => Json::String(text),
        },
        Kind::Text => Json::String(text),
    }
}

fn select_expr(backend: DbBackend, column: &ColumnInfo) -> String {
    let c = quote(backend, &column.name);
    match (backend, kind(backend, &column.ty)) {
        (DbBackend::Postgres, _) => format!("{c}::text"),
        (DbBackend::MySql, Kind::Bytes) => format!("LOWER(HEX({c}))"),
        (DbBackend::MySql, _) => format!("CAST({c} AS CHAR)"),
        (_, Kind::Bytes) => format!("lower(hex({c}))"),
        _ => format!("CAST({c} AS TEXT)"),
    }
}

fn tables_for(
    live: &catalog::Snapshot,
    models: &Registry,
    names: &[String],
) -> Result<Vec<TableInfo>> {
    let wanted: Vec<String> = if names.iter().any(|n| n == "*") {
        models
            .table_names()
            .into_iter()
            .filter(|t| live.tables.contains_key(t))
            .collect()
    } else {
        names.to_vec()
    };
    wanted
        .iter()
        .map(|name| {
            live.tables
                .get(name)
                .cloned()
                .ok_or_else(|| Error::Migration(format!("no table `{name}` in the database")))
        })
        .collect()
}

fn spinner(name: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos} rows") {
        bar.set_style(style);
    }
    bar.set_message(name.to_owned());
    bar
}

pub(super) async fn dump(
    db: &DatabaseConnection,
    models: &Registry,
    names: &[String],
    dir: &Path,
) -> Result<ExitCode> {
    let backend = db.get_database_backend();
    let live = catalog::read(db).await?;
    let tables = tables_for(&live, models, names)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Migration(format!("cannot create {}: {e}", dir.display())))?;
    for table in &tables {
        let path = dir.join(format!("{}.json", table.name));
        let fail =
            |e: std::io::Error| Error::Migration(format!("cannot write {}: {e}", path.display()));
        let file = std::fs::File::create(&path).map_err(fail)?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let order = if table.primary_key.is_empty() {
            String::new()
        } else {
            format!(
                " ORDER BY {}",
                table
                    .primary_key
                    .iter()
                    .map(|c| quote(backend, c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let sql = format!(
            "SELECT {} FROM {}{order}",
            table
                .columns
                .iter()
                .map(|c| select_expr(backend, c))
                .collect::<Vec<_>>()
                .join(", "),
            quote(backend, &table.name)
        );
        let progress = spinner(&table.name);
        let mut rows = db.stream_raw(Statement::from_string(backend, sql)).await?;
        out.write_all(b"[").map_err(fail)?;
        let mut count = 0u64;
        while let Some(row) = rows.next().await {
            let row = row?;
            let mut object = Map::new();
            for (i, column) in table.columns.iter().enumerate() {
                let text = row.try_get_by_index::<Option<String>>(i)?;
                object.insert(column.name.clone(), to_json(backend, column, text));
            }
            out.write_all(if count == 0 { b"\n" } else { b",\n" })
                .map_err(fail)?;
            serde_json::to_writer(&mut out, &object)
                .map_err(|e| Error::Migration(format!("cannot write {}: {e}", path.display())))?;
            count += 1;
            if count.is_multiple_of(1024) {
                progress.set_position(count);
            }
        }
        out.write_all(b"\n]\n").map_err(fail)?;
        out.flush().map_err(fail)?;
        progress.finish_and_clear();
        println!(
            "dumped {count} row(s) of {} to {}",
            table.name,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The fixture of `table` in `dir`, in Python's lookup order.
fn find_fixture(dir: &Path, table: &str) -> Option<PathBuf> {
    let upper = table.to_uppercase();
    [
        format!("{table}.json"),
        format!("{upper}.json.gz"),
        format!("{table}.json.gz"),
        format!("{upper}.json.zip"),
        format!("{table}.json.zip"),
        format!("{table}.csv"),
        format!("{upper}.csv"),
        format!("{upper}.csv.gz"),
        format!("{table}.csv.gz"),
        format!("{upper}.csv.zip"),
        format!("{table}.csv.zip"),
    ]
    .into_iter()
    .map(|name| dir.join(name))
    .find(|p| p.is_file())
}

fn read_fixture(path: &Path, table: &str) -> Result<Vec<Map<String, Json>>> {
    let bad = |e: String| Error::Migration(format!("fixture {}: {e}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let (content, csv) = if name.ends_with(".gz") {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .map_err(|e| bad(format!("not a gzip file: {e}")))?;
        (text, name.ends_with(".csv.gz"))
    } else if name.ends_with(".zip") {
        let csv = name.ends_with(".csv.zip");
        let ext = if csv { ".csv" } else { ".json" };
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..]))
            .map_err(|e| bad(format!("not a zip file: {e}")))?;
        let inner: Vec<String> = archive
            .file_names()
            .filter(|n| n.ends_with(ext))
            .map(str::to_owned)
            .collect();
        let pick = inner
            .iter()
            .find(|n| **n == format!("{table}{ext}"))
            .or_else(|| inner.first())
            .cloned()
            .ok_or_else(|| bad(format!("no {ext} file in the archive")))?;
        let mut text = Vec::new();
        archive
            .by_name(&pick)
            .map_err(|e| bad(e.to_string()))?
            .read_to_end(&mut text)
            .map_err(|e| bad(e.to_string()))?;
        (text, csv)
    } else {
        (bytes, name.ends_with(".csv"))
    };
    if csv {
        let mut reader = csv::Reader::from_reader(&content[..]);
        let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let mut row = Map::new();
            for (header, value) in headers.iter().zip(record.iter()) {
                // an empty CSV field is NULL
                let value = if value.is_empty() {
                    Json::Null
                } else {
                    Json::String(value.to_owned())
                };
                row.insert(header.to_owned(), value);
            }
            rows.push(row);
        }
        return Ok(rows);
    }
    let value: Json =
        serde_json::from_slice(&content).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let Json::Array(items) = value else {
        return Err(bad("expected a JSON list of objects".into()));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Json::Object(row) => Ok(row),
            _ => Err(bad(format!("item {i} is not an object"))),
        })
        .collect()
}

fn text_of(value: &Json) -> Option<String> {
    match value {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// `value` (from a fixture) as a parameter for `column`, and the placeholder that casts it.
fn param(
    backend: DbBackend,
    column: &ColumnInfo,
    value: &Json,
    n: usize,
) -> Result<(String, Value)> {
    let k = kind(backend, &column.ty);
    let bad = |what: &str| Error::Migration(format!("column {}: {what} ({value})", column.name));
    let bytes = |v: &Json| -> Result<Option<Vec<u8>>> {
        let Some(text) = text_of(v) else {
            return Ok(None);
        };
        if let Ok(u) = uuid::Uuid::parse_str(&text) {
            return Ok(Some(u.as_bytes().to_vec()));
        }
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Some)
            .map_err(|_| bad("not a UUID or base64"))
    };
    let json_text = |v: &Json| match v {
        Json::Null => None,
        Json::String(s) if k != Kind::Json => Some(s.clone()),
        other if k == Kind::Json => Some(other.to_string()),
        other => text_of(other),
    };
    Ok(match backend {
        DbBackend::Postgres => {
            let ty = column
                .ty
                .split(" generated ")
                .next()
                .unwrap_or(&column.ty)
                .replace("bigserial", "bigint")
                .replace("smallserial", "smallint")
                .replace("serial", "integer");
            let text = if k == Kind::Bytes {
                bytes(value)?.map(|b| format!("\\x{}", hex(&b)))
            } else {
                json_text(value)
            };
            (format!("CAST(${n} AS {ty})"), Value::String(text))
        }
        DbBackend::MySql => match k {
            Kind::Bytes => (
                "UNHEX(?)".into(),
                Value::String(bytes(value)?.map(|b| hex(&b))),
            ),
            Kind::Bool => (
                "?".into(),
                Value::String(text_of(value).map(|t| {
                    if matches!(t.as_str(), "true" | "1" | "t") {
                        "1".into()
                    } else {
                        "0".into()
                    }
                })),
            ),
            _ => ("?".into(), Value::String(json_text(value))),
        },
        _ => match k {
            Kind::Bytes => ("?".into(), Value::Bytes(bytes(value)?)),
            Kind::Int => match value {
                Json::Number(n) if n.is_i64() => ("?".into(), Value::BigInt(n.as_i64())),
                Json::Bool(b) => ("?".into(), Value::BigInt(Some(*b as i64))),
                other => ("?".into(), Value::String(text_of(other))),
            },
            Kind::Bool => match value {
                Json::Null => ("?".into(), Value::BigInt(None)),
                other => {
                    let t = text_of(other).unwrap_or_default();
                    (
                        "?".into(),
                        Value::BigInt(Some(matches!(t.as_str(), "true" | "1" | "t") as i64)),
                    )
                }
            },
            Kind::Float => match value {
                Json::Number(n) => ("?".into(), Value::Double(n.as_f64())),
                other => ("?".into(), Value::String(text_of(other))),
            },
            _ => ("?".into(), Value::String(json_text(value))),
        },
    })
}

pub(super) async fn load(
    db: &DatabaseConnection,
    models: &Registry,
    names: &[String],
    dir: &Path,
) -> Result<ExitCode> {
    let backend = db.get_database_backend();
    let live = catalog::read(db).await?;
    let all = names.iter().any(|n| n == "*");
    let tables = tables_for(&live, models, names)?;
    // every fixture is read and checked before anything is written
    let mut work = Vec::new();
    for table in tables {
        match find_fixture(dir, &table.name) {
            Some(path) => {
                let rows = read_fixture(&path, &table.name)?;
                for (i, row) in rows.iter().enumerate() {
                    if let Some(key) = row.keys().find(|k| table.column(k).is_none()) {
                        return Err(Error::Migration(format!(
                            "fixture {}: item {i} has `{key}`, which table {} does not have",
                            path.display(),
                            table.name
                        )));
                    }
                }
                work.push((table, path, rows));
            }
            None if all => println!(
                "no fixture for {} in {}: skipped",
                table.name,
                dir.display()
            ),
            None => {
                return Err(Error::Migration(format!(
                    "no fixture for {} in {} (looked for .json, .json.gz, .json.zip, .csv, .csv.gz, .csv.zip)",
                    table.name,
                    dir.display()
                )));
            }
        }
    }
    let txn = db.begin().await?;
    for (table, path, rows) in &work {
        let progress = ProgressBar::new(rows.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            progress.set_style(style);
        }
        progress.set_message(table.name.clone());
        let mut start = 0;
        while start < rows.len() {
            // one statement for consecutive rows with the same keys, at most ~30,000 parameters
            let keys: Vec<&ColumnInfo> = table
                .columns
                .iter()
                .filter(|c| rows[start].contains_key(&c.name))
                .collect();
            let per_row = keys.len().max(1);
            let limit = (30_000 / per_row).clamp(1, 1000);
            let mut end = start + 1;
            while end < rows.len()
                && end - start < limit
                && rows[end].len() == keys.len()
                && keys.iter().all(|c| rows[end].contains_key(&c.name))
            {
                end += 1;
            }
            let mut values = Vec::new();
            let mut tuples = Vec::new();
            for row in &rows[start..end] {
                let mut placeholders = Vec::new();
                for column in &keys {
                    let (ph, value) = param(backend, column, &row[&column.name], values.len() + 1)
                        .map_err(|e| {
                            Error::Migration(format!("fixture {}: {e}", path.display()))
                        })?;
                    placeholders.push(ph);
                    values.push(value);
                }
                tuples.push(format!("({})", placeholders.join(", ")));
            }
            let sql = if keys.is_empty() {
                format!("INSERT INTO {} DEFAULT VALUES", quote(backend, &table.name))
            } else {
                format!(
                    "INSERT INTO {} ({}) VALUES {}",
                    quote(backend, &table.name),
                    keys.iter()
                        .map(|c| quote(backend, &c.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    tuples.join(", ")
                )
            };
            if let Err(e) = txn
                .execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await
            {
                txn.rollback().await.ok();
                return Err(Error::Migration(format!(
                    "loading {} into {} failed, nothing was loaded: {e}",
                    path.display(),
                    table.name
                )));
            }
            progress.set_position(end as u64);
            start = end;
        }
        if backend == DbBackend::Postgres {
            for column in &table.columns {
                if column.ty.contains("serial") || column.ty.contains("identity") {
                    let c = quote(backend, &column.name);
                    let t = quote(backend, &table.name);
                    txn.execute_unprepared(&format!(
                        "SELECT setval(pg_get_serial_sequence('{}', '{}'), COALESCE(MAX({c}), 1), MAX({c}) IS NOT NULL) FROM {t}",
                        t.replace('\'', "''"),
                        column.name.replace('\'', "''")
                    ))
                    .await?;
                }
            }
        }
        progress.finish_and_clear();
        println!(
            "loaded {} row(s) into {} from {}",
            rows.len(),
            table.name,
            path.display()
        );
    }
    txn.commit().await?;
    Ok(ExitCode::SUCCESS)
}
