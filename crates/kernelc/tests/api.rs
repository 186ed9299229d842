//! The Rust embedding API: arguments from slices, scalars and ndarray views; results;
//! errors; use from several threads.

use kernelc::{eval, eval_into, Arg, Complex64, Error, Kernel, Output, Scalar};

#[test]
fn eval_on_vectors_and_scalars() {
    let x = vec![1.0, 2.0, 3.0];
    let y = vec![4.0, 5.0, 6.0];
    let z = vec![0.5, 0.5, 0.5];
    let r = eval(
        "x + (y**2 + (z*x + 1)*3)",
        &[("x", (&x).into()), ("y", (&y).into()), ("z", (&z).into())],
    )
    .unwrap();
    let want: Vec<f64> = (0..3)
        .map(|i| x[i] + (y[i] * y[i] + (z[i] * x[i] + 1.0) * 3.0))
        .collect();
    assert_eq!(r.into_vec::<f64>().unwrap(), want);
    // scalars and f32 (weak literals keep f32)
    let a = vec![1.5f32, 2.5];
    let r = eval(
        "a * 2.0 + k",
        &[("a", (&a).into()), ("k", Arg::from(1.0f32))],
    )
    .unwrap();
    assert_eq!(r.into_vec::<f32>().unwrap(), vec![4.0f32, 6.0]);
    let r = eval("sum(a) / n", &[("a", (&x).into()), ("n", Arg::from(3i64))]).unwrap();
    assert_eq!(r.to_f64(), Some(2.0));
    // into the caller's buffer
    let mut out = vec![0.0f64; 3];
    eval_into(
        "2*a + 3*b**2",
        &[("a", (&x).into()), ("b", (&y).into())],
        &mut out,
    )
    .unwrap();
    assert_eq!(out, vec![50.0, 79.0, 114.0]);
}

#[test]
fn compile_and_call_by_name() {
    let k = Kernel::from_source(
        "def sum_squares(arr):\n    total = 0.0\n    for i in range(len(arr)):\n        total += arr[i] ** 2\n    return total\n\ndef fill(out, v):\n    for i in range(len(out)):\n        out[i] = v * i\n",
    )
    .unwrap();
    let v: Vec<f64> = (0..10).map(|i| i as f64).collect();
    let r = k
        .function("sum_squares")
        .unwrap()
        .call(&[(&v).into()])
        .unwrap();
    assert_eq!(r.to_f64(), Some(285.0));
    let mut out = vec![0i64; 4];
    let r = k
        .function("fill")
        .unwrap()
        .call(&[(&mut out).into(), 3i64.into()])
        .unwrap();
    assert!(matches!(r, Output::None));
    assert_eq!(out, vec![0, 3, 6, 9]);
}

#[test]
fn shared_slices_are_never_written_and_results_do_not_alias_them() {
    let k = Kernel::from_source("def bump(a):\n    a[0] = 99.0\n    return a\n").unwrap();
    let f = k.function("bump").unwrap();
    let shared = vec![1.0, 2.0];
    let r = f.call(&[(&shared).into()]).unwrap();
    assert_eq!(shared, vec![1.0, 2.0], "a &[T] argument must not change");
    assert_eq!(r.into_vec::<f64>().unwrap(), vec![99.0, 2.0]);
    let mut mine = vec![1.0, 2.0];
    let r = f.call(&[(&mut mine).into()]).unwrap();
    assert_eq!(mine, vec![99.0, 2.0], "a &mut [T] argument is written");
    // The returned array is the caller's, not a view of the borrowed slice.
    mine[1] = -1.0;
    assert_eq!(r.into_vec::<f64>().unwrap(), vec![99.0, 2.0]);
}

#[test]
fn ndarray_views_in_and_out() {
    use ndarray::{array, Array2};
    let m: Array2<f64> = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
    let k = Kernel::from_source(
        "def rowsums(m):\n    return sum(m, axis=1)\n\ndef double(m):\n    return m * 2.0\n",
    )
    .unwrap();
    let r = k
        .function("rowsums")
        .unwrap()
        .call(&[m.view().into()])
        .unwrap();
    assert_eq!(r.into_vec::<f64>().unwrap(), vec![6.0, 15.0]);
    // a transposed (non-contiguous) view
    let r = k
        .function("rowsums")
        .unwrap()
        .call(&[m.t().into()])
        .unwrap();
    assert_eq!(r.into_vec::<f64>().unwrap(), vec![5.0, 7.0, 9.0]);
    // a reversed view (negative strides)
    let rev = m.slice(ndarray::s![.., ..;-1]);
    let r = k.function("double").unwrap().call(&[rev.into()]).unwrap();
    let nd = r.into_ndarray::<f64>().unwrap();
    assert_eq!(nd, array![[6.0, 4.0, 2.0], [12.0, 10.0, 8.0]].into_dyn());
    // writing through a mutable view
    let mut w = Array2::<f64>::zeros((2, 2));
    let fill = Kernel::from_source("def f(a):\n    a[1, 0] = 7.0\n").unwrap();
    fill.function("f")
        .unwrap()
        .call(&[w.view_mut().into()])
        .unwrap();
    assert_eq!(w, array![[0.0, 0.0], [7.0, 0.0]]);
}

