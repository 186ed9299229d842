//! Text formatting for `print(...)`: scalars exactly as Python prints them and arrays exactly
//! as NumPy 2 prints them with its default print options (`str(ndarray)`).
//!
//! The array code mirrors `numpy/_core/arrayprint.py` (`array_str`, `_formatArray`,
//! `_extendLine`, `FloatingFormat.fillFormat`, `IntegerFormat`, `BoolFormat`) with the default
//! options: precision 8, floatmode `'maxprec'`, threshold 1000, edgeitems 3, linewidth 75,
//! suppress_small off, sign `'-'`, separator `' '`.
//!
//! Shortest round-trip digits come from Rust's own `{:e}` formatting and correctly rounded
//! digits from `{:.N}` / `{:.Ne}` (both exact, ties to even), which is what NumPy's Dragon4
//! produces in the corresponding modes.

use crate::dtype::{DType, Scalar};

/// `threshold`: arrays with more elements than this are summarised.
const THRESHOLD: usize = 1000;
/// `edgeitems`: items kept at each end of a summarised axis.
const EDGE_ITEMS: usize = 3;
/// `linewidth`.
const LINE_WIDTH: isize = 75;
/// `precision`: maximum number of fractional digits in array output.
const PRECISION: usize = 8;

/// Formats one scalar as Python's `print` shows it.
///
/// * `bool`: `True` / `False`; integers: decimal.
/// * `f64`: exactly Python's `repr(float)`: shortest round-trip digits, positional when
///   `1e-4 <= |x| < 1e16` (always with a fractional part, `1.0`), scientific otherwise
///   (`1e+16`, `1.5e-05`), and `inf`, `-inf`, `nan`, `-0.0`.
/// * `f32`: exactly `str(np.float32(x))` in NumPy 2: shortest digits that round-trip as
///   `f32`, positional when `1e-4 <= |x| < 1e6` (compared in `f64`) or `x == 0`, scientific
///   otherwise (`1e+06`, `1.0000001e+07`).
pub fn format_scalar(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => if b { "True" } else { "False" }.to_string(),
        Scalar::F64(v) => float_scalar(v, false, 1e16),
        Scalar::F32(v) => float_scalar(f64::from(v), true, 1e6),
        Scalar::C64(v) => complex_scalar(f64::from(v.re), f64::from(v.im), true, 1e6),
        Scalar::C128(v) => complex_scalar(v.re, v.im, false, 1e16),
        int => int.as_i128().unwrap_or(0).to_string(),
    }
}

/// Formats an array exactly as `print(arr)` does in NumPy 2 with default print options.
///
/// `dtype` is the element type, `shape` the dimensions (empty for a 0-d array) and `get(i)`
/// returns the element at C-order flat index `i`. Only the elements that are displayed are
/// requested (for a summarised array, the `edgeitems` corners), so huge shapes are cheap.
///
/// Covers nesting for any rank, line wrapping at 75 columns with NumPy's continuation
/// indentation, blank lines between blocks of rank >= 3, summarisation of arrays with more
/// than 1000 elements (`...`), empty arrays (`[]`), 0-d arrays (printed as the scalar), and
/// NumPy's per-type element formatting: padded `True`/`False`, right-aligned integers and
/// `FloatingFormat` for floats (positional or scientific for the whole array, aligned decimal
/// points, up to 8 fractional digits, right-aligned `nan`/`inf`).
pub fn format_array(dtype: DType, shape: &[usize], get: &dyn Fn(usize) -> Scalar) -> String {
    if shape.is_empty() {
        return format_scalar(convert(dtype, get(0)));
    }
    array_text(dtype, shape, get, " ", " ")
}

