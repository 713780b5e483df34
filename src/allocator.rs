//! The global allocator: mimalloc, called without its aligned-allocation
//! entry points when the alignment asked for is one every mimalloc block
//! already has.
//!
//! Extraction makes and drops many small allocations per file on every
//! thread; mimalloc's per-thread free lists handle that faster than glibc's
//! arenas, and return freed batches' memory with less fragmentation. The
//! `mimalloc` crate's allocator sends every request through
//! `mi_malloc_aligned`, whose alignment checks cost about 1% of a large
//! run; nearly every Rust allocation asks for 8 bytes or less.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as ffi;

/// Every mimalloc block is aligned to at least a pointer's size (mimalloc's
/// own realloc relies on it).
const NATURAL_ALIGN: usize = std::mem::size_of::<usize>();

pub struct Allocator;

// SAFETY: each method forwards to the mimalloc function with the contract
// `GlobalAlloc` asks for: the unaligned ones only when the layout's
// alignment is at most the alignment every mimalloc block has, the aligned
// ones otherwise. mimalloc's `mi_free` takes any block either kind returned.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= NATURAL_ALIGN {
                ffi::mi_malloc(layout.size()).cast()
            } else {
                ffi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= NATURAL_ALIGN {
                ffi::mi_zalloc(layout.size()).cast()
            } else {
                ffi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract).
        unsafe { ffi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout` (the
        // caller's contract); the alignment is kept as above.
        unsafe {
            if layout.align() <= NATURAL_ALIGN {
                ffi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                ffi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    // The binary's tests run with this allocator as the global one.

    #[repr(align(64))]
    #[derive(Clone, Copy)]
    struct Wide(#[allow(dead_code)] u8);

    #[test]
    fn every_alignment_is_honoured_through_growth() {
        let mut small: Vec<u8> = Vec::new();
        let mut wide: Vec<Wide> = Vec::new();
        for i in 0..4096 {
            small.push(i as u8);
            wide.push(Wide(i as u8));
            assert_eq!(small.as_ptr() as usize % std::mem::align_of::<u8>(), 0);
            assert_eq!(wide.as_ptr() as usize % 64, 0);
        }
        let words: Box<[u64]> = vec![7u64; 3].into_boxed_slice();
        assert_eq!(words.as_ptr() as usize % 8, 0);
        // `vec![0; n]` allocates through `alloc_zeroed`.
        let zeroed = vec![0u128; std::hint::black_box(5)];
        assert_eq!(zeroed.as_ptr() as usize % std::mem::align_of::<u128>(), 0);
        assert!(zeroed.iter().all(|&x| x == 0));
    }
}