#[test]
fn errors_are_std_errors_with_positions() {
    fn is_error<E: std::error::Error>(_: &E) {}
    let e = Kernel::from_source("def f(:\n    pass\n")
        .err()
        .expect("syntax error");
    is_error(&e);
    assert!(e.to_string().contains("<source>:1:7"), "{e}");
    let k = Kernel::from_source("def f(a):\n    return a[3]\n").unwrap();
    let v = vec![1.0];
    let e = k.function("f").unwrap().call(&[(&v).into()]).unwrap_err();
    is_error(&e);
    match &e {
        Error::Runtime(r) => assert_eq!(r.position(), (2, 14)),
        other => panic!("expected a runtime error, got {other}"),
    }
    assert!(e
        .to_string()
        .contains("index 3 is out of bounds for axis 0 with size 1"));
    let e = eval("x +", &[]).unwrap_err();
    assert!(matches!(e, Error::Compile(_)), "{e}");
}

#[test]
fn one_kernel_from_several_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Kernel>();
    let k = Kernel::from_source("def total(a):\n    s = 0.0\n    for i in prange(len(a)):\n        s += a[i]\n    return s\n").unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let k = &k;
            s.spawn(move || {
                let v: Vec<f64> = (0..1000).map(|i| (i * t) as f64).collect();
                let r = k.function("total").unwrap().call(&[(&v).into()]).unwrap();
                assert_eq!(r.scalar(), Some(Scalar::F64(499500.0 * t as f64)));
            });
        }
    });
}

#[test]
fn annotated_parameters_widen_scalar_arguments() {
    let k = Kernel::from_source("def half(x: f64) -> f64:\n    return x / 2\n").unwrap();
    let r = k.function("half").unwrap().call(&[3i64.into()]).unwrap();
    assert_eq!(r.to_f64(), Some(1.5));
}

#[test]
fn complex_arrays_in_and_out() {
    let k = Kernel::from_source(
        "import numpy as np\n\ndef rotate(z, w):\n    return z * w + np.conj(z)\n\ndef total(z):\n    return np.sum(z * z)\n\ndef scale(z, k):\n    z[:] = z * k\n",
    )
    .unwrap();
    let z = vec![Complex64::new(1.0, 2.0), Complex64::new(0.0, -1.0)];
    let w = Complex64::new(0.0, 1.0);
    let r = k
        .function("rotate")
        .unwrap()
        .call(&[(&z).into(), w.into()])
        .unwrap();
    // (1+2j)*1j + (1-2j) = -1-1j; (-1j)*1j + 1j = 1+1j
    assert_eq!(
        r.into_vec::<Complex64>().unwrap(),
        vec![Complex64::new(-1.0, -1.0), Complex64::new(1.0, 1.0)]
    );
    // (1+2j)**2 + (-1j)**2 = (-3+4j) + (-1) = -4+4j
    let s = k.function("total").unwrap().call(&[(&z).into()]).unwrap();
    assert_eq!(s.scalar(), Some(Scalar::C128(Complex64::new(-4.0, 4.0))));
    // A write through the view `z.real` of a shared (read-only) argument leaves the
    // caller's slice alone, as writes through other views do.
    let v = Kernel::from_source("def bump(z):\n    b = z.real\n    b[0] = 5.0\n    return z\n")
        .unwrap();
    let r = v.function("bump").unwrap().call(&[(&z).into()]).unwrap();
    assert_eq!(z[0], Complex64::new(1.0, 2.0));
    assert_eq!(
        r.into_vec::<Complex64>().unwrap()[0],
        Complex64::new(5.0, 2.0)
    );
    let mut m = z.clone();
    k.function("scale")
        .unwrap()
        .call(&[(&mut m).into(), Arg::from(2.0)])
        .unwrap();
    assert_eq!(m, vec![Complex64::new(2.0, 4.0), Complex64::new(0.0, -2.0)]);
}
