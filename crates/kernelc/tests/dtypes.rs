//! The embedding API with the narrow and unsigned integer types: slices and scalars of
//! `u8`, `i16`, `u64`, ... in, arrays of the same types out, through both executors.

use kernelc::{eval, Arg, Kernel, Scalar};

#[test]
fn unsigned_and_narrow_arrays_round_trip() {
    let px: Vec<u8> = vec![0, 100, 200, 250];
    // u8 + weak literal stays u8 and wraps, as NumPy.
    let r = eval("px + 10", &[("px", (&px).into())]).unwrap();
    assert_eq!(r.into_vec::<u8>().unwrap(), vec![10, 110, 210, 4]);
    // u8 with i16 promotes to i16.
    let d: Vec<i16> = vec![-1, -2, -3, -4];
    let r = eval("px * d", &[("px", (&px).into()), ("d", (&d).into())]).unwrap();
    assert_eq!(r.into_vec::<i16>().unwrap(), vec![0, -200, -600, -1000]);
    // NumPy sums unsigned integers in u64.
    let r = eval("sum(px)", &[("px", (&px).into())]).unwrap();
    assert_eq!(r.scalar(), Some(Scalar::U64(550)));
}

#[test]
fn scalar_arguments_of_every_integer_type() {
    let k = Kernel::from_source("def f(a, b):\n    return a // b + a % b\n").unwrap();
    let f = k.function("f").unwrap();
    let cases: Vec<(Arg, Arg, Scalar)> = vec![
        (Arg::from(-7i8), Arg::from(2i8), Scalar::I8(-3)),
        (Arg::from(-7i16), Arg::from(2i16), Scalar::I16(-3)),
        (Arg::from(250u8), Arg::from(7u8), Scalar::U8(40)),
        (Arg::from(65535u16), Arg::from(256u16), Scalar::U16(510)),
        (
            Arg::from(4_000_000_000u32),
            Arg::from(3u32),
            Scalar::U32(1_333_333_334),
        ),
        (
            Arg::from(u64::MAX),
            Arg::from(2u64),
            Scalar::U64(u64::MAX / 2 + 1),
        ),
    ];
    for (a, b, want) in cases {
        assert_eq!(f.call(&[a, b]).unwrap().scalar(), Some(want));
    }
}