/// Formats an array as NumPy 2's `repr` does (the form a tuple shows its arrays in):
/// `array([1., 2.])`, elements separated by `", "` and wrapped under the `array(` prefix,
/// with `shape=` for empty arrays of other shapes and summarised ones and `dtype=` for
/// element types the values do not imply (all but int64, float64, complex128 and bool),
/// on a new line when they would pass the line width (`_array_repr_implementation`).
pub fn format_array_repr(dtype: DType, shape: &[usize], get: &dyn Fn(usize) -> Scalar) -> String {
    const PREFIX: &str = "array(";
    if shape.is_empty() {
        return format!("{PREFIX}{})", format_scalar(convert(dtype, get(0))));
    }
    let body = array_text(dtype, shape, get, ", ", "       ");
    let size = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX);
    let mut extras = Vec::new();
    if (size == 0 && shape != [0]) || size > THRESHOLD {
        let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        extras.push(match dims.as_slice() {
            [one] => format!("shape=({one},)"),
            _ => format!("shape=({})", dims.join(", ")),
        });
    }
    let implied = matches!(dtype, DType::I64 | DType::F64 | DType::C128 | DType::Bool);
    if !implied || size == 0 {
        extras.push(format!("dtype={}", dtype.numpy_name()));
    }
    if extras.is_empty() {
        return format!("{PREFIX}{body})");
    }
    let arr = format!("{PREFIX}{body},");
    let extra = format!("{})", extras.join(", "));
    let last_line = arr.len() - arr.rfind('\n').map_or(0, |i| i + 1);
    let spacer = if (last_line + extra.len() + 1) as isize > LINE_WIDTH {
        format!("\n{}", " ".repeat(PREFIX.len()))
    } else {
        " ".to_string()
    };
    format!("{arr}{spacer}{extra}")
}

/// The bracketed elements of an array of rank >= 1 (`array2string`): `sep` between
/// elements, `hanging` the indentation of continuation lines (one space for `[`, plus the
/// width of a prefix such as `array(`).
fn array_text(
    dtype: DType,
    shape: &[usize],
    get: &dyn Fn(usize) -> Scalar,
    sep: &'static str,
    hanging: &str,
) -> String {
    if shape.contains(&0) {
        return "[]".to_string();
    }
    let size = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX);
    // C-order strides (saturating: a shape whose size overflows cannot be real data, but it
    // must not panic either).
    let mut strides = vec![1usize; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1].saturating_mul(shape[k + 1]);
    }
    let printer = Printer {
        shape,
        strides: &strides,
        summarise: size > THRESHOLD,
        sep,
    };
    let mut flat = Vec::new();
    printer.displayed(0, 0, &mut flat);
    let values: Vec<Scalar> = flat.iter().map(|&i| convert(dtype, get(i))).collect();
    let words = format_elements(dtype, &values);
    let mut next = words.iter();
    printer.render(0, hanging, LINE_WIDTH, &mut next)
}

/// Coerces a value to the array's element type (in case `get` returns another variant).
fn convert(dtype: DType, s: Scalar) -> Scalar {
    if s.dtype() == dtype {
        return s;
    }
    match dtype {
        DType::Bool => Scalar::Bool(s.truthy()),
        d if d.is_int() => {
            Scalar::int_wrapping(s.as_i128().unwrap_or(s.as_i64() as i128), d).unwrap_or(s)
        }
        DType::F32 => match s {
            Scalar::F32(v) => Scalar::F32(v),
            other => Scalar::F32(other.as_f64() as f32),
        },
        DType::C128 => Scalar::C128(s.as_c128()),
        DType::C64 => {
            let c = s.as_c128();
            Scalar::C64(crate::dtype::Complex32::new(c.re as f32, c.im as f32))
        }
        _ => Scalar::F64(s.as_f64()),
    }
}

// ---------------------------------------------------------------------------------------------
// Decimal digits
// ---------------------------------------------------------------------------------------------

/// A positive decimal `d0.d1d2... * 10^exp` (`digits` are ASCII, no leading zero).
struct Decimal {
    digits: Vec<u8>,
    exp: i32,
}

impl Decimal {
    /// Parses Rust's `{:e}` output of a positive finite number (`1.25e-3`).
    fn parse_sci(s: &str) -> Decimal {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        Decimal {
            digits,
            exp: exp.parse().unwrap_or(0),
        }
    }

