//! The `marketplace` binary: parse arguments, call the library, map errors to exit codes
//! (0 success, 1 content errors, 2 usage or I/O failure).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use marketplace::diagnostics::{self, Format};
use marketplace::import::{self, ImportOptions};
use marketplace::scaffold::{self, NewModule};
use marketplace::serve::ServeOptions;

// A build allocates tens of millions of small strings from both cores (terms, postings,
// page contexts); glibc's malloc spent a quarter of a 100,000-module build in its bins.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// No transparent huge pages for this process: mimalloc asks for them on its arenas, and
/// the kernel then zeroes 2 MiB at the first touch of each; a build touches its memory
/// sparsely, so they cost system time and peak memory (10,000 modules: 328 -> 300 MiB;
/// the real catalogue 56 -> 22 MiB). Later faults of every mapping obey it.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flag.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
use marketplace::{BuildOptions, CheckOptions, Error, Severity};

#[derive(Parser)]
#[command(
    name = "marketplace",
    version,
    about = "Builds the open catalogue of machine-learning modules into a static site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Github,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DenyArg {
    Warnings,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (replaced only on success)
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Defaults to <root>/public
        #[arg(long)]
        output: Option<PathBuf>,
        /// Overrides base_url of content/site.toml
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Validate everything a build reads, without writing anything
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        /// Also check every absolute URL and Docker image of every module over the network
        #[arg(long)]
        links: bool,
        /// `--deny warnings`: report warnings as errors (exit 1)
        #[arg(long, value_enum)]
        deny: Option<DenyArg>,
    },
    /// Build, serve on loopback, rebuild on change and reload open pages
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Create modules/SLUG.md from the template
    New {
        slug: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        category: Option<String>,
    },
    /// Convert DEEP metadata.json / AI4OS ai4-metadata.yml files into module files
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        category: Option<String>,
        /// Overwrite existing module files
        #[arg(long)]
        force: bool,
    },
}

fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn main() -> ExitCode {
    without_huge_pages();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { root, output, base_url } => build(BuildOptions { root, output, base_url }),
        Command::Check { root, format, links, deny } => {
            check(root, format, CheckOptions { links }, deny == Some(DenyArg::Warnings))
        }
        Command::Serve { root, bind, port } => serve(ServeOptions { root, bind, port }),
        Command::New { slug, root, title, category } => new(NewModule { root, slug, title, category }),
        Command::Import { files, root, category, force } => import(ImportOptions { root, files, category, force }),
    };
    ExitCode::from(code)
}

fn fail(e: &Error) -> u8 {
    match e {
        Error::Content(d) => eprint!("{}", diagnostics::render(d, Format::Human, color())),
        other => eprintln!("error: {other}"),
    }
    e.exit_code() as u8
}

fn build(opts: BuildOptions) -> u8 {
    match marketplace::build(&opts) {
        Ok(report) => {
            if !report.warnings.0.is_empty() {
                eprint!("{}", diagnostics::render(&report.warnings, Format::Human, color()));
            }
            eprintln!(
                "built {} modules into {} ({} files) in {} ms",
                report.modules,
                report.output.display(),
                report.files,
                report.millis
            );
            0
        }
        Err(e) => fail(&e),
    }
}

fn check(root: PathBuf, format: FormatArg, opts: CheckOptions, deny_warnings: bool) -> u8 {
    let format = match format {
        FormatArg::Human => Format::Human,
        FormatArg::Github => Format::Github,
        FormatArg::Json => Format::Json,
    };
    match marketplace::check_with(&root, &opts) {
        Ok(mut diags) => {
            if deny_warnings {
                diags.0.iter_mut().for_each(|d| d.severity = Severity::Error);
            }
            let text = diagnostics::render(&diags, format, format == Format::Human && color());
            if format == Format::Human {
                eprint!("{text}");
                if diags.0.is_empty() {
                    eprintln!("no problems found");
                }
            } else {
                print!("{text}");
            }
            u8::from(diags.has_errors())
        }
        Err(e) => fail(&e),
    }
}

fn serve(opts: ServeOptions) -> u8 {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return 2;
    }
    let result = marketplace::serve::serve(&opts, stop, |addr| {
        println!("serving the marketplace at http://{addr}/ (Ctrl-C to stop)");
    });
    match result {
        Ok(()) => {
            eprintln!("stopped");
            0
        }
        Err(e) => fail(&e),
    }
}

fn new(opts: NewModule) -> u8 {
    match scaffold::new_module(&opts, marketplace::build::today()) {
        Ok(Ok(path)) => {
            println!("created {}", path.display());
            eprintln!("next: edit it, preview with `marketplace build`, then run `marketplace check`");
            0
        }
        Ok(Err(refusal)) => {
            eprintln!("error: {refusal}");
            1
        }
        Err(e) => fail(&e),
    }
}

fn import(opts: ImportOptions) -> u8 {
    match import::run(&opts) {
        Ok(report) => {
            for (src, target, category, warnings) in &report.written {
                println!("imported {} -> {} (category {category})", src.display(), target.display());
                for w in warnings {
                    eprintln!("  warning: {w}");
                }
            }
            for (src, reason) in &report.failed {
                eprintln!("error: {}: {reason}", src.display());
            }
            eprintln!("{} imported, {} failed", report.written.len(), report.failed.len());
            u8::from(!report.failed.is_empty())
        }
        Err(e) => fail(&e),
    }
}
