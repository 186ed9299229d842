//! Native code: the signature cache, memory behaviour, and the CLIF listing.

use expect_test::expect;
use kernelc::{Array, Dispatcher, Executor, Listing, Scalar, Source, Value};

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

const SUM_SQUARES: &str = "def sum_squares(arr):\n    total = 0.0\n    for i in range(len(arr)):\n        total += arr[i] ** 2\n    return total\n";

#[test]
fn one_compile_per_signature() {
    let d = Dispatcher::new("k.k", SUM_SQUARES).unwrap();
    let f64s = Value::Array(Array::from_vec(vec![1.0f64, 2.0, 3.0], &[3]));
    let f32s = Value::Array(Array::from_vec(vec![1.5f32, 2.0], &[2]));
    for _ in 0..3 {
        let r = d.call("sum_squares", std::slice::from_ref(&f64s)).unwrap();
        assert_eq!(r.as_scalar(), Some(Scalar::F64(14.0)));
    }
    assert_eq!(d.cached(), 1);
    let r = d.call("sum_squares", &[f32s]).unwrap();
    assert_eq!(r.as_scalar(), Some(Scalar::F64(6.25)));
    assert_eq!(d.cached(), 2);
    // A runtime error comes back as a value with its position.
    let bad = Dispatcher::new("b.k", "def f(a):\n    return a[5]\n").unwrap();
    let e = bad.call("f", &[f64s]).unwrap_err();
    assert!(
        e.to_string()
            .contains("index 5 is out of bounds for axis 0 with size 3"),
        "{e}"
    );
    assert!(e.to_string().contains("b.k:2:14"), "{e}");
}

#[test]
fn compiling_and_dropping_many_kernels_keeps_memory_flat() {
    let src = Source::new("k.k", SUM_SQUARES);
    let module = kernelc::parse(&src).unwrap();
    let sig = [kernelc::Type::Array(kernelc_sema_array_f64())];
    let program = kernelc::compile(&src, &module, "sum_squares", &sig).unwrap();
    let arg = Value::Array(Array::from_vec(vec![3.0f64; 16], &[16]));
    let n = 100_000;
    let mut at_10k = 0;
    for k in 0..n {
        let jit = kernelc::compile_native(&src, program.clone(), Listing::None).unwrap();
        let mut rng = Default::default();
        let r = jit
            .call(
                0,
                std::slice::from_ref(&arg),
                &mut std::io::sink(),
                &mut rng,
            )
            .unwrap();
        assert_eq!(r.as_scalar(), Some(Scalar::F64(144.0)));
        if k == 10_000 {
            at_10k = rss_kb();
        }
    }
    let end = rss_kb();
    assert!(
        end < at_10k + 16 * 1024,
        "memory grew from {at_10k} KB to {end} KB"
    );
}

fn kernelc_sema_array_f64() -> kernelc::ArrayType {
    kernelc::ArrayType {
        dtype: kernelc::DType::F64,
        ndim: 1,
    }
}

#[test]
fn temporaries_in_a_million_iterations_are_released() {
    let src = "def main():\n    s = 0.0\n    for i in range(1_000_000):\n        t = zeros(100) + 1.0\n        s += t[i % 100]\n    print(s)\n";
    let before = rss_kb();
    let mut out = Vec::new();
    kernelc::run_source_with("t.k", src, "main", Executor::Jit, &mut out).unwrap();
    let after = rss_kb();
    assert_eq!(String::from_utf8(out).unwrap(), "1000000.0\n");
    // A leak would hold 1M arrays of 800 bytes (800 MB).
    assert!(
        after < before + 64 * 1024,
        "memory grew from {before} KB to {after} KB"
    );
}

#[test]
fn returned_arrays_belong_to_the_caller() {
    let d = Dispatcher::new("k.k", "def twice(a):\n    b = a * 2.0\n    return b\n").unwrap();
    let a = Value::Array(Array::from_vec(vec![1.0f64, 2.0], &[2]));
    let r = d.call("twice", &[a]).unwrap();
    let Value::Array(r) = r else {
        panic!("not an array")
    };
    assert_eq!(r.to_vec::<f64>(), vec![2.0, 4.0]);
}

/// Addresses of runtime helpers change from run to run: mask them.
fn mask(s: &str) -> String {
    let mut out = String::new();
    for tok in s.split_inclusive(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')') {
        let t =
            tok.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')');
        if t.starts_with("0x") && t.len() > 12 {
            out.push_str(&tok.replacen(t, "0xADDR", 1));
        } else {
            out.push_str(tok);
        }
    }
    out
}

#[test]
fn clif_listing_of_a_scalar_loop() {
    let src = Source::new("k.k", "def f(n: i64) -> i64:\n    s = 0\n    for i in range(n):\n        s += i * i\n    return s\n");
    let module = kernelc::parse(&src).unwrap();
    let program = kernelc::compile(
        &src,
        &module,
        "f",
        &[kernelc::Type::Scalar(kernelc::DType::I64)],
    )
    .unwrap();
    let jit = kernelc::compile_native(&src, program, Listing::Clif).unwrap();
    let mut rng = Default::default();
    let r = jit
        .call(
            0,
            &[Value::Scalar(Scalar::I64(10))],
            &mut std::io::sink(),
            &mut rng,
        )
        .unwrap();
    assert_eq!(r.as_scalar(), Some(Scalar::I64(285)));
    expect![[r#"
        ; f (#0)
        function u0:0(i64, i64) -> i64 system_v {
            sig0 = (i64, i64, i64) system_v

        block0(v0: i64, v1: i64):
            v2 = load.i64 notrap aligned v0+16
            v3 = iconst.i8 0
            v4 = iconst.i64 0
            v5 = iconst.i8 0
            v6 = iconst.i64 0
            v7 = iconst.i64 0
            v8 = iconst.i8 1
            v9 = iconst.i64 0
            v10 = iconst.i64 1
            v11 = icmp slt v9, v1  ; v9 = 0
            brif v11, block1(v9, v7), block3(v7)  ; v9 = 0, v7 = 0, v7 = 0

        block1(v12: i64, v18: i64):
            v13 = iconst.i8 1
            v14 = load.i8 notrap aligned v2
            brif v14, block4, block5

        block4 cold:
            v15 = iconst.i64 9
            v16 = iconst.i64 0xADDR
            v17 = iconst.i64 0xADDR
            call_indirect sig0, v17(v0, v15, v16)  ; v17 = 0xADDR, v15 = 9, v16 = 0xADDR
            jump block6

        block5:
            v19 = imul.i64 v12, v12
            v20 = iadd.i64 v18, v19
            v21 = iconst.i8 1
            jump block2

        block2:
            v22 = iadd.i64 v12, v10  ; v10 = 1
            v23 = icmp slt v22, v1
            brif v23, block1(v22, v20), block3(v20)

        block3(v24: i64):
            return v24

        block7:
            v25 = iconst.i64 0
            return v25  ; v25 = 0

        block6 cold:
            v26 = iconst.i64 0
            return v26  ; v26 = 0
        }
    "#]]
    .assert_eq(&mask(&jit.listing.join("\n")));
}
