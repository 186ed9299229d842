//! numexpr-style evaluation: `cargo run --release -p kernelc --example expression`.

fn main() -> Result<(), kernelc::Error> {
    let n = 1_000_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
    let y: Vec<f64> = x.iter().map(|v| v * 2.0).collect();
    let z: Vec<f64> = x.iter().map(|v| 1.0 - v).collect();

    // Compiled once for (expression, f64[:] x 3), fused into one loop, cached.
    let r = kernelc::eval(
        "x + (y**2 + (z*x + 1)*3)",
        &[("x", (&x).into()), ("y", (&y).into()), ("z", (&z).into())],
    )?;
    let r = r.into_vec::<f64>().unwrap_or_default();
    println!("r[0] = {}, r[n-1] = {}", r[0], r[n - 1]);

    // Into an existing buffer, with a scalar.
    let mut out = vec![0.0; n];
    kernelc::eval_into(
        "2*a + k*b**2",
        &[("a", (&x).into()), ("b", (&y).into()), ("k", 3.0.into())],
        &mut out,
    )?;
    println!("out[1] = {}", out[1]);
    Ok(())
}
