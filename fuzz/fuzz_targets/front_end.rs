//! Lexer + parser + sema on arbitrary bytes: every input ends in a tree or diagnostics
//! (never a panic, hang or abort), for whole files and stand-alone expressions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let src = kernelc::Source::new("fuzz.k", text.as_ref());
    // `check` parses, then type-checks every function; rendering exercises the spans.
    if let Err(e) = kernelc::check(&src) {
        let _ = e.to_string();
    }
    if let Ok(module) = kernelc::parse(&src) {
        if let Err(e) = kernelc::compile(&src, &module, "main", &[]) {
            let _ = e.to_string();
        }
    }
    let _ = kernelc::expression_type(&text, &[]);
});
