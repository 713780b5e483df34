use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use preflight::cli::{Cli, ColorChoice, Command, ListFormat};
use preflight::report::rules_list;
use preflight::rules;
use preflight::run::{self, EXIT_ERROR, RunError};

/// mimalloc: extraction makes and drops many small allocations per file on
/// every thread, which its per-thread free lists serve faster than glibc's
/// arenas, with less fragmentation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    decline_huge_pages();
    let cli = Cli::parse();
    let code = match execute(&cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("preflight: error: {err}");
            EXIT_ERROR
        }
    };
    ExitCode::from(code as u8)
}

/// A run allocates a batch of facts, drops it and allocates the next: with
/// transparent huge pages on, each first touch of fresh heap makes the
/// kernel zero a whole 2 MiB page, which cost about a seventh of the CPU
/// time and a fifth of the peak memory of a 10k-file run. Ordinary 4 KiB
/// pages are zeroed only as they are used. Best effort: a kernel without
/// the setting leaves things as they were.
fn decline_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory
    // of ours; it only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn execute(cli: &Cli) -> Result<i32, RunError> {
    match &cli.command {
        Command::Check(args) => {
            let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
            run::check(args, use_color(cli.color, to_terminal))
        }
        Command::Rules { format } => {
            let text = match format {
                ListFormat::Json => rules_list::render_json(rules::metas()),
                ListFormat::Human => rules_list::render_human(rules::metas()),
            };
            run::write_stdout(&text)?;
            Ok(run::EXIT_OK)
        }
        Command::Explain { code } => match rules::find(code)
            .or_else(|| rules::metas().find(|m| m.name.eq_ignore_ascii_case(code)))
        {
            Some(meta) => {
                run::write_stdout(meta.doc)?;
                Ok(run::EXIT_OK)
            }
            None => Err(RunError(format!(
                "unknown rule code or name `{code}` (see `preflight rules`)"
            ))),
        },
        Command::Checklist(args) => run::checklist(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                *shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "preflight",
                &mut script,
            );
            run::write_stdout(&String::from_utf8_lossy(&script))?;
            Ok(run::EXIT_OK)
        }
        Command::Verify(args) => {
            let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
            preflight::verify::run(args, use_color(cli.color, to_terminal))
        }
    }
}

fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
