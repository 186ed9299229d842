//! Data in and out of the `kernelc` binary: `--arg NAME=VALUE` (`.npy` files and
//! literals), `--out FILE.npy`, `kernelc eval`, and every bad input with its exact message
//! and exit code (1 for data errors, 2 for usage errors).
//!
//! Fixture files are written (and results read back) with `npyz` on the Rust side, so these
//! tests need nothing but the binary. `numpy_round_trip` additionally checks against NumPy
//! itself and is skipped, with a notice, when `python3 -c "import numpy"` fails.

use npyz::WriterBuilder;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("kernelc-cli-data-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.path(name), bytes).unwrap();
    }

    /// Runs `kernelc ARGS` in this directory: (stdout, stderr, exit code).
    fn kernelc(&self, args: &[&str]) -> (String, String, i32) {
        let out = Command::new(env!("CARGO_BIN_EXE_kernelc"))
            .current_dir(&self.0)
            .args(args)
            .output()
            .expect("cannot start kernelc");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let (out, err, code) = self.kernelc(args);
        assert_eq!(code, 0, "kernelc {args:?} failed:\n{err}");
        out
    }

    /// Runs and expects exit code `code` with exactly `message` on stderr.
    fn fails(&self, args: &[&str], code: i32, message: &str) {
        let (_, err, got) = self.kernelc(args);
        assert_eq!(
            got, code,
            "kernelc {args:?}: wrong exit code; stderr:\n{err}"
        );
        assert_eq!(err, message, "kernelc {args:?}: wrong message");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes an `.npy` file with npyz: dtype `descr`, `shape`, `data` in the given order.
fn write_npy<T: npyz::Serialize + Clone>(
    path: &Path,
    descr: &str,
    shape: &[u64],
    order: npyz::Order,
    data: &[T],
) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = npyz::WriteOptions::<T>::new()
        .dtype(npyz::DType::Plain(descr.parse().unwrap()))
        .shape(shape)
        .order(order)
        .writer(std::io::BufWriter::new(file))
        .begin_nd()
        .unwrap();
    w.extend(data.iter().cloned()).unwrap();
    w.finish().unwrap();
}

fn write_c<T: npyz::Serialize + Clone>(path: &Path, descr: &str, shape: &[u64], data: &[T]) {
    write_npy(path, descr, shape, npyz::Order::C, data)
}

/// A version 1.0 `.npy` file with a hand-written header dict and raw data bytes.
fn raw_npy(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut text = dict.to_string();
    while !(10 + text.len() + 1).is_multiple_of(64) {
        text.push(' ');
    }
    text.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((text.len() as u16).to_le_bytes());
    bytes.extend(text.as_bytes());
    bytes.extend(data);
    bytes
}

/// A result file read back: dtype string, shape, order and the elements.
struct Loaded<T> {
    descr: String,
    shape: Vec<u64>,
    fortran: bool,
    data: Vec<T>,
}

fn read_npy<T: npyz::Deserialize>(path: &Path) -> Loaded<T> {
    let bytes = std::fs::read(path).unwrap();
    let file = npyz::NpyFile::new(&bytes[..]).unwrap();
    let descr = file.dtype().descr();
    let shape = file.shape().to_vec();
    let fortran = file.order() == npyz::Order::Fortran;
    let data = file.into_vec::<T>().unwrap();
    Loaded {
        descr,
        shape,
        fortran,
        data,
    }
}

const KERNELS: &str = "\
def same(a):
    return a

def scale(a, n, x):
    print('n is', n)
    return a * x + n

