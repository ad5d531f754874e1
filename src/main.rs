//! The `tkstep` command line: a thin shell over the `tkstep` library.

mod cli;

// Evaluation allocates and frees many small objects: mimalloc is markedly faster than the
// system allocator for that pattern (see the benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_transparent_huge_pages();
    cli::main()
}

/// Ask Linux not to back this process with transparent huge pages (mimalloc asks for them).
///
/// Measured on the 2-core bench machine (`tkstep diff`, corpus env): right after another
/// memory-hungry process (e.g. a go-jsonnet render) has exited, every fresh 2 MiB page costs a
/// synchronous compaction or a host-side fault, and the whole-plan run spends 0.15-0.3 s in the
/// kernel (median wall 0.27 s); with 4 KiB pages it spends ~0.08 s there (median 0.19 s) and
/// peaks ~14 MB lower. On a quiet machine the two are within 5%.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches no memory of ours;
    // a failure (old kernel) only leaves the default in place.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
