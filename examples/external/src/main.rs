fn main() -> Result<(), kernelc::Error> {
    let (x, y, z) = (vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0], vec![0.5, 0.5, 0.5]);
    let r = kernelc::eval("x + (y**2 + (z*x + 1)*3)", &[("x", (&x).into()), ("y", (&y).into()), ("z", (&z).into())])?;
    let k = kernelc::Kernel::from_source("def sum_squares(a):\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i] ** 2\n    return s\n")?;
    let s = k.function("sum_squares")?.call(&[(&x).into()])?;
    println!("{:?} {:?}", r.into_vec::<f64>().unwrap_or_default(), s.to_f64());
    Ok(())
}
