//! The facade's `.npy` reader (`kernelc::npy`, used by the CLI) on arbitrary bytes: a value or an error, in time linear in the
//! input (the header parser is bounded before `npyz` sees it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kernelc::npy::parse(data);
});
