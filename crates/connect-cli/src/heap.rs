//! The allocator of the musl builds: dlmalloc behind the standard library's mutex.
//!
//! musl's own allocator returns pages to the system as soon as a size class empties, so a short
//! command that grows a few buffers maps and unmaps memory dozens of times, each a system call and
//! fresh page faults; dlmalloc keeps what it mapped. dlmalloc's ready-made global allocator locks
//! a pthread mutex around every call, which musl makes cost several times what a futex-based
//! `std::sync::Mutex` costs uncontended (README "Speed"); the heap is the same, only the lock
//! differs. `std::sync::Mutex` never allocates, so it may guard the allocator itself.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::{Mutex, MutexGuard, PoisonError};

use dlmalloc::Dlmalloc;

/// dlmalloc's heap, one call at a time.
pub struct Heap(Mutex<Dlmalloc>);

impl Heap {
    /// An empty heap.
    pub const fn new() -> Heap {
        Heap(Mutex::new(Dlmalloc::new()))
    }

    /// The heap, locked. A panic never happens while it is held (dlmalloc does not panic), and
    /// if one did, the heap's own state would be whole between calls: poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, Dlmalloc> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// SAFETY: each method hands its layout to the matching dlmalloc call, which honours size and
// alignment and takes back only what it gave; the mutex keeps the calls from overlapping.
//
// The methods are never inlined: with fat LTO, the mutex's inline fast paths would otherwise be
// copied to each of the program's thousands of allocation sites (1.3 MB more code).
unsafe impl GlobalAlloc for Heap {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe { self.lock().malloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe { self.lock().calloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this heap with `layout` (the caller's promise).
        unsafe { self.lock().free(ptr, layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this heap with `layout` (the caller's promise).
        unsafe { self.lock().realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}