    /// Shortest digits that round-trip in the value's own type (`x` finite, positive).
    ///
    /// Rust breaks an exact tie between two shortest candidates upwards; Dragon4 (NumPy) and
    /// Python's `repr` take the even digit when both candidates round-trip, so ties are
    /// re-resolved here.
    fn shortest(x: f64, is_f32: bool) -> Decimal {
        let d = if is_f32 {
            Decimal::parse_sci(&format!("{:e}", x as f32))
        } else {
            Decimal::parse_sci(&format!("{x:e}"))
        };
        let n = d.digits.len() as u32;
        let Some((v, e10)) = exact_decimal(x) else {
            return d;
        };
        // A tie: the exact value has one digit more than the shortest form, and it is a 5.
        if decimal_len(v) != n + 1 || v % 10 != 5 {
            return d;
        }
        let q = v / 10;
        let even = if q % 2 == 0 { q } else { q + 1 };
        let mut digits = even.to_string().into_bytes();
        let mut exp = e10 + n as i32;
        if digits.len() as u32 > n {
            // 99..95 rounded up to 100..0
            digits.truncate(n as usize);
            exp += 1;
        }
        while digits.len() > 1 && digits.last() == Some(&b'0') {
            digits.pop();
        }
        let candidate = Decimal { digits, exp };
        if candidate.round_trips(x, is_f32) {
            candidate
        } else {
            d
        }
    }

    /// Whether this decimal reads back as `x` in its own type.
    fn round_trips(&self, x: f64, is_f32: bool) -> bool {
        let text = format!(
            "{}.{}e{}",
            char::from(self.digits.first().copied().unwrap_or(b'0')),
            self.mantissa_frac(),
            self.exp
        );
        if is_f32 {
            text.parse::<f32>().ok() == Some(x as f32)
        } else {
            text.parse::<f64>().ok() == Some(x)
        }
    }

    /// The value correctly rounded to `frac` digits after the first significant one.
    fn exact_sci(x: f64, frac: usize) -> Decimal {
        Decimal::parse_sci(&format!("{x:.frac$e}"))
    }

    /// Number of digits after the decimal point in positional notation.
    fn frac_len(&self) -> usize {
        (self.digits.len() as i64 - 1 - i64::from(self.exp)).max(0) as usize
    }

    /// Positional integer and fractional parts, without rounding or trailing zeros added.
    fn positional(&self) -> (String, String) {
        let n = self.digits.len() as i64;
        let e = i64::from(self.exp);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        if e >= 0 {
            let split = (e + 1).min(n) as usize;
            let mut int = text(&self.digits[..split]);
            int.extend(std::iter::repeat_n('0', (e + 1 - n).max(0) as usize));
            (int, text(&self.digits[split..]))
        } else {
            let mut frac = "0".repeat((-e - 1) as usize);
            frac.push_str(&text(&self.digits));
            ("0".to_string(), frac)
        }
    }

    /// Mantissa fraction digits (after the first digit) as a string.
    fn mantissa_frac(&self) -> String {
        String::from_utf8_lossy(self.digits.get(1..).unwrap_or(&[])).into_owned()
    }
}

/// The exact decimal value of a positive finite `x` as `(v, e)` with `x == v * 10^e` and `v`
/// not a multiple of 10, when `v` fits in a `u128` (`None` otherwise).
fn exact_decimal(x: f64) -> Option<(u128, i32)> {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut q) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    if m == 0 {
        return None;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    q += tz as i32;
    if q >= 0 {
        if 64 - m.leading_zeros() as i32 + q > 127 {
            return None;
        }
        let mut v = u128::from(m) << q;
        let mut e = 0;
        while v % 10 == 0 {
            v /= 10;
            e += 1;
        }
        Some((v, e))
    } else {
        let p5 = 5u128.checked_pow(q.unsigned_abs())?;
        Some((u128::from(m).checked_mul(p5)?, q))
    }
}

/// Number of decimal digits of `v` (at least 1).
fn decimal_len(v: u128) -> u32 {
    v.checked_ilog10().unwrap_or(0) + 1
}

/// Exponent suffix `e+05` with at least `min_digits` exponent digits.
fn exp_suffix(exp: i32, min_digits: usize) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:0min_digits$}", exp.unsigned_abs())
}

/// Python `repr(float)` / NumPy `str(np.float32)`: positional for `1e-4 <= |x| < upper`.
fn float_scalar(x: f64, is_f32: bool, upper: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    let a = x.abs();
    let d = Decimal::shortest(a, is_f32);
    if (1e-4..upper).contains(&a) {
        let (int, frac) = d.positional();
        let frac = if frac.is_empty() {
            "0".to_string()
        } else {
            frac
        };
        format!("{sign}{int}.{frac}")
    } else {
        let frac = d.mantissa_frac();
        let dot = if frac.is_empty() { "" } else { "." };
        let first = char::from(d.digits.first().copied().unwrap_or(b'0'));
        format!("{sign}{first}{dot}{frac}{}", exp_suffix(d.exp, 2))
    }
}

