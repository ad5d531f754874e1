//! The `tkstep` command line: a thin shell over the `tkstep` library.

mod cli;

// Evaluation allocates and frees many small objects: mimalloc is markedly faster than the
// system allocator for that pattern (see the benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tkstep::eval::no_transparent_huge_pages();
    cli::main()
}
