//! Manual timing of a few workloads through the interpreter (not a test).
use kernelc_interp::{Interpreter, Value};
use kernelc_runtime::Array;
use kernelc_runtime::DType;
use kernelc_sema::tir::{ArrayType, Type};
use std::time::Instant;

fn main() {
    let src = "def expr2(a, b):\n    return 2 * a + 3 * b ** 2\n\ndef into(a, b, out):\n    out[:] = 2 * a + 3 * b ** 2\n\ndef ssq(arr):\n    total = 0.0\n    for i in range(len(arr)):\n        total += arr[i] ** 2\n    return total\n\ndef s(a):\n    return sum(a)\n";
    let (m, d) = kernelc_syntax::parse_module(src);
    assert!(d.is_empty());
    let n = 10_000_000;
    let a = Array::from_vec((0..n).map(|i| (i as f64) * 1e-7).collect::<Vec<_>>(), &[n]);
    let b = Array::from_vec(
        (0..n).map(|i| 1.0 - (i as f64) * 1e-7).collect::<Vec<_>>(),
        &[n],
    );
    let t1 = Type::Array(ArrayType {
        dtype: DType::F64,
        ndim: 1,
    });
    let mut out = Vec::new();
    let p = kernelc_sema::compile(&m, "expr2", &[t1, t1]).unwrap();
    let mut it = Interpreter::new(&p, &mut out);
    for _ in 0..5 {
        let t = Instant::now();
        let r = it
            .call(
                p.entry,
                vec![Value::Array(a.clone()), Value::Array(b.clone())],
            )
            .unwrap();
        eprintln!(
            "expr2 10M: {:?} ({:?})",
            t.elapsed(),
            r.as_array().map(|x| x.get(&[5]))
        );
    }
    let mut out = Vec::new();
    let p = kernelc_sema::compile(&m, "into", &[t1, t1, t1]).unwrap();
    let mut it = Interpreter::new(&p, &mut out);
    let o = Array::zeros(DType::F64, &[n]);
    for _ in 0..3 {
        let t = Instant::now();
        it.call(
            p.entry,
            vec![
                Value::Array(a.clone()),
                Value::Array(b.clone()),
                Value::Array(o.clone()),
            ],
        )
        .unwrap();
        eprintln!("into 10M: {:?}", t.elapsed());
    }
    let mut out = Vec::new();
    let p = kernelc_sema::compile(&m, "ssq", &[t1]).unwrap();
    let mut it = Interpreter::new(&p, &mut out);
    let t = Instant::now();
    let r = it.call(p.entry, vec![Value::Array(a.clone())]).unwrap();
    eprintln!("ssq loop 10M: {:?} {:?}", t.elapsed(), r.as_scalar());
    let mut out = Vec::new();
    let p = kernelc_sema::compile(&m, "s", &[t1]).unwrap();
    let mut it = Interpreter::new(&p, &mut out);
    let t = Instant::now();
    let r = it.call(p.entry, vec![Value::Array(a.clone())]).unwrap();
    eprintln!("sum 10M: {:?} {:?}", t.elapsed(), r.as_scalar());
}