def checksum(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            s = s * 10.0 + m[i, j]
    return s

def show(v):
    print(v)

def typed(n: i32, x: f32, y: f64):
    return n * x + y

def flags(a, b):
    return a & b

def main():
    print('main')
";

/// The executors: native code and the reference interpreter.
const EXECUTORS: &[&[&str]] = &[&[], &["--interp"]];

fn run_args<'a>(entry: &'a str, rest: &[&'a str], exec: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["run", "k.k", "--entry", entry];
    v.extend_from_slice(rest);
    v.extend_from_slice(exec);
    v
}

#[test]
fn every_dtype_round_trips_through_a_kernel() {
    let s = Scratch::new("dtypes");
    s.write("k.k", KERNELS);
    let b = [true, false, false, true, true, false];
    let i4 = [i32::MIN, -1, 0, 1, 7, i32::MAX];
    let i8 = [i64::MIN, -1, 0, 1, 1 << 40, i64::MAX];
    let f4 = [
        f32::NAN,
        -0.0,
        f32::INFINITY,
        f32::MIN_POSITIVE / 4.0,
        1.5,
        -3.25e30,
    ];
    let f8 = [f64::NAN, -0.0, f64::NEG_INFINITY, 5e-324, 0.1, 1e300];
    let shape = [2u64, 3];
    write_c(&s.path("b.npy"), "|b1", &shape, &b);
    write_c(&s.path("i4.npy"), "<i4", &shape, &i4);
    write_c(&s.path("i8.npy"), "<i8", &shape, &i8);
    write_c(&s.path("f4.npy"), "<f4", &shape, &f4);
    write_c(&s.path("f8.npy"), "<f8", &shape, &f8);
    for exec in EXECUTORS {
        for name in ["b", "i4", "i8", "f4", "f8"] {
            let input = format!("a={name}.npy");
            let out = format!("r_{name}.npy");
            s.ok(&run_args("same", &["--arg", &input, "--out", &out], exec));
        }
        let r = read_npy::<bool>(&s.path("r_b.npy"));
        assert_eq!(
            (r.descr.as_str(), &r.shape[..], r.fortran),
            ("'|b1'", &shape[..], false)
        );
        assert_eq!(r.data, b);
        let r = read_npy::<i32>(&s.path("r_i4.npy"));
        assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<i4'", &shape[..]));
        assert_eq!(r.data, i4);
        let r = read_npy::<i64>(&s.path("r_i8.npy"));
        assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<i8'", &shape[..]));
        assert_eq!(r.data, i8);
        let r = read_npy::<f32>(&s.path("r_f4.npy"));
        assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<f4'", &shape[..]));
        let bits: Vec<u32> = r.data.iter().map(|x| x.to_bits()).collect();
        assert_eq!(bits, f4.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        let r = read_npy::<f64>(&s.path("r_f8.npy"));
        assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<f8'", &shape[..]));
        let bits: Vec<u64> = r.data.iter().map(|x| x.to_bits()).collect();
        assert_eq!(bits, f8.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }
}

#[test]
fn fortran_order_is_read_with_the_right_shape() {
    let s = Scratch::new("fortran");
    s.write("k.k", KERNELS);
    // m = [[0, 1, 2], [3, 4, 5]] stored column by column.
    write_npy(
        &s.path("m.npy"),
        "<f8",
        &[2, 3],
        npyz::Order::Fortran,
        &[0.0f64, 3.0, 1.0, 4.0, 2.0, 5.0],
    );
    // A 3-d int32 array t[i, j, k] = 100 i + 10 j + k, shape (2, 3, 4), Fortran order.
    let mut t = Vec::new();
    for k in 0..4 {
        for j in 0..3 {
            for i in 0..2 {
                t.push(100 * i + 10 * j + k);
            }
        }
    }
    write_npy(
        &s.path("t.npy"),
        "<i4",
        &[2, 3, 4],
        npyz::Order::Fortran,
        &t,
    );
    for exec in EXECUTORS {
        let out = s.ok(&run_args("checksum", &["--arg", "m=m.npy"], exec));
        assert_eq!(out, "12345.0\n");
        s.ok(&run_args(
            "same",
            &["--arg", "a=m.npy", "--out", "r.npy"],
            exec,
        ));
        let r = read_npy::<f64>(&s.path("r.npy"));
        assert_eq!((&r.shape[..], r.fortran), (&[2u64, 3][..], false));
        assert_eq!(r.data, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        s.ok(&run_args(
            "same",
            &["--arg", "a=t.npy", "--out", "r3.npy"],
            exec,
        ));
        let r = read_npy::<i32>(&s.path("r3.npy"));
        assert_eq!(r.shape, [2, 3, 4]);
        let c_order: Vec<i32> = (0..2)
            .flat_map(|i| (0..3).flat_map(move |j| (0..4).map(move |k| 100 * i + 10 * j + k)))
            .collect();
        assert_eq!(r.data, c_order);
    }
}

#[test]
fn literals_scalars_and_printed_results() {
    let s = Scratch::new("literals");
    s.write("k.k", KERNELS);
    write_c(&s.path("a.npy"), "<f8", &[3], &[1.0f64, 2.0, 3.0]);
    for exec in EXECUTORS {
        // The kernel's prints come first, then the result, NumPy style.
        let out = s.ok(&run_args(
            "scale",
            &["--arg", "a=a.npy", "--arg", "n=100", "--arg", "x=2.5"],
            exec,
        ));
        assert_eq!(out, "n is 100\n[102.5 105.  107.5]\n");
        // Arguments bind by name, in any order.
        let out = s.ok(&run_args(
            "scale",
            &["--arg", "x=1e-3", "--arg", "n=-2", "--arg", "a=a.npy"],
            exec,
        ));
        assert_eq!(out, "n is -2\n[-1.999 -1.998 -1.997]\n");
        for (v, printed) in [
            ("True", "True"),
            ("False", "False"),
            ("nan", "nan"),
            ("inf", "inf"),
            ("-inf", "-inf"),
            ("1_000", "1000"),
            ("2.5", "2.5"),
        ] {
            let arg = format!("v={v}");
            let out = s.ok(&run_args("show", &["--arg", &arg], exec));
            assert_eq!(out, format!("{printed}\n"), "--arg {arg}");
        }
        // Literals take the scalar type a parameter is annotated with.
        s.ok(&run_args(
            "typed",
            &[
                "--arg", "n=3", "--arg", "x=0.1", "--arg", "y=2", "--out", "t.npy",
            ],
            exec,
        ));
        let r = read_npy::<f64>(&s.path("t.npy"));
        assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<f8'", &[][..]));
        // i32 with f32 promotes to f64 (NumPy 2).
        assert_eq!(r.data, [3.0 * (0.1f32 as f64) + 2.0]);
    }
}

#[test]
fn zero_d_files_are_scalars_and_scalar_results_are_zero_d() {
    let s = Scratch::new("zerod");
    s.write("k.k", KERNELS);
    write_c(&s.path("x.npy"), "<i4", &[], &[42i32]);
    write_c(&s.path("p.npy"), "|b1", &[], &[true]);
    write_c(&s.path("q.npy"), "|b1", &[2], &[true, false]);
    for exec in EXECUTORS {
        assert_eq!(s.ok(&run_args("show", &["--arg", "v=x.npy"], exec)), "42\n");
        s.ok(&run_args(
            "same",
            &["--arg", "a=x.npy", "--out", "r.npy"],
            exec,
        ));
        let r = read_npy::<i32>(&s.path("r.npy"));
        assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<i4'", &[][..]));
        assert_eq!(r.data, [42]);
        // A 0-d bool combined with a 1-d bool array.
        let out = s.ok(&run_args(
            "flags",
            &["--arg", "a=p.npy", "--arg", "b=q.npy"],
            exec,
        ));
        assert_eq!(out, "[ True False]\n");
    }
}

#[test]
fn eval_with_arrays_and_scalars() {
    let s = Scratch::new("eval");
    write_c(&s.path("a.npy"), "<f8", &[4], &[0.0f64, 1.0, 2.0, 3.0]);
    write_c(&s.path("b.npy"), "<i4", &[4], &[1i32, 2, 3, 4]);
    let out = s.ok(&[
        "eval",
        "2*a + 3*b**2",
        "--arg",
        "a=a.npy",
        "--arg",
        "b=b.npy",
    ]);
    assert_eq!(out, "[ 3. 14. 31. 54.]\n");
    assert_eq!(s.ok(&["eval", "2*a + 1", "--arg", "a=2"]), "5\n");
    assert_eq!(
        s.ok(&["eval", "a / b", "--arg", "a=1", "--arg", "b=4"]),
        "0.25\n"
    );
    assert_eq!(s.ok(&["eval", "-a", "--arg", "a=b.npy"]), "[-1 -2 -3 -4]\n");
    s.ok(&[
        "eval", "a * x", "--arg", "a=a.npy", "--arg", "x=0.5", "--out", "r.npy",
    ]);
    let r = read_npy::<f64>(&s.path("r.npy"));
    assert_eq!((r.descr.as_str(), &r.shape[..]), ("'<f8'", &[4u64][..]));
    assert_eq!(r.data, [0.0, 0.5, 1.0, 1.5]);
    s.ok(&["eval", "b > 2", "--arg", "b=b.npy", "--out", "m.npy"]);
    let r = read_npy::<bool>(&s.path("m.npy"));
    assert_eq!(r.data, [false, false, true, true]);
    s.ok(&["eval", "sum(b)", "--arg", "b=b.npy", "--out", "s.npy"]);
    let r = read_npy::<i64>(&s.path("s.npy"));
    assert_eq!(
        (r.descr.as_str(), &r.shape[..], &r.data[..]),
        ("'<i8'", &[][..], &[10i64][..])
    );
}

#[test]
fn bad_files_are_clear_errors() {
    let s = Scratch::new("badfiles");
    s.write("k.k", KERNELS);
    let supported = "(kernelc reads bool, int8 to int64, uint8 to uint64, float32, float64, complex64, complex128)";
    let mut good = Vec::new();
    {
        write_c(
            &s.path("good.npy"),
            "<f8",
            &[5],
            &[1.0f64, 2.0, 3.0, 4.0, 5.0],
        );
        good.extend(std::fs::read(s.path("good.npy")).unwrap());
    }
    s.write("empty.npy", b"");
    s.write("text.npy", b"x = [1, 2, 3]\n");
    s.write("short.npy", &good[..40]);
    s.write("data_cut.npy", &good[..good.len() - 3]);
    s.write("garbage.npy", raw_npy("garbage!", &[]));
    s.write("notdict.npy", raw_npy("[1, 2]", &[]));
    s.write(
        "nokey.npy",
        raw_npy("{'descr': '<f8', 'shape': (1,), }", &[0; 8]),
    );
    s.write(
        "huge.npy",
        raw_npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
            &[],
        ),
    );
    s.write(
        "badbool.npy",
        raw_npy(
            "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
            &[1, 7],
        ),
    );
    let mut v9 = good.clone();
    v9[6] = 9;
    s.write("v9.npy", v9);
    write_c(&s.path("be.npy"), ">f8", &[2], &[1.0f64, 2.0]);
    s.write(
        "c32.npy",
        raw_npy(
            "{'descr': '<c32', 'fortran_order': False, 'shape': (1,), }",
            &[0; 32],
        ),
    );
    s.write(
        "obj.npy",
        raw_npy(
            "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
            b"pickle",
        ),
    );
    s.write(
        "str.npy",
        raw_npy(
            "{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }",
            &[0; 12],
        ),
    );
    let shape33 = format!("({})", vec!["1"; 33].join(", "));
    s.write(
        "dims.npy",
        raw_npy(
            &format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape33}, }}"),
            &[0; 8],
        ),
    );

    let cases: Vec<(&str, String)> =
        vec![
        (
            "missing.npy",
            "cannot read missing.npy: No such file or directory (os error 2)".into(),
        ),
        ("empty.npy", "empty.npy: not a .npy file (the file is empty)".into()),
        (
            "text.npy",
            "text.npy: not a .npy file (it does not start with the NumPy magic string)".into(),
        ),
        (
            "short.npy",
            "short.npy: truncated .npy file: the header needs 128 bytes, the file has 40".into(),
        ),
        (
            "data_cut.npy",
            "data_cut.npy: truncated .npy file: shape (5,) of float64 needs 40 bytes of data, \
             the file has 37"
                .into(),
        ),
        (
            "garbage.npy",
            "garbage.npy: malformed .npy header: the header text is not a Python dict literal"
                .into(),
        ),
        (
            "notdict.npy",
            "notdict.npy: malformed .npy header: expected a python dict literal".into(),
        ),
        (
            "nokey.npy",
            "nokey.npy: malformed .npy header: dict is missing key 'fortran_order'".into(),
        ),
        (
            "huge.npy",
            "huge.npy: malformed .npy header: shape (4294967296, 4294967296, 4294967296) is too \
             large"
                .into(),
        ),
        (
            "badbool.npy",
            "badbool.npy: malformed .npy data: invalid value for bool: 7".into(),
        ),
        (
            "v9.npy",
            "v9.npy: malformed .npy header: unsupported format version 9.0".into(),
        ),
        (
            "be.npy",
            format!(
                "be.npy: unsupported dtype '>f8' {supported}\n  hint: the data is big-endian; \
                 save it little-endian with a.astype(a.dtype.newbyteorder('<'))"
            ),
        ),
        ("c32.npy", format!("c32.npy: unsupported dtype '<c32' {supported}")),
        ("obj.npy", format!("obj.npy: unsupported dtype '|O' {supported}")),
        ("str.npy", format!("str.npy: unsupported dtype '<U3' {supported}")),
        (
            "dims.npy",
            "dims.npy: 33 dimensions are too many (kernelc handles up to 32)".into(),
        ),
    ];
    for (file, message) in &cases {
        let arg = format!("v={file}");
        let expected = format!("error: {message}\n");
        s.fails(
            &["run", "k.k", "--entry", "show", "--arg", &arg],
            1,
            &expected,
        );
        let arg = format!("a={file}");
        s.fails(&["eval", "a", "--arg", &arg], 1, &expected);
    }
    // The good file still works, and a bad file never leaves an --out behind.
    assert_eq!(
        s.ok(&["eval", "a", "--arg", "a=good.npy"]),
        "[1. 2. 3. 4. 5.]\n"
    );
    s.fails(
        &["eval", "a", "--arg", "a=empty.npy", "--out", "o.npy"],
        1,
        "error: empty.npy: not a .npy file (the file is empty)\n",
    );
    assert!(!s.path("o.npy").exists());
}