/// Python `repr(complex)` / NumPy `str(np.complex64)`: each part as its float type prints
/// without a trailing `.0`; `im j` alone when the real part is `+0.0`, else `(re±im j)`
/// (the imaginary part always signed, nan as `+nan`).
fn complex_scalar(re: f64, im: f64, is_f32: bool, upper: f64) -> String {
    let part = |x: f64| {
        let s = float_scalar(x, is_f32, upper);
        match s.strip_suffix(".0") {
            Some(t) => t.to_string(),
            None => s,
        }
    };
    let imag = part(im);
    if re == 0.0 && re.is_sign_positive() {
        return format!("{imag}j");
    }
    let sign = if imag.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{imag}j)", part(re))
}

// ---------------------------------------------------------------------------------------------
// Element formatters
// ---------------------------------------------------------------------------------------------

/// Formats the displayed elements with one formatter built from all of them, as NumPy does.
fn format_elements(dtype: DType, values: &[Scalar]) -> Vec<String> {
    match dtype {
        DType::Bool => values
            .iter()
            .map(|v| if v.truthy() { " True" } else { "False" }.to_string())
            .collect(),
        d if d.is_int() => {
            let strs: Vec<String> = values
                .iter()
                .map(|v| v.as_i128().unwrap_or(0).to_string())
                .collect();
            let width = strs.iter().map(String::len).max().unwrap_or(0);
            strs.into_iter().map(|s| format!("{s:>width$}")).collect()
        }
        DType::C64 | DType::C128 => complex_elements(values, dtype == DType::C64),
        _ => {
            let xs: Vec<f64> = values.iter().map(|v| v.as_f64()).collect();
            let fmt = FloatFormat::new(&xs, dtype == DType::F32, false);
            xs.iter().map(|&x| fmt.format(x)).collect()
        }
    }
}

/// Complex elements as NumPy's `ComplexFloatingFormat`: one float format for all the real
/// parts, another (always signed, `sign='+'`) for all the imaginary parts, and each element
/// the real text then the imaginary text with `j` put before its trailing padding
/// (`[1.5+0.j  0. +2.j]`).
fn complex_elements(values: &[Scalar], is_f32: bool) -> Vec<String> {
    let parts: Vec<(f64, f64)> = values
        .iter()
        .map(|v| match *v {
            Scalar::C64(z) => (f64::from(z.re), f64::from(z.im)),
            Scalar::C128(z) => (z.re, z.im),
            other => (other.as_f64(), 0.0),
        })
        .collect();
    let re: Vec<f64> = parts.iter().map(|p| p.0).collect();
    let im: Vec<f64> = parts.iter().map(|p| p.1).collect();
    let (rf, imf) = (
        FloatFormat::new(&re, is_f32, false),
        FloatFormat::new(&im, is_f32, true),
    );
    parts
        .iter()
        .map(|&(r, i)| {
            let (r, i) = (rf.format(r), imf.format(i));
            let end = i.trim_end().len();
            format!("{r}{}j{}", &i[..end], &i[end..])
        })
        .collect()
}

/// NumPy's `FloatingFormat` for floatmode `'maxprec'`, precision 8, sign `'-'`.
struct FloatFormat {
    is_f32: bool,
    /// `sign='+'`: every value signed (the imaginary parts of complex elements).
    plus: bool,
    exp_format: bool,
    pad_left: usize,
    pad_right: usize,
    /// Fractional mantissa digits in scientific mode.
    precision: usize,
    /// Minimum exponent digits in scientific mode.
    exp_size: usize,
}

/// Sign prefix of a float (negative zero included).
fn sign_of(x: f64) -> &'static str {
    if x.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

