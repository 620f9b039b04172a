//! The machine and the software a run measured: CPU model and cores, memory, OS and
//! kernel, the Rust toolchain (from `scripts/bench`), and the versions of the Rust crates
//! in play, read from the workspace's `Cargo.lock` as this binary was built with it.

use serde_json::{Value, json};

const CARGO_LOCK: &str = include_str!("../../Cargo.lock");

/// The version of `package` in `Cargo.lock`.
fn locked(package: &str) -> String {
    let needle = format!("name = \"{package}\"\nversion = \"");
    CARGO_LOCK
        .split("[[package]]")
        .find_map(|block| {
            let rest = block.trim_start().strip_prefix(&needle)?;
            rest.split('"').next().map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn cpu_model() -> String {
    read("/proc/cpuinfo")
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

/// The machine's CPUs (not those this process may use: `scripts/bench` pins it to one).
fn cores() -> usize {
    read("/proc/cpuinfo")
        .map(|info| info.lines().filter(|l| l.starts_with("processor")).count())
        .filter(|n| *n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}

fn memory_gib() -> Option<f64> {
    let info = read("/proc/meminfo")?;
    let kib: f64 = info
        .lines()
        .find(|l| l.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((kib / 1024.0 / 1024.0 * 10.0).round() / 10.0)
}

fn os() -> String {
    let name = read("/etc/os-release")
        .and_then(|release| {
            release
                .lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    match read("/proc/sys/kernel/osrelease") {
        Some(kernel) => format!("{name}, kernel {}", kernel.trim()),
        None => name,
    }
}

/// The machine, as JSON.
pub fn machine() -> Value {
    json!({
        "cpu": cpu_model(),
        "cores": cores(),
        "memory_gib": memory_gib(),
        "os": os(),
        "pinned": std::env::var("AA_BENCH_PIN").ok(),
    })
}

/// One line for humans: `Intel Xeon …, 2 cores, 23.4 GiB, Debian 12`.
pub fn summary(machine: &Value) -> String {
    let pinned = if machine["pinned"].is_string() {
        " (run on one of them)"
    } else {
        ""
    };
    format!(
        "{}, {} cores{pinned}, {} GiB RAM, {}",
        machine["cpu"].as_str().unwrap_or("?"),
        machine["cores"],
        machine["memory_gib"],
        machine["os"].as_str().unwrap_or("?"),
    )
}

/// The Rust side's versions, as JSON.
pub fn rust_versions() -> Value {
    json!({
        "rustc": std::env::var("AA_BENCH_RUSTC").unwrap_or_else(|_| "unknown".to_owned()),
        "advanced-alchemy": locked("advanced-alchemy"),
        "commit": std::env::var("AA_BENCH_COMMIT").unwrap_or_else(|_| "unknown".to_owned()),
        "sea-orm": locked("sea-orm"),
        "sea-query": locked("sea-query"),
        "sqlx": locked("sqlx"),
        "tokio": locked("tokio"),
        "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn locked_versions_are_found() {
        assert_ne!(super::locked("sea-orm"), "unknown");
        assert_eq!(super::locked("no-such-crate"), "unknown");
    }
}
