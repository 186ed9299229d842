//! Snapshots of the loop-nest form (`kernelc ir --stage loops`) per nest kind, and the
//! verifier over each.

use expect_test::{expect, Expect};
use kernelc_runtime::DType;
use kernelc_sema::tir::{ArrayType, Type};

fn planned(src: &str, args: &[Type]) -> kernelc_loops::PlannedProgram {
    let (module, diags) = kernelc_syntax::parse_module(src);
    assert!(diags.is_empty(), "{diags:?}");
    let program = kernelc_sema::compile(&module, "f", args).expect("compiles");
    let p = kernelc_loops::plan_program(&program);
    for f in &p.funcs {
        let errs = kernelc_loops::verify(f);
        assert!(errs.is_empty(), "{errs:?}");
    }
    p
}

fn check(src: &str, args: &[Type], expect: Expect) {
    expect.assert_eq(&kernelc_loops::print_program(&planned(src, args)));
}

fn f64s(ndim: u8) -> Type {
    Type::Array(ArrayType {
        dtype: DType::F64,
        ndim,
    })
}

#[test]
fn element_wise_tree_with_broadcast_and_scalar() {
    check(
        "def f(x, y):\n    return 2.0 * x + sqrt(y) - x.shape[0]\n",
        &[f64s(2), f64s(1)],
        expect![[r#"
            fn #0 f(x: f64[:, :], y: f64[:]) -> f64[:, :]:
                locals $n2: f64
                $n2 = f64(x.shape[0])
                return nest #0
              nest #0: rank 2 -> new f64[rank 2]
                in0 = x: f64 rank 2
                in1 = y: f64 rank 1
                shape in0 in1 broadcast/2
                elem Sub:f64(Add:f64(Mul:f64(2.0, in0), sqrt:f64(in1)), $n2)
        "#]],
    );
}

#[test]
fn strided_views_and_calls_inside() {
    check(
        "def g(a):\n    return a * 2.0\n\ndef f(u, v):\n    return u[::2] + g(v)[1:]\n",
        &[f64s(1), f64s(1)],
        expect![[r#"
            fn #0 f(u: f64[:], v: f64[:]) -> f64[:]:
                locals $n2: f64[:], $n3: f64[:], $n4: f64[:]
                $n3 = u[::2]
                $n2 = call #1(v)
                $n4 = $n2[1:]
                return nest #0
              nest #0: rank 1 -> new f64[rank 1]
                in0 = $n3: f64 rank 1
                in1 = $n4: f64 rank 1
                shape in0 in1 broadcast/2
                elem Add:f64(in0, in1)
            fn #1 g(a: f64[:]) -> f64[:]:
                return nest #0
              nest #0: rank 1 -> new f64[rank 1]
                in0 = a: f64 rank 1
                shape in0 () broadcast/2
                elem Mul:f64(in0, 2.0)
        "#]],
    );
}

#[test]
fn reductions() {
    check(
        "def f(ps, qs, a):\n    d = sqrt(sum((ps - qs)**2, axis=1))\n    return sum(a**2) + dot(a, a) + max(a) + mean(d) + sum(ps)\n",
        &[f64s(2), f64s(2), f64s(1)],
        expect![[r#"
            fn #0 f(ps: f64[:, :], qs: f64[:, :], a: f64[:]) -> f64:
                locals d: f64[:], $n4: f64[:], $n5: f64[:, :]
                $n4 = nest #0
                d = nest #1
                return ((((nest #2 + nest #3 : f64) + nest #4 : f64) + nest #5 : f64) + nest #8 : f64)
              nest #0: rank 2 -> sum axis 1 pairwise
                in0 = ps: f64 rank 2
                in1 = qs: f64 rank 2
                shape in0 in1 broadcast/2
                elem powi2:f64(Sub:f64(in0, in1))
              nest #1: rank 1 -> new f64[rank 1]
                in0 = $n4: f64 rank 1
                shape in0 broadcast/1
                elem sqrt:f64(in0)
              nest #2: rank 1 -> sum pairwise
                in0 = a: f64 rank 1
                shape in0 broadcast/1
                elem powi2:f64(in0)
              nest #3: rank 1 -> sum pairwise
                in0 = a: f64 rank 1
                in1 = a: f64 rank 1
                shape in0 in1 aligned
                elem Mul:f64(in0, in1)
              nest #4: rank 1 -> max
                in0 = a: f64 rank 1
                shape in0
                elem in0
              nest #5: rank 1 -> mean pairwise
                in0 = d: f64 rank 1
                shape in0
                elem in0
              nest #6: rank 2 -> new f64[rank 2]
                in0 = ps: f64 rank 2
                shape in0
                elem in0
              nest #7: rank 2 -> sum pairwise
                in0 = $n5: f64 rank 2
                shape in0
                elem in0
              nest #8: rank 2 -> sum pairwise, unflattened: #6 then #7
                in0 = ps: f64 rank 2
                shape in0
                elem in0
        "#]],
    );
}

#[test]
fn region_stores() {
    check(
        "def f(u, out):\n    u[1:-1] = u[1:-1] + 0.5 * (u[2:] - u[:-2])\n    out[:] = 0.0\n    out[::2] += u[::2]\n",
        &[f64s(1), f64s(1)],
        expect![[r#"
            fn #0 f(u: f64[:], out: f64[:]) -> None:
                locals $n2: f64[:], $n3: f64[:]
                nest #2
                nest #3
                nest #6
              nest #0: rank 1 -> new f64[rank 1]
                in0 = u[1:-1]: f64 rank 1
                in1 = u[2:]: f64 rank 1
                in2 = u[:-2]: f64 rank 1
                shape in0 in1 in2 broadcast/3
                elem Add:f64(in0, Mul:f64(0.5, Sub:f64(in1, in2)))
              nest #1: rank 1 -> store into in0
                in0 = u[1:-1]: f64 rank 1
                in1 = $n2: f64 rank 1
                shape in1
                elem in1
              nest #2: rank 1 -> store into in0, overlapping: #0 then #1
                in0 = u[1:-1]: f64 rank 1
                in1 = u[1:-1]: f64 rank 1
                in2 = u[2:]: f64 rank 1
                in3 = u[:-2]: f64 rank 1
                shape in1 in2 in3 broadcast/3
                elem Add:f64(in1, Mul:f64(0.5, Sub:f64(in2, in3)))
              nest #3: rank 1 -> store into in0
                in0 = out: f64 rank 1
                elem 0.0
              nest #4: rank 1 -> new f64[rank 1]
                in0 = u[::2]: f64 rank 1
                shape in0
                elem in0
              nest #5: rank 1 -> store into in0 += (f64)
                in0 = out[::2]: f64 rank 1
                in1 = $n3: f64 rank 1
                shape in1
                elem in1
              nest #6: rank 1 -> store into in0 += (f64), overlapping: #4 then #5
                in0 = out[::2]: f64 rank 1
                in1 = u[::2]: f64 rank 1
                shape in1
                elem in1
        "#]],
    );
}

#[test]
fn print_and_while_conditions_run_their_work_first() {
    check(
        "def f(x):\n    while sum(x) > 1.0:\n        x = x * 0.5\n    print(sum(x), x + 1.0)\n",
        &[f64s(1)],
        expect![[r#"
            fn #0 f(x: f64[:]) -> None:
                while (nest #0 > 1.0 : bool):
                    x = nest #1
                print(nest #2, nest #3)
              nest #0: rank 1 -> sum pairwise
                in0 = x: f64 rank 1
                shape in0
                elem in0
              nest #1: rank 1 -> new f64[rank 1]
                in0 = x: f64 rank 1
                shape in0 () broadcast/2
                elem Mul:f64(in0, 0.5)
              nest #2: rank 1 -> sum pairwise
                in0 = x: f64 rank 1
                shape in0
                elem in0
              nest #3: rank 1 -> new f64[rank 1]
                in0 = x: f64 rank 1
                shape in0 () broadcast/2
                elem Add:f64(in0, 1.0)
        "#]],
    );
}