#[test]
fn usage_errors_exit_with_2() {
    let s = Scratch::new("usage");
    s.write("k.k", KERNELS);
    write_c(&s.path("a.npy"), "<f8", &[1], &[1.0f64]);
    let help = "\n\nFor more information, try '--help'.\n";
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "run", "k.k", "--entry", "scale", "--arg", "a=a.npy", "--arg", "n=1",
            ],
            "missing argument of scale(a, n, x): x",
        ),
        (
            &["run", "k.k", "--entry", "scale"],
            "missing arguments of scale(a, n, x): a, n, x",
        ),
        (
            &[
                "run", "k.k", "--entry", "scale", "--arg", "a=a.npy", "--arg", "z=1",
            ],
            "scale() has no parameter named 'z' (its parameters: a, n, x)",
        ),
        (
            &["run", "k.k", "--arg", "z=1"],
            "main() has no parameter named 'z' (it takes no arguments)",
        ),
        (
            &[
                "run", "k.k", "--entry", "show", "--arg", "v=1", "--arg", "v=2",
            ],
            "argument 'v' is given twice",
        ),
        (
            &["run", "k.k", "--entry", "show", "--arg", "v"],
            "--arg 'v' must be NAME=VALUE (e.g. --arg n=100 or --arg a=data.npy)",
        ),
        (
            &["run", "k.k", "--entry", "show", "--arg", "2v=1"],
            "--arg '2v=1': '2v' is not a parameter name",
        ),
        (
            &["run", "k.k", "--entry", "show", "--arg", "v=abc"],
            "--arg v=abc: 'abc' is not a value: write a .npy file path, an int (100), a float \
             (2.5, 1e-3, nan, inf) or True/False",
        ),
        (
            &["run", "k.k", "--entry", "show", "--arg", "v=true"],
            "--arg v=true: 'true' is not a value: write a .npy file path, an int (100), a float \
             (2.5, 1e-3, nan, inf) or True/False",
        ),
        (
            &[
                "run",
                "k.k",
                "--entry",
                "show",
                "--arg",
                "v=99999999999999999999",
            ],
            "--arg v=99999999999999999999: the integer 99999999999999999999 does not fit in \
             int64",
        ),
        (
            &["eval", "a + a", "--arg", "a=1", "--arg", "a=2"],
            "argument 'a' is given twice",
        ),
        (
            &["eval", "a", "--arg", "a=data.csv"],
            "--arg a=data.csv: 'data.csv' is not a value: write a .npy file path, an int (100), \
             a float (2.5, 1e-3, nan, inf) or True/False",
        ),
    ];
    for (args, message) in cases {
        s.fails(args, 2, &format!("error: {message}{help}"));
    }
    // Usage errors come before any file is read.
    s.fails(
        &[
            "run",
            "k.k",
            "--entry",
            "show",
            "--arg",
            "v=missing.npy",
            "--arg",
            "w=1",
        ],
        2,
        &format!("error: show() has no parameter named 'w' (its parameters: v){help}"),
    );
    // clap's own usage errors exit with 2 too.
    let (_, _, code) = s.kernelc(&["eval"]);
    assert_eq!(code, 2);
    let (_, _, code) = s.kernelc(&["run", "k.k", "--out"]);
    assert_eq!(code, 2);
}

