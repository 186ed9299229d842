//! Structure-aware: the first 8 bytes seed kernelc-fuzz's generator of well-typed kernels;
//! the interpreter and the JIT must agree (same output, same error at the same position).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut seed = [0u8; 8];
    for (d, s) in seed.iter_mut().zip(data) {
        *d = *s;
    }
    if let Err(report) = kernelc_fuzz::differential(u64::from_le_bytes(seed)) {
        panic!("interpreter and JIT disagree:\n{report}");
    }
});
