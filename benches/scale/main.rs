//! The scaling benchmark: generates synthetic monorepos of realistic Workers
//! projects at several sizes (or takes any checkout), runs the release
//! binary over each, and compares with ripgrep reading the same tree.
//!
//!     cargo bench --bench scale                      # 1k, 10k, 50k files
//!     cargo bench --bench scale -- --sizes 1000,5000 # other sizes
//!     cargo bench --bench scale -- --path ../some/checkout
//!     cargo bench --bench scale -- --sizes 10000 --keep  # keep the corpus for profiling
//!
//! Reported per tree: wall time (median of 5 warm runs: shared machines are
//! noisy), files/s, MB/s, peak RSS of the preflight process, rg's time over
//! the same tree, the ratio between the two, and the growth factor from the
//! previous size.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod corpus;

struct Measurement {
    wall: Duration,
    peak_rss_kb: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = vec![1_000usize, 10_000, 50_000];
    let mut path: Option<PathBuf> = None;
    let mut keep = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--sizes" => {
                i += 1;
                sizes = args[i]
                    .split(',')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect();
            }
            "--path" => {
                i += 1;
                path = Some(PathBuf::from(&args[i]));
            }
            "--keep" => keep = true,
            // cargo bench passes --bench to every bench target.
            _ => {}
        }
        i += 1;
    }

    let bin = PathBuf::from(env!("CARGO_BIN_EXE_preflight"));
    let rg = which("rg");
    if rg.is_none() {
        eprintln!(
            "note: ripgrep (rg) not found, so the I/O floor is not measured; install it with `apt-get install ripgrep` or `cargo install ripgrep`"
        );
    }
    println!(
        "{:>9} {:>8} {:>9} {:>10} {:>10} {:>9} {:>10} {:>9} {:>7} {:>7}",
        "tree",
        "files",
        "MB",
        "time ms",
        "files/s",
        "MB/s",
        "peakRSS MB",
        "rg ms",
        "x rg",
        "growth"
    );

    let temp = std::env::temp_dir().join(format!("preflight-bench-{}", std::process::id()));
    let trees: Vec<(String, PathBuf)> = match path {
        Some(p) => vec![(
            p.file_name()
                .map_or("path".into(), |n| n.to_string_lossy().into_owned()),
            p,
        )],
        None => sizes
            .iter()
            .map(|&n| {
                let dir = temp.join(format!("corpus-{n}"));
                corpus::generate(&dir, n);
                (format!("{}k", n / 1000), dir)
            })
            .collect(),
    };

    let mut previous: Option<(u64, Duration)> = None;
    for (label, dir) in &trees {
        let (files, bytes) = tree_size(dir);
        let ours = median_of_runs(|| {
            measure(
                Command::new(&bin)
                    .args(["check", "--format", "json", "--fail-on", "never"])
                    .arg(dir),
            )
        });
        let floor = rg.as_ref().map(|rg| {
            median_of_runs(|| {
                measure(
                    Command::new(rg)
                        .args([
                            "--hidden",
                            "--no-messages",
                            "--count",
                            "--",
                            "zq9xj_never_matches",
                        ])
                        .arg(dir),
                )
            })
        });
        let secs = ours.wall.as_secs_f64();
        let growth = previous.map_or("-".to_string(), |(prev_files, prev_wall)| {
            let size_ratio = files as f64 / prev_files as f64;
            format!("{:.2}/{:.1}", secs / prev_wall.as_secs_f64(), size_ratio)
        });
        println!(
            "{:>9} {:>8} {:>9.1} {:>10.0} {:>10.0} {:>9.1} {:>10.1} {:>9} {:>7} {:>7}",
            label,
            files,
            bytes as f64 / 1e6,
            secs * 1000.0,
            files as f64 / secs,
            bytes as f64 / 1e6 / secs,
            ours.peak_rss_kb as f64 / 1024.0,
            floor.as_ref().map_or("-".into(), |f| format!(
                "{:.0}",
                f.wall.as_secs_f64() * 1000.0
            )),
            floor.as_ref().map_or("-".into(), |f| format!(
                "{:.1}",
                secs / f.wall.as_secs_f64()
            )),
            growth,
        );
        previous = Some((files, ours.wall));
    }
    println!("growth = time ratio / size ratio from the previous tree (linear: the two are equal)");
    if keep {
        println!("corpora kept in {}", temp.display());
    } else {
        std::fs::remove_dir_all(&temp).ok();
    }
}

/// Runs measured per tree (after one run that warms the page cache).
const RUNS: usize = 5;

fn median_of_runs(mut run: impl FnMut() -> Measurement) -> Measurement {
    run();
    let mut runs: Vec<Measurement> = (0..RUNS).map(|_| run()).collect();
    runs.sort_by_key(|m| m.wall);
    runs.swap_remove(RUNS / 2)
}

/// Runs a command to completion and reads its own peak RSS with wait4.
fn measure(cmd: &mut Command) -> Measurement {
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own un-reaped child; the pointers are valid.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert!(rc == pid, "wait4 failed");
    std::mem::forget(child); // already reaped
    Measurement {
        wall,
        peak_rss_kb: usage.ru_maxrss as u64,
    }
}

fn tree_size(dir: &Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                if e.file_name() != ".git"
                    && e.file_name() != "node_modules"
                    && e.file_name() != "target"
                {
                    stack.push(e.path());
                }
            } else if t.is_file() {
                files += 1;
                bytes += e.metadata().map_or(0, |m| m.len());
            }
        }
    }
    (files, bytes)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}
