//! The `tkstep` command line: a thin shell over the `tkstep` library.

mod cli;

use std::alloc::{GlobalAlloc, Layout};

/// mimalloc, ending the process with a one-line error when memory runs out.
///
/// Evaluation allocates and frees many small objects: mimalloc is markedly faster than the
/// system allocator for that pattern (see the benchmarks).
///
/// Rust's own reaction to a failed allocation is to print `memory allocation of N bytes
/// failed` and abort (exit 134, possibly a core dump); the hook that would change that
/// (`std::alloc::set_alloc_error_hook`) is unstable. So a failed allocation ends the process
/// here, with `Error: out of memory …` and exit code 1. No allocation in tkstep expects to
/// recover from failure (none uses `try_reserve`), so nothing is lost by not returning null.
struct Allocator;

#[global_allocator]
static GLOBAL: Allocator = Allocator;

// SAFETY: every call is forwarded to mimalloc unchanged; only a null result (failure) is
// turned into the end of the process instead of being returned.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        or_out_of_memory(unsafe { mimalloc::MiMalloc.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        or_out_of_memory(
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) },
            layout.size(),
        )
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        or_out_of_memory(
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) },
            new_size,
        )
    }
}

/// `ptr`, or the end of the process when it is null (the allocation of `size` bytes failed).
fn or_out_of_memory(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        out_of_memory(size);
    }
    ptr
}

/// Say that memory ran out and exit with 1, without allocating (there is no memory left) and
/// without unwinding (allocation sites cannot unwind).
fn out_of_memory(size: usize) -> ! {
    use std::sync::atomic::{AtomicBool, Ordering};
    static REPORTED: AtomicBool = AtomicBool::new(false);
    if REPORTED.swap(true, Ordering::SeqCst) {
        // Another thread ran out at the same time and is saying so: one line is enough, and
        // its exit ends this thread too.
        loop {
            // SAFETY: waits for a signal; touches no memory.
            unsafe { libc::pause() };
        }
    }
    let mut buf = [0u8; 160];
    let mut len = 0;
    let mut push = |bytes: &[u8]| {
        let n = bytes.len().min(buf.len() - len);
        buf[len..len + n].copy_from_slice(&bytes[..n]);
        len += n;
    };
    push(b"Error: out of memory (an allocation of ");
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = size;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    push(&digits[i..]);
    push(b" bytes failed; is a memory limit such as `ulimit -v` set?)\n");
    // SAFETY: writing a buffer we own to stderr, then ending the process; no Rust state is
    // used after this.
    unsafe {
        libc::write(2, buf.as_ptr().cast(), len);
        libc::_exit(1);
    }
}

fn main() -> std::process::ExitCode {
    tkstep::eval::no_transparent_huge_pages();
    cli::main()
}
