//! The CLI's `.npy` reader on arbitrary bytes: a value or an error, in time linear in the
//! input (the header parser is bounded before `npyz` sees it).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/kernelc-cli/src/npy.rs"]
mod npy;

fuzz_target!(|data: &[u8]| {
    let _ = npy::parse(data);
});