#[test]
fn out_errors_and_kernel_errors_exit_with_1() {
    let s = Scratch::new("outerr");
    s.write("k.k", KERNELS);
    s.fails(
        &[
            "run", "k.k", "--entry", "show", "--arg", "v=1", "--out", "r.npy",
        ],
        1,
        "error: show() returned None: there is no result to write to r.npy\n",
    );
    let (out, err, code) = s.kernelc(&[
        "run",
        "k.k",
        "--entry",
        "same",
        "--arg",
        "a=1",
        "--out",
        "no/such/dir/r.npy",
    ]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(
        err.starts_with("error: cannot write no/such/dir/r.npy: "),
        "{err}"
    );
    // A type error of the kernel for the given arguments is a compile error (exit 1).
    let (_, err, code) = s.kernelc(&[
        "run", "k.k", "--entry", "typed", "--arg", "n=1.5", "--arg", "x=1", "--arg", "y=1",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("parameter 'n' is declared i32 but the argument is f64"),
        "{err}"
    );
    // An unknown entry is reported by the compiler.
    let (_, err, code) = s.kernelc(&["run", "k.k", "--entry", "nope", "--arg", "a=1"]);
    assert_eq!(code, 1);
    assert!(err.contains("there is no function named 'nope'"), "{err}");
    // An unknown name in an expression.
    let (_, err, code) = s.kernelc(&["eval", "a + b", "--arg", "a=1"]);
    assert_eq!(code, 1);
    assert!(err.contains("name 'b' is not defined"), "{err}");
}

/// True when `python3` with NumPy is available (prints a notice otherwise).
fn numpy_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("notice: python3 with numpy is not available; skipping the NumPy round trip");
    }
    ok
}

