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
            sig0 = (i64, i64, i64, i64) system_v
            sig1 = (i64, i64, i64, i64) system_v
            sig2 = (i64, i64, i64, i64) system_v
            sig3 = (i64, i64, i64, i64) system_v

        block0(v0: i64, v1: i64):
            v2 = iconst.i8 0
            v3 = iconst.i64 0
            v4 = iconst.i8 0
            v5 = iconst.i64 0
            v6 = iconst.i64 0
            v7 = iconst.i8 1
            v8 = iconst.i64 0
            v9 = iconst.i64 1
            v10 = icmp slt v8, v1  ; v8 = 0
            brif v10, block2(v8, v6, v7), block4(v6, v7)  ; v8 = 0, v6 = 0, v7 = 1, v6 = 0, v7 = 1

        block2(v11: i64, v13: i64, v14: i8):
            v12 = iconst.i8 1
            v15 = iconst.i8 0
            v16 = icmp eq v14, v15  ; v15 = 0
            brif v16, block5, block6

        block5:
            v17 = iconst.i64 0
            v18 = iconst.i64 1
            v19 = iconst.i64 0xADDR
            v20 = iconst.i64 0xADDR
            call_indirect sig0, v20(v0, v17, v18, v19)  ; v20 = 0xADDR, v17 = 0, v18 = 1, v19 = 0xADDR
            jump block1

        block6:
            v21 = iconst.i8 0
            v22 = icmp.i8 eq v12, v21  ; v12 = 1, v21 = 0
            brif v22, block7, block8

        block7:
            v23 = iconst.i64 0
            v24 = iconst.i64 2
            v25 = iconst.i64 0xADDR
            v26 = iconst.i64 0xADDR
            call_indirect sig1, v26(v0, v23, v24, v25)  ; v26 = 0xADDR, v23 = 0, v24 = 2, v25 = 0xADDR
            jump block1

        block8:
            v27 = iconst.i8 0
            v28 = icmp.i8 eq v12, v27  ; v12 = 1, v27 = 0
            brif v28, block9, block10

        block9:
            v29 = iconst.i64 0
            v30 = iconst.i64 2
            v31 = iconst.i64 0xADDR
            v32 = iconst.i64 0xADDR
            call_indirect sig2, v32(v0, v29, v30, v31)  ; v32 = 0xADDR, v29 = 0, v30 = 2, v31 = 0xADDR
            jump block1

        block10:
            v33 = imul.i64 v11, v11
            v34 = iadd.i64 v13, v33
            v35 = iconst.i8 1
            jump block3

        block3:
            v36, v37 = sadd_overflow.i64 v11, v9  ; v9 = 1
            v38 = icmp slt v36, v1
            v39 = iconst.i8 0
            v40 = icmp eq v37, v39  ; v39 = 0
            v41 = band v38, v40
            brif v41, block2(v36, v34, v35), block4(v34, v35)  ; v35 = 1, v35 = 1

        block4(v42: i64, v43: i8):
            v44 = iconst.i8 0
            v45 = icmp eq v43, v44  ; v44 = 0
            brif v45, block11, block12

        block11:
            v46 = iconst.i64 0
            v47 = iconst.i64 1
            v48 = iconst.i64 0xADDR
            v49 = iconst.i64 0xADDR
            call_indirect sig3, v49(v0, v46, v47, v48)  ; v49 = 0xADDR, v46 = 0, v47 = 1, v48 = 0xADDR
            jump block1

        block12:
            return v42

        block13:
            v50 = iconst.i64 0
            return v50  ; v50 = 0

        block1:
            v51 = iconst.i64 0
            return v51  ; v51 = 0
        }
    "#]].assert_eq(&mask(&jit.listing.join("\n")));
}
