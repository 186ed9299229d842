//! What the report says about where and when it was measured: CPU model, hardware
//! threads, memory, load, the commit and the date. Read by [`crate::report`] and by the
//! criterion bench, which stores it beside its results.

use std::process::Command;

/// The machine and the moment of a benchmark run.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    /// CPU model name from `/proc/cpuinfo` ("unknown CPU" elsewhere).
    pub cpu: String,
    /// Hardware threads available to the process.
    pub threads: usize,
    /// Total memory in GiB (0 when unknown).
    pub memory_gib: f64,
    /// The 1-, 5- and 15-minute load averages.
    pub load: String,
    /// `git describe --always --dirty` of the working tree.
    pub commit: String,
    /// UTC date and time, `YYYY-MM-DD HH:MM`.
    pub date: String,
}

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Machine {
    /// This machine, now.
    pub fn current() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .map_or_else(|| "unknown CPU".to_string(), |s| s.trim().to_string());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_gib = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / (1024.0 * 1024.0));
        let load = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into());
        Machine {
            cpu,
            threads: crate::workloads::all_threads(),
            memory_gib,
            load,
            commit: run("git", &["describe", "--always", "--dirty"])
                .unwrap_or_else(|| "unknown".into()),
            date: run("date", &["-u", "+%Y-%m-%d %H:%M"]).unwrap_or_else(|| "unknown".into()),
        }
    }

    /// As JSON (the run manifest the criterion bench writes).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "cpu": self.cpu,
            "threads": self.threads,
            "memory_gib": self.memory_gib,
            "load": self.load,
            "commit": self.commit,
            "date": self.date,
        })
    }

    /// From the JSON of [`Machine::to_json`]; missing fields read as "unknown" or 0.
    pub fn from_json(v: &serde_json::Value) -> Machine {
        let s = |k: &str| v[k].as_str().unwrap_or("unknown").to_string();
        Machine {
            cpu: s("cpu"),
            threads: v["threads"].as_u64().unwrap_or(0) as usize,
            memory_gib: v["memory_gib"].as_f64().unwrap_or(0.0),
            load: s("load"),
            commit: s("commit"),
            date: s("date"),
        }
    }
}