fn python(dir: &Path, script: &str) -> String {
    let out = Command::new("python3")
        .current_dir(dir)
        .args(["-c", script])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn numpy_round_trip() {
    if !numpy_available() {
        return;
    }
    let s = Scratch::new("numpy");
    s.write("k.k", KERNELS);
    python(
        &s.0,
        "import numpy as np\n\
         rng = np.random.default_rng(1)\n\
         np.save('b.npy', rng.random((3, 4)) > 0.5)\n\
         np.save('i4.npy', rng.integers(-2**31, 2**31, (5,), dtype=np.int32))\n\
         np.save('i8.npy', rng.integers(-2**63, 2**63 - 1, (2, 2, 2), dtype=np.int64))\n\
         np.save('f4.npy', rng.standard_normal(7).astype(np.float32))\n\
         np.save('f8.npy', np.array([np.nan, -0.0, np.inf, 5e-324, 0.1]))\n\
         np.save('fo.npy', np.asfortranarray(np.arange(12.0).reshape(3, 4)))\n\
         np.save('s.npy', np.float64(2.5))\n\
         np.save('n1.npy', rng.integers(-128, 128, (3, 2), dtype=np.int8))\n\
         np.save('n2.npy', rng.integers(-2**15, 2**15, (4,), dtype=np.int16))\n\
         np.save('p1.npy', rng.integers(0, 256, (5,), dtype=np.uint8))\n\
         np.save('p2.npy', rng.integers(0, 2**16, (2, 3), dtype=np.uint16))\n\
         np.save('p4.npy', rng.integers(0, 2**32, (3,), dtype=np.uint32))\n\
         np.save('p8.npy', rng.integers(0, 2**64, (3,), dtype=np.uint64))\n",
    );
    for exec in EXECUTORS {
        for name in [
            "b", "i4", "i8", "f4", "f8", "fo", "s", "n1", "n2", "p1", "p2", "p4", "p8",
        ] {
            let input = format!("a={name}.npy");
            let out = format!("r_{name}.npy");
            s.ok(&run_args("same", &["--arg", &input, "--out", &out], exec));
        }
        s.ok(&run_args(
            "scale",
            &[
                "--arg",
                "a=fo.npy",
                "--arg",
                "n=3",
                "--arg",
                "x=0.5",
                "--out",
                "r_scale.npy",
            ],
            exec,
        ));
        s.ok(&[
            "eval",
            "2*a + 3*b**2",
            "--arg",
            "a=f8.npy",
            "--arg",
            "b=f8.npy",
            "--out",
            "r_eval.npy",
        ]);
        let verdict = python(
            &s.0,
            "import numpy as np\n\
             ok = []\n\
             for n in ['b', 'i4', 'i8', 'f4', 'f8', 'fo', 's', 'n1', 'n2', 'p1', 'p2', 'p4', 'p8']:\n\
             \x20   a, r = np.load(n + '.npy'), np.load('r_' + n + '.npy')\n\
             \x20   ok.append(a.dtype == r.dtype and a.shape == r.shape and r.flags.c_contiguous\n\
             \x20             and np.array_equal(a, r, equal_nan=a.dtype.kind == 'f'))\n\
             fo = np.load('fo.npy')\n\
             ok.append(np.array_equal(np.load('r_scale.npy'), fo * 0.5 + 3))\n\
             f8 = np.load('f8.npy')\n\
             ok.append(np.array_equal(np.load('r_eval.npy'), 2*f8 + 3*f8**2, equal_nan=True))\n\
             print(ok)\n",
        );
        assert_eq!(verdict.trim(), format!("[{}]", ["True"; 15].join(", ")));
    }
}

/// The parts of a version 1.0 `.npy` file's data as little-endian f64 (complex128) or f32
/// (complex64) values, with the header's `descr`.
fn complex_parts(bytes: &[u8], part_size: usize) -> (String, Vec<f64>) {
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = String::from_utf8_lossy(&bytes[10..10 + header_len]).into_owned();
    let parts = bytes[10 + header_len..]
        .chunks(part_size)
        .map(|b| match part_size {
            4 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
            _ => f64::from_le_bytes(b.try_into().unwrap()),
        })
        .collect();
    (header, parts)
}

#[test]
fn complex_arrays_in_and_out() {
    let s = Scratch::new("complex");
    s.write(
        "c.k",
        "import numpy as np\n\ndef rot(z, w):\n    print(z, w)\n    return z * 1j + w\n",
    );
    let z: Vec<u8> = [1.0f64, 2.0, -0.5, 0.0, 0.0, -3.0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    s.write(
        "z.npy",
        raw_npy(
            "{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }",
            &z,
        ),
    );
    let w: Vec<u8> = [0.5f32, 0.5, 1.0, -1.0, 2.0, 0.0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    s.write(
        "w.npy",
        raw_npy(
            "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }",
            &w,
        ),
    );
    for exec in EXECUTORS {
        let mut args = vec![
            "run", "c.k", "--entry", "rot", "--arg", "z=z.npy", "--arg", "w=w.npy", "--out",
            "r.npy",
        ];
        args.extend_from_slice(exec);
        let out = s.ok(&args);
        assert_eq!(
            out,
            "[ 1. +2.j -0.5+0.j  0. -3.j] [0.5+0.5j 1. -1.j  2. +0.j ]\n"
        );
        let (header, parts) = complex_parts(&std::fs::read(s.path("r.npy")).unwrap(), 8);
        assert!(header.contains("'descr': '<c16'"), "{header}");
        assert!(header.contains("'shape': (3,"), "{header}");
        // (1+2j)*1j + (0.5+0.5j), (-0.5)*1j + (1-1j), (-3j)*1j + 2
        assert_eq!(parts, vec![-1.5, 1.5, 1.0, -1.5, 5.0, 0.0]);
    }
}
