//! The embedding API on slices and `ndarray` arrays:
//! `cargo run --release -p kernelc --example embed`.

use kernelc::Kernel;
use ndarray::Array2;

const SOURCE: &str = r#"
def sum_squares(arr):
    total = 0.0
    for i in range(len(arr)):
        total += arr[i] ** 2
    return total

def loop_dists(ps, qs, out):
    for i in prange(ps.shape[0]):
        d = 0.0
        for j in range(ps.shape[1]):
            d += (ps[i, j] - qs[i, j]) ** 2
        out[i] = d ** 0.5
"#;

fn main() -> Result<(), kernelc::Error> {
    let kernel = Kernel::from_source(SOURCE)?;

    // Slices in, a scalar out (compiled on the first call for f64[:], then cached).
    let x: Vec<f64> = (0..1_000_000).map(|i| i as f64 * 1e-6).collect();
    let total = kernel.function("sum_squares")?.call(&[(&x).into()])?;
    println!("sum_squares = {}", total.to_f64().unwrap_or(f64::NAN));

    // ndarray views in, results written into a mutable slice.
    let ps = Array2::from_shape_fn((1000, 100), |(i, j)| (i * 100 + j) as f64);
    let qs = &ps + 2.0;
    let mut out = vec![0.0; 1000];
    kernel.function("loop_dists")?.call(&[
        ps.view().into(),
        qs.view().into(),
        (&mut out).into(),
    ])?;
    println!("dists[0] = {}, dists[999] = {}", out[0], out[999]);
    Ok(())
}
