//! Runs `main()` of a `.k` file through the interpreter (manual testing).
fn main() {
    let path = std::env::args().nth(1).expect("usage: runfile FILE.k");
    let src = std::fs::read_to_string(&path).unwrap();
    let (m, d) = kernelc_syntax::parse_module(&src);
    if !d.is_empty() {
        eprintln!("parse errors: {d:?}");
        return;
    }
    let p = match kernelc_sema::compile(&m, "main", &[]) {
        Ok(p) => p,
        Err(d) => {
            eprintln!("compile errors: {d:?}");
            return;
        }
    };
    let mut out = std::io::stdout();
    let t = std::time::Instant::now();
    let r = kernelc_interp::Interpreter::new(&p, &mut out).call(p.entry, vec![]);
    if let Err(e) = r {
        eprintln!(
            "error: {} at {:?}",
            e.message,
            &src[e.start as usize..e.end as usize]
        );
    }
    eprintln!("time {:?}", t.elapsed());
}