impl FloatFormat {
    /// Mirrors `FloatingFormat.fillFormat` (`plus`: NumPy's `sign='+'`, else `'-'`).
    fn new(data: &[f64], is_f32: bool, plus: bool) -> FloatFormat {
        let finite: Vec<f64> = data.iter().copied().filter(|x| x.is_finite()).collect();
        let mut exp_format = false;
        let nonzero = finite.iter().filter(|&&x| x != 0.0).map(|x| x.abs());
        let max_val = nonzero
            .clone()
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        let min_val = nonzero.fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))));
        if let (Some(max_val), Some(min_val)) = (max_val, min_val) {
            // NumPy compares in the array's dtype (NEP 50: Python floats are weak).
            exp_format = if is_f32 {
                let (max32, min32) = (max_val as f32, min_val as f32);
                max32 >= 1e6 || min32 < 0.0001 || max32 / min32 > 1000.0
            } else {
                max_val >= 1e8 || min_val < 0.0001 || max_val / min_val > 1000.0
            };
        }

        let mut f = FloatFormat {
            is_f32,
            plus,
            exp_format,
            pad_left: 0,
            pad_right: 0,
            precision: 0,
            exp_size: 0,
        };
        if finite.is_empty() {
            // pad_left = pad_right = 0
        } else if exp_format {
            let mut exp_size = 0;
            for &x in &finite {
                let d = f.sci_first_pass(x.abs());
                f.pad_left = f.pad_left.max(1 + f.sign(x).len());
                f.precision = f.precision.max(d.digits.len().saturating_sub(1));
                exp_size = exp_size.max(d.exp.unsigned_abs().to_string().len().max(2));
            }
            f.exp_size = exp_size;
            f.pad_right = exp_size + 2 + f.precision;
        } else {
            for &x in &finite {
                let (int, frac) = f.pos_parts(x.abs());
                f.pad_left = f.pad_left.max(int.len() + f.sign(x).len());
                f.pad_right = f.pad_right.max(frac.len());
            }
        }
        if finite.len() != data.len() {
            let neginf = usize::from(plus || data.contains(&f64::NEG_INFINITY));
            let offset = f.pad_right + 1;
            f.pad_left = f
                .pad_left
                .max(3usize.saturating_sub(offset))
                .max((3 + neginf).saturating_sub(offset));
        }
        f
    }

    /// The sign text of `x`: `-` for negative values (and `-0.0`), `+` for the others when
    /// every value is signed.
    fn sign(&self, x: f64) -> &'static str {
        match sign_of(x) {
            "" if self.plus => "+",
            s => s,
        }
    }

    /// Scientific digits with unique=True, precision 8, trim '.' (trailing zeros removed).
    fn sci_first_pass(&self, a: f64) -> Decimal {
        if a == 0.0 {
            return Decimal {
                digits: b"0".to_vec(),
                exp: 0,
            };
        }
        let d = Decimal::shortest(a, self.is_f32);
        if d.digits.len() <= PRECISION + 1 {
            return d;
        }
        let mut d = Decimal::exact_sci(a, PRECISION);
        while d.digits.len() > 1 && d.digits.last() == Some(&b'0') {
            d.digits.pop();
        }
        d
    }

    /// Positional parts with unique=True, precision 8 (fractional), trim '.'.
    fn pos_parts(&self, a: f64) -> (String, String) {
        if a == 0.0 {
            return ("0".to_string(), String::new());
        }
        let d = Decimal::shortest(a, self.is_f32);
        if d.frac_len() <= PRECISION {
            return d.positional();
        }
        let s = format!("{a:.PRECISION$}");
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        (int.to_string(), frac.trim_end_matches('0').to_string())
    }

    /// Formats one element (mirrors `FloatingFormat.__call__`).
    fn format(&self, x: f64) -> String {
        let width = self.pad_left + self.pad_right + 1;
        if x.is_nan() {
            let nan = if self.plus { "+nan" } else { "nan" };
            return format!("{nan:>width$}");
        }
        if x.is_infinite() {
            return format!("{:>width$}", format!("{}inf", self.sign(x)));
        }
        let sign = self.sign(x);
        let a = x.abs();
        if self.exp_format {
            // unique=True with min_digits == precision: exactly `precision` digits.
            let d = if a == 0.0 {
                Decimal {
                    digits: vec![b'0'; self.precision + 1],
                    exp: 0,
                }
            } else {
                let d = Decimal::shortest(a, self.is_f32);
                if d.digits.len() == self.precision + 1 {
                    d
                } else {
                    Decimal::exact_sci(a, self.precision)
                }
            };
            let first = char::from(d.digits.first().copied().unwrap_or(b'0'));
            let mant = format!("{sign}{first}");
            format!(
                "{mant:>pl$}.{}{}",
                d.mantissa_frac(),
                exp_suffix(d.exp, self.exp_size),
                pl = self.pad_left
            )
        } else {
            let (int, frac) = self.pos_parts(a);
            let int = format!("{sign}{int}");
            format!(
                "{int:>pl$}.{frac:<pr$}",
                pl = self.pad_left,
                pr = self.pad_right
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layout (`_formatArray`)
// ---------------------------------------------------------------------------------------------

struct Printer<'a> {
    shape: &'a [usize],
    strides: &'a [usize],
    summarise: bool,
    /// Between elements: `" "` for `str`, `", "` for `repr`.
    sep: &'static str,
}

impl Printer<'_> {
    /// Indices shown along an axis: `(leading, trailing, summarised)` as in `_formatArray`.
    fn axis_items(&self, axis: usize) -> (usize, usize, bool) {
        let len = self.shape[axis];
        if self.summarise && 2 * EDGE_ITEMS < len {
            (EDGE_ITEMS, EDGE_ITEMS, true)
        } else {
            (0, len, false)
        }
    }

    /// Positions along `axis` in display order.
    fn positions(&self, axis: usize) -> impl Iterator<Item = usize> {
        let len = self.shape[axis];
        let (leading, trailing, _) = self.axis_items(axis);
        (0..leading).chain(len - trailing..len)
    }

    fn offset(&self, axis: usize, base: usize, i: usize) -> usize {
        base.saturating_add(i.saturating_mul(self.strides[axis]))
    }

    /// Collects the flat indices of the displayed elements in display order.
    fn displayed(&self, axis: usize, base: usize, out: &mut Vec<usize>) {
        if axis == self.shape.len() {
            out.push(base);
            return;
        }
        for i in self.positions(axis) {
            self.displayed(axis + 1, self.offset(axis, base, i), out);
        }
    }

    /// Mirrors `_formatArray.recurser`, consuming pre-formatted elements in display order.
    fn render<'w>(
        &self,
        axis: usize,
        hanging: &str,
        width: isize,
        words: &mut impl Iterator<Item = &'w String>,
    ) -> String {
        let ndim = self.shape.len();
        if axis == ndim {
            return words.next().cloned().unwrap_or_default();
        }
        let next_hanging = format!("{hanging} ");
        let next_width = width - 1;
        let axes_left = ndim - axis;
        let (leading, trailing, show_summary) = self.axis_items(axis);
        let mut s = String::new();
        if axes_left == 1 {
            let elem_width = width - 1;
            let mut line = hanging.to_string();
            for _ in 0..leading {
                let word = self.render(axis + 1, &next_hanging, next_width, words);
                extend_line(&mut s, &mut line, &word, elem_width, hanging);
                line.push_str(self.sep);
            }
            if show_summary {
                extend_line(&mut s, &mut line, "...", elem_width, hanging);
                line.push_str(self.sep);
            }
            for _ in 1..trailing {
                let word = self.render(axis + 1, &next_hanging, next_width, words);
                extend_line(&mut s, &mut line, &word, elem_width, hanging);
                line.push_str(self.sep);
            }
            let word = self.render(axis + 1, &next_hanging, next_width, words);
            extend_line(&mut s, &mut line, &word, elem_width, hanging);
            s.push_str(&line);
        } else {
            let line_sep = format!("{}{}", self.sep.trim_end(), "\n".repeat(axes_left - 1));
            for _ in 0..leading {
                let nested = self.render(axis + 1, &next_hanging, next_width, words);
                s.push_str(hanging);
                s.push_str(&nested);
                s.push_str(&line_sep);
            }
            if show_summary {
                s.push_str(hanging);
                s.push_str("...");
                s.push_str(&line_sep);
            }
            for _ in 1..trailing {
                let nested = self.render(axis + 1, &next_hanging, next_width, words);
                s.push_str(hanging);
                s.push_str(&nested);
                s.push_str(&line_sep);
            }
            let nested = self.render(axis + 1, &next_hanging, next_width, words);
            s.push_str(hanging);
            s.push_str(&nested);
        }
        format!("[{}]", s.get(hanging.len()..).unwrap_or(""))
    }
}

/// Mirrors `_extendLine` (NumPy > 1.13): wrap unless the line holds only the prefix.
fn extend_line(s: &mut String, line: &mut String, word: &str, width: isize, prefix: &str) {
    let needs_wrap = (line.len() + word.len()) as isize > width && line.len() > prefix.len();
    if needs_wrap {
        s.push_str(line.trim_end());
        s.push('\n');
        line.clear();
        line.push_str(prefix);
    }
    line.push_str(word);
}
