//! Implementation 4, Python Advanced Alchemy 1.12 with its async repository
//! (`bench/python/`), run in a child process of the virtualenv `scripts/bench` made.
//!
//! One JSON line per repetition goes to the child's stdin (the input, decoded before its
//! clock starts); one line comes back with the time the child measured around the
//! operation (`time.perf_counter_ns`) and what it returned. The pipe is not timed.

use crate::Result;
use crate::workload::{Input, Outcome};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

pub struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Package versions the child reported (advanced-alchemy, SQLAlchemy, driver, Python).
    pub versions: Value,
}

fn message(input: &Input) -> Value {
    match input {
        Input::InsertOne(p) => {
            json!({"op": "insert_one", "post": [p.title, p.content, p.published]})
        }
        Input::AddMany(posts) => json!({
            "op": "add_many",
            "posts": posts.iter().map(|p| json!([p.title, p.content, p.published])).collect::<Vec<_>>(),
        }),
        Input::Get(id) => json!({"op": "get", "id": id}),
        Input::GetManyAndCount { limit, offset } => {
            json!({"op": "get_many_and_count", "limit": limit, "offset": offset})
        }
        Input::UpsertMany(rows) => json!({
            "op": "upsert_many",
            "rows": rows.iter().map(|(id, p)| json!([id, p.title, p.content, p.published])).collect::<Vec<_>>(),
        }),
        Input::TagGetOrCreate(names) => json!({"op": "tag_get_or_create", "names": names}),
        Input::UpdateMany(rows) => json!({"op": "update_many", "rows": rows}),
        Input::DeleteMany(ids) => json!({"op": "delete_many", "ids": ids}),
    }
}

impl Python {
    /// Starts `python script url` and waits for its hello.
    pub fn start(python: &Path, script: &Path, url: &str) -> Result<Python> {
        let mut child = Command::new(python)
            .arg(script)
            .arg(url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", python.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin for the Python child")?;
        let stdout = BufReader::new(
            child
                .stdout
                .take()
                .ok_or("no stdout for the Python child")?,
        );
        let mut python = Python {
            child,
            stdin,
            stdout,
            versions: Value::Null,
        };
        let hello = python.read()?;
        python.versions = hello.get("versions").cloned().unwrap_or(Value::Null);
        Ok(python)
    }

    fn read(&mut self) -> Result<Value> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err("the Python benchmark process exited".into());
        }
        let reply: Value = serde_json::from_str(&line)?;
        if let Some(err) = reply.get("error") {
            return Err(format!("Python: {}", err.as_str().unwrap_or("?")).into());
        }
        Ok(reply)
    }

    pub fn run(&mut self, input: &Input) -> Result<Outcome> {
        let mut line = serde_json::to_string(&message(input))?;
        line.push('\n');
        self.stdin.write_all(line.as_bytes())?;
        self.stdin.flush()?;
        let reply = self.read()?;
        let ns = reply
            .get("ns")
            .and_then(Value::as_u64)
            .ok_or("no time in the Python reply")?;
        let rows = reply
            .get("rows")
            .and_then(Value::as_u64)
            .ok_or("no row count in the Python reply")?;
        Ok(Outcome {
            elapsed: Duration::from_nanos(ns),
            rows: rows as usize,
            total: reply.get("total").and_then(Value::as_u64),
        })
    }

    pub fn close(mut self) -> Result<()> {
        // end of input: the child closes its engine and exits
        drop(self.stdin);
        let status = self.child.wait()?;
        if !status.success() {
            return Err(format!("the Python benchmark process ended with {status}").into());
        }
        Ok(())
    }
}
