//! Python's string formatting of the values `print` shows: format specifications
//! (`f"{x:>8.3f}"`, the mini-language of `format(x, spec)`) and printf-style conversions
//! (`"%5d %.2f" % (n, x)`), with Python's results.
//!
//! Sema parses every specification and `%` string at compile time ([`parse_spec`],
//! [`parse_percent`]) and checks it against the type of its value ([`check`]), so a bad one
//! is a compile error with its position. The interpreter (which also prints for native
//! code) formats each value at run time with [`format_field`]; the only run-time error is
//! `%d` of a NaN or an infinity, as in Python.
//!
//! Numbers are formatted as Python formats `int` and `float` (a NumPy scalar with a
//! non-empty specification converts to them too); an empty specification is `str(x)`
//! ([`crate::format::format_scalar`]). Digits come from Rust's exact `{:.N}` and `{:.Ne}`
//! formatting, which rounds the exact binary value half to even, as Python does.

use crate::dtype::Scalar;
use crate::format::format_scalar;

/// Widths and precisions above this are refused (Python allows more, but a kernel that
/// prints a million spaces is a mistake, and a huge width is a memory hazard).
pub const MAX_WIDTH: usize = 10_000;

/// Where padding goes: `<`, `>`, `^`, and `=` (between the sign and the digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Align {
    Left,
    Right,
    Center,
    AfterSign,
}

/// What non-negative numbers get in front: nothing (`-`), `+`, or a space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sign {
    Minus,
    Plus,
    Space,
}

/// One parsed format specification (or `%` conversion). Built by [`parse_spec`] and
/// [`parse_percent`], stored in the typed IR, applied by [`format_field`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spec {
    pub fill: char,
    pub align: Option<Align>,
    pub sign: Sign,
    /// `z`: negative zero (after rounding) prints without its sign.
    pub no_neg_zero: bool,
    /// `#`: the alternate form (`0x` prefixes, a kept decimal point, kept zeros of `g`).
    pub alt: bool,
    /// `0` before the width: sign-aware zero padding.
    pub zero: bool,
    pub width: usize,
    /// `,` or `_` between groups of digits.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// The presentation type (`d x f e g % s ...`), if any.
    pub ty: Option<char>,
    /// `!s`/`!r`/`!a` in an f-string, or `%s`/`%r`: the value's `str()` is formatted.
    pub as_str: bool,
    /// A printf-style conversion (`%` formatting): strings align right, `%d` truncates
    /// floats, the precision of an integer conversion is a minimum digit count.
    pub printf: bool,
}

impl Spec {
    /// The empty specification (`str(x)`).
    pub fn empty() -> Spec {
        Spec {
            fill: ' ',
            align: None,
            sign: Sign::Minus,
            no_neg_zero: false,
            alt: false,
            zero: false,
            width: 0,
            grouping: None,
            precision: None,
            ty: None,
            as_str: false,
            printf: false,
        }
    }

    /// True for the specification that prints `str(x)` unchanged.
    pub fn is_empty(&self) -> bool {
        *self == Spec::empty()
    }

    /// The text form, as the typed IR printer shows it (`>8.3f`, `%5d`).
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if self.printf {
            s.push('%');
        }
        if self.as_str && !self.printf {
            s.push_str("!s:");
        }
        if let Some(a) = self.align {
            if self.fill != ' ' {
                s.push(self.fill);
            }
            s.push(match a {
                Align::Left => '<',
                Align::Right => '>',
                Align::Center => '^',
                Align::AfterSign => '=',
            });
        }
        match self.sign {
            Sign::Minus => {}
            Sign::Plus => s.push('+'),
            Sign::Space => s.push(' '),
        }
        if self.no_neg_zero {
            s.push('z');
        }
        if self.alt {
            s.push('#');
        }
        if self.zero {
            s.push('0');
        }
        if self.width > 0 {
            s.push_str(&self.width.to_string());
        }
        if let Some(g) = self.grouping {
            s.push(g);
        }
        if let Some(p) = self.precision {
            s.push_str(&format!(".{p}"));
        }
        if let Some(t) = self.ty {
            s.push(t);
        }
        s
    }
}

/// The kind of value a specification is applied to (for [`check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Array,
    /// A tuple of integers (`a.shape`).
    Tuple,
}

impl Kind {
    fn python_name(self) -> &'static str {
        match self {
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Str => "str",
            Kind::Array => "numpy.ndarray",
            Kind::Tuple => "tuple",
        }
    }
}

/// A value to format: a scalar, or text (a string, or an array already shown as `str`).
#[derive(Clone, Copy, Debug)]
pub enum Field<'a> {
    Scalar(Scalar),
    Text(&'a str),
}

/// Reads a decimal number (for widths and precisions), refusing huge ones.
fn number(chars: &[char], i: &mut usize) -> Result<Option<usize>, String> {
    let start = *i;
    while *i < chars.len() && chars[*i].is_ascii_digit() {
        *i += 1;
    }
    if *i == start {
        return Ok(None);
    }
    let text: String = chars[start..*i].iter().collect();
    match text.parse::<usize>() {
        Ok(n) if n <= MAX_WIDTH => Ok(Some(n)),
        _ => Err(format!(
            "format width or precision {text} is too large (at most {MAX_WIDTH})"
        )),
    }
}

fn align_of(c: char) -> Option<Align> {
    match c {
        '<' => Some(Align::Left),
        '>' => Some(Align::Right),
        '^' => Some(Align::Center),
        '=' => Some(Align::AfterSign),
        _ => None,
    }
}

/// Parses a format specification (the part after `:` in an f-string field):
/// `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
pub fn parse_spec(text: &str) -> Result<Spec, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut s = Spec::empty();
    let mut i = 0;
    if chars.len() >= 2 && align_of(chars[1]).is_some() {
        s.fill = chars[0];
        s.align = align_of(chars[1]);
        i = 2;
    } else if let Some(a) = chars.first().and_then(|&c| align_of(c)) {
        s.align = Some(a);
        i = 1;
    }
    match chars.get(i) {
        Some('+') => (s.sign, i) = (Sign::Plus, i + 1),
        Some('-') => (s.sign, i) = (Sign::Minus, i + 1),
        Some(' ') => (s.sign, i) = (Sign::Space, i + 1),
        _ => {}
    }
    if chars.get(i) == Some(&'z') {
        s.no_neg_zero = true;
        i += 1;
    }
    if chars.get(i) == Some(&'#') {
        s.alt = true;
        i += 1;
    }
    if chars.get(i) == Some(&'0') {
        s.zero = true;
        i += 1;
    }
    s.width = number(&chars, &mut i)?.unwrap_or(0);
    if let Some(&g @ (',' | '_')) = chars.get(i) {
        s.grouping = Some(g);
        i += 1;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        match number(&chars, &mut i)? {
            Some(p) => s.precision = Some(p),
            None => return Err("format specifier missing precision".into()),
        }
    }
    if let Some(&t) = chars.get(i) {
        if !"bcdeEfFgGnosxX%".contains(t) {
            return Err(format!("invalid format specifier '{text}'"));
        }
        s.ty = Some(t);
        i += 1;
    }
    if i < chars.len() {
        return Err(format!("invalid format specifier '{text}'"));
    }
    Ok(s)
}

/// One piece of a `%` format string: literal text, or a conversion taking one value.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    Conversion(Spec),
}

/// Parses a printf-style format string (`"%5d: %.3f%%"`) into text and conversions.
pub fn parse_percent(text: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            lit.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        if chars.get(i) == Some(&'%') {
            lit.push('%');
            i += 1;
            continue;
        }
        let mut s = Spec::empty();
        s.printf = true;
        if chars.get(i) == Some(&'(') {
            return Err("named conversions ('%(name)s') need a dict, which the kernel language does not have".into());
        }
        let mut left = false;
        while let Some(&c) = chars.get(i) {
            match c {
                '-' => left = true,
                '+' => s.sign = Sign::Plus,
                ' ' if s.sign != Sign::Plus => s.sign = Sign::Space,
                ' ' => {}
                '#' => s.alt = true,
                '0' => s.zero = true,
                _ => break,
            }
            i += 1;
        }
        if chars.get(i) == Some(&'*') {
            return Err("'*' widths in % formatting are not supported".into());
        }
        s.width = number(&chars, &mut i)?.unwrap_or(0);
        if chars.get(i) == Some(&'.') {
            i += 1;
            if chars.get(i) == Some(&'*') {
                return Err("'*' precisions in % formatting are not supported".into());
            }
            s.precision = Some(number(&chars, &mut i)?.unwrap_or(0));
        }
        while matches!(chars.get(i), Some('h' | 'l' | 'L')) {
            i += 1;
        }
        let Some(&t) = chars.get(i) else {
            return Err("incomplete format".into());
        };
        i += 1;
        s.ty = Some(match t {
            'd' | 'i' | 'u' => 'd',
            'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' => t,
            's' | 'r' | 'a' => {
                s.as_str = true;
                's'
            }
            'c' => return Err("'%c' conversions are not supported".into()),
            other => {
                return Err(format!(
                    "unsupported format character '{other}' (0x{:x}) at index {}",
                    other as u32,
                    i - 1
                ))
            }
        });
        if left {
            s.align = Some(Align::Left);
            s.zero = false;
        }
        if s.as_str {
            s.zero = false;
            s.sign = Sign::Minus;
            s.alt = false;
        }
        if !lit.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut lit)));
        }
        pieces.push(Piece::Conversion(s));
    }
    if !lit.is_empty() {
        pieces.push(Piece::Text(lit));
    }
    Ok(pieces)
}

/// Checks a specification against the kind of value it formats, with Python's message
/// for the combinations Python refuses.
pub fn check(spec: &Spec, kind: Kind) -> Result<(), String> {
    let name = kind.python_name();
    if spec.as_str {
        return match kind {
            Kind::Array | Kind::Tuple if spec.printf => Ok(()),
            Kind::Array | Kind::Tuple => {
                Err(format!("!r, !s and !a on a {name} are not supported"))
            }
            _ => Ok(()),
        };
    }
    if spec.printf {
        return match (kind, spec.ty) {
            (Kind::Str | Kind::Array | Kind::Tuple, _) => Err(format!(
                "%{} format: a real number is required, not {name}",
                spec.ty.unwrap_or('d')
            )),
            (Kind::Float, Some('x' | 'X' | 'o')) => Err(format!(
                "%{} format: an integer is required, not float",
                spec.ty.unwrap_or('x')
            )),
            _ => Ok(()),
        };
    }
    if spec.is_empty() {
        return Ok(());
    }
    let unknown = |t: char| {
        Err(format!(
            "Unknown format code '{t}' for object of type '{name}'"
        ))
    };
    match kind {
        Kind::Array | Kind::Tuple => Err(format!(
            "unsupported format string passed to {name}.__format__"
        )),
        Kind::Str => {
            if let Some(t) = spec.ty.filter(|&t| t != 's') {
                return unknown(t);
            }
            if spec.sign != Sign::Minus {
                return Err("Sign not allowed in string format specifier".into());
            }
            if spec.alt {
                return Err("Alternate form (#) not allowed in string format specifier".into());
            }
            if spec.align == Some(Align::AfterSign) {
                return Err("'=' alignment not allowed in string format specifier".into());
            }
            if spec.grouping.is_some() {
                return Err(format!(
                    "Cannot specify '{}' with 's'.",
                    spec.grouping.unwrap_or(',')
                ));
            }
            Ok(())
        }
        Kind::Bool | Kind::Int => match spec.ty {
            Some('s') => unknown('s'),
            Some('c') => Err("the 'c' format code is not supported".into()),
            Some('b' | 'o' | 'x' | 'X' | 'd' | 'n') | None if spec.precision.is_some() => {
                Err("Precision not allowed in integer format specifier".into())
            }
            Some(t @ ('b' | 'o' | 'x' | 'X' | 'n')) if spec.grouping == Some(',') => {
                Err(format!("Cannot specify ',' with '{t}'."))
            }
            Some('b' | 'o' | 'x' | 'X' | 'd' | 'n') | None if spec.no_neg_zero => {
                Err("Negative zero coercion (z) not allowed in integer format specifier".into())
            }
            _ => Ok(()),
        },
        Kind::Float => match spec.ty {
            Some(t @ ('b' | 'c' | 'd' | 'o' | 's' | 'x' | 'X')) => unknown(t),
            Some('n') if spec.grouping.is_some() => Err("Cannot specify ',' with 'n'.".into()),
            _ => Ok(()),
        },
    }
}

/// Formats one value with a checked specification (see [`check`]). The only error is
/// Python's for `%d` of a NaN or an infinity.
pub fn format_field(v: Field<'_>, spec: &Spec) -> Result<String, String> {
    let text = match v {
        Field::Text(t) => return Ok(pad_str(t, spec)),
        // NumPy's float32 formats as a Python float unless `str()` is asked for.
        Field::Scalar(Scalar::F32(x)) if spec.is_empty() => format_scalar(Scalar::F64(x.into())),
        Field::Scalar(s) if spec.is_empty() => format_scalar(s),
        Field::Scalar(s) if spec.as_str => pad_str(&format_scalar(s), spec),
        Field::Scalar(Scalar::Bool(b)) => format_int(i128::from(b), spec),
        Field::Scalar(s @ (Scalar::F32(_) | Scalar::F64(_))) => {
            if spec.printf && matches!(spec.ty, Some('d')) {
                let x = s.as_f64();
                if x.is_nan() {
                    return Err("ValueError: cannot convert float NaN to integer".into());
                }
                if x.is_infinite() {
                    return Err("OverflowError: cannot convert float infinity to integer".into());
                }
                let mut t = format!("{:.0}", x.trunc());
                if t == "-0" {
                    t = "0".into();
                }
                format_int(t.parse::<i128>().unwrap_or(0), spec)
            } else {
                format_float(s.as_f64(), spec)
            }
        }
        Field::Scalar(int) => format_int(int.as_i128().unwrap_or(0), spec),
    };
    Ok(text)
}

/// Pads `text` to the width (strings align left, or right in `%` formatting), after
/// truncating it to the precision.
fn pad_str(text: &str, spec: &Spec) -> String {
    let text: String = match spec.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    let default = if spec.printf {
        Align::Right
    } else {
        Align::Left
    };
    pad("", &text, spec, default)
}

/// Joins sign/prefix and digits and pads them to the width.
fn pad(prefix: &str, body: &str, spec: &Spec, default: Align) -> String {
    let (fill, align) = match spec.align {
        Some(a) => (spec.fill, a),
        None if spec.zero => ('0', Align::AfterSign),
        None => (' ', default),
    };
    let len = prefix.chars().count() + body.chars().count();
    let n = spec.width.saturating_sub(len);
    let fills = |k: usize| std::iter::repeat_n(fill, k).collect::<String>();
    match align {
        Align::Left => format!("{prefix}{body}{}", fills(n)),
        Align::Right => format!("{}{prefix}{body}", fills(n)),
        Align::Center => format!("{}{prefix}{body}{}", fills(n / 2), fills(n - n / 2)),
        Align::AfterSign => format!("{prefix}{}{body}", fills(n)),
    }
}

fn sign_text(negative: bool, spec: &Spec) -> &'static str {
    match (negative, spec.sign) {
        (true, _) => "-",
        (false, Sign::Plus) => "+",
        (false, Sign::Space) => " ",
        (false, Sign::Minus) => "",
    }
}

/// Inserts `sep` every `every` digits from the right of a run of digits.
fn group(digits: &str, sep: char, every: usize) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / every);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (n - k).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Zero padding with grouping puts separators into the zeros too (`format(1234, '010,')`
/// is `00,001,234`).
fn zero_grouped(prefix: &str, digits: &str, rest: &str, spec: &Spec, every: usize) -> String {
    let sep = spec.grouping.unwrap_or(',');
    let want = spec
        .width
        .saturating_sub(prefix.chars().count() + rest.chars().count());
    let mut raw: String = digits.chars().filter(|&c| c != sep).collect();
    loop {
        let g = group(&raw, sep, every);
        if g.chars().count() >= want {
            return format!("{prefix}{g}{rest}");
        }
        raw.insert(0, '0');
    }
}

fn format_int(v: i128, spec: &Spec) -> String {
    let ty = spec.ty.unwrap_or('d');
    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return format_float(v as f64, spec);
    }
    let mag = v.unsigned_abs();
    let (mut digits, radix_prefix, every) = match ty {
        'b' => (format!("{mag:b}"), "0b", 4),
        'o' => (format!("{mag:o}"), "0o", 4),
        'x' => (format!("{mag:x}"), "0x", 4),
        'X' => (format!("{mag:X}"), "0X", 4),
        _ => (mag.to_string(), "", 3),
    };
    if spec.printf {
        if let Some(p) = spec.precision {
            while digits.len() < p {
                digits.insert(0, '0');
            }
        }
    }
    let mut prefix = sign_text(v < 0, spec).to_string();
    if spec.alt {
        prefix.push_str(radix_prefix);
    }
    match spec.grouping {
        Some(_) if spec.zero && spec.align.is_none() => {
            zero_grouped(&prefix, &digits, "", spec, every)
        }
        Some(sep) => pad(&prefix, &group(&digits, sep, every), spec, Align::Right),
        None => pad(&prefix, &digits, spec, Align::Right),
    }
}

/// `d.ddde+XX`: Rust's `{:.Ne}` with Python's exponent (a sign and at least two digits).
fn sci(x: f64, p: usize, upper: bool, alt: bool) -> String {
    let t = format!("{x:.p$e}");
    let (mant, exp) = t.split_once('e').unwrap_or((&t, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    let dot = if alt && p == 0 { "." } else { "" };
    let e_char = if upper { 'E' } else { 'e' };
    let sign = if e < 0 { '-' } else { '+' };
    format!("{mant}{dot}{e_char}{sign}{:02}", e.unsigned_abs())
}

/// The decimal exponent of `x` once rounded to `p` significant digits.
fn exponent_at(x: f64, p: usize) -> i32 {
    let t = format!("{x:.prec$e}", prec = p.saturating_sub(1));
    t.split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0)
}

/// Removes trailing zeros of the fraction (and a trailing point) of a number's text.
fn strip_zeros(t: &str) -> String {
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(k) => t.split_at(k),
        None => (t, ""),
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    format!("{mant}{exp}")
}

fn format_float(x: f64, spec: &Spec) -> String {
    let upper = matches!(spec.ty, Some('E' | 'F' | 'G'));
    let mag = x.abs();
    let mut body = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        "inf".to_string()
    } else {
        match spec.ty {
            Some('f' | 'F') => {
                let p = spec.precision.unwrap_or(6);
                let dot = if spec.alt && p == 0 { "." } else { "" };
                format!("{mag:.p$}{dot}")
            }
            Some('%') => {
                let p = spec.precision.unwrap_or(6);
                let dot = if spec.alt && p == 0 { "." } else { "" };
                format!("{:.p$}{dot}%", mag * 100.0)
            }
            Some('e' | 'E') => sci(mag, spec.precision.unwrap_or(6), upper, spec.alt),
            Some('g' | 'G' | 'n') => {
                general(mag, spec.precision.unwrap_or(6), upper, spec.alt, false)
            }
            _ => match spec.precision {
                Some(p) => general(mag, p, false, spec.alt, true),
                None => format_scalar(Scalar::F64(mag)),
            },
        }
    };
    if upper {
        body = body.to_uppercase();
    }
    let mut negative = x.is_sign_negative() && !x.is_nan();
    if negative && spec.no_neg_zero && body.chars().all(|c| !c.is_ascii_digit() || c == '0') {
        negative = false;
    }
    let prefix = sign_text(negative, spec);
    match spec.grouping {
        Some(sep) if x.is_finite() => {
            let split = body
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(body.len());
            let (int, rest) = body.split_at(split);
            if spec.zero && spec.align.is_none() {
                zero_grouped(prefix, int, rest, spec, 3)
            } else {
                pad(
                    prefix,
                    &format!("{}{rest}", group(int, sep, 3)),
                    spec,
                    Align::Right,
                )
            }
        }
        _ => pad(prefix, &body, spec, Align::Right),
    }
}

/// The `g` presentation (and the presentation without a type but with a precision,
/// `repr_like`): fixed when `-4 <= exp < p` (`exp < p - 1` for the latter), scientific
/// otherwise; insignificant zeros removed unless `#`.
fn general(mag: f64, p: usize, upper: bool, alt: bool, repr_like: bool) -> String {
    let p = p.max(1);
    if mag == 0.0 {
        return match (alt, repr_like) {
            (true, _) => format!("{:.prec$}", 0.0, prec = p - 1),
            (false, true) => "0.0".into(),
            (false, false) => "0".into(),
        };
    }
    let exp = exponent_at(mag, p);
    let limit = if repr_like { p as i32 - 1 } else { p as i32 };
    let t = if (-4..limit).contains(&exp) {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        format!("{mag:.decimals$}")
    } else {
        sci(mag, p - 1, upper, false)
    };
    if alt {
        if !t.contains('.') && !t.contains('e') {
            return format!("{t}.");
        }
        return t;
    }
    let s = strip_zeros(&t);
    if repr_like && !s.contains(['.', 'e', 'E']) {
        return format!("{s}.0");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: Scalar, spec: &str) -> String {
        let s = parse_spec(spec).unwrap();
        format_field(Field::Scalar(v), &s).unwrap()
    }

    fn pct(fmt: &str, values: &[Scalar]) -> String {
        let mut values = values.iter();
        parse_percent(fmt)
            .unwrap()
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Conversion(s) => {
                    format_field(Field::Scalar(*values.next().unwrap()), s).unwrap()
                }
            })
            .collect()
    }

    // Expected strings are CPython 3's (`format(x, spec)` and `fmt % values`).
    #[test]
    fn format_specs_match_python() {
        use Scalar::*;
        let cases: &[(Scalar, &str, &str)] = &[
            (F64(123.0), ".3", "1.23e+02"),
            (F64(12.0), ".3", "12.0"),
            (F64(1.0), ".3", "1.0"),
            (F64(0.0001), ".3", "0.0001"),
            (F64(100.0), ".3", "1e+02"),
            (F64(99.95), ".3", "1e+02"),
            (F64(1.5), "10", "       1.5"),
            (F64(1e16), "10", "     1e+16"),
            (Bool(true), "5", "    1"),
            (Bool(true), "", "True"),
            (F64(-0.0), "z.2f", "0.00"),
            (F64(-0.0), ".2f", "-0.00"),
            (F64(1234567.891), ",.2f", "1,234,567.89"),
            (I64(1234), "010,", "00,001,234"),
            (F64(0.5), ".0f", "0"),
            (F64(1.5), ".0f", "2"),
            (F64(2.5), ".0f", "2"),
            (F64(0.125), ".2f", "0.12"),
            (I64(12345), "_x", "3039"),
            (I64(12345678), "_b", "1011_1100_0110_0001_0100_1110"),
            (I64(-5), "#x", "-0x5"),
            (I64(5), "=+8", "+      5"),
            (F64(1.23456), "^12.3f", "   1.235    "),
            (F64(1.0), "%", "100.000000%"),
            (F64(1e-5), "", "1e-05"),
            (F64(1e22), ".3", "1e+22"),
            (F64(2.0), "g", "2"),
            (F64(2.0), "#g", "2.00000"),
            (F64(1e6), "g", "1e+06"),
            (F64(1e-4), "g", "0.0001"),
            (I64(123456789), "e", "1.234568e+08"),
            (I64(5), ".2f", "5.00"),
            (F64(f64::NAN), "f", "nan"),
            (F64(f64::NEG_INFINITY), "08.2f", "-0000inf"),
            (F64(-1.5), "08.2f", "-0001.50"),
            (F64(2.0), "E", "2.000000E+00"),
            (I32(-42), "*^9", "***-42***"),
            (U64(u64::MAX), ",", "18,446,744,073,709,551,615"),
            (F32(0.1), ".10f", "0.1000000015"),
            (F32(0.1), "", "0.10000000149011612"),
            (F64(0.0), ".3", "0.0"),
            (F64(0.0), "g", "0"),
        ];
        for (v, spec, want) in cases {
            assert_eq!(f(*v, spec), *want, "format({v:?}, {spec:?})");
        }
    }

    #[test]
    fn percent_formatting_matches_python() {
        use Scalar::*;
        assert_eq!(
            pct(
                "%5s|%-5d|%05d|%-05d|%+.2f|% d|%.3d|%#x|%#o|%e|%g|%.0e|%#.0f",
                &[
                    F64(1.5),
                    I64(7),
                    I64(-3),
                    I64(-3),
                    F64(1.5),
                    I64(4),
                    I64(5),
                    I64(255),
                    I64(8),
                    F64(12345.678),
                    F64(0.0001),
                    F64(5.5),
                    F64(2.0)
                ]
            ),
            "  1.5|7    |-0003|-3   |+1.50| 4|005|0xff|0o10|1.234568e+04|0.0001|6e+00|2."
        );
        assert_eq!(pct("%d", &[F64(3.7)]), "3");
        assert_eq!(pct("%d", &[F64(-0.5)]), "0");
        assert_eq!(pct("%s", &[Bool(true)]), "True");
        assert_eq!(pct("%5.1f%%", &[F64(12.34)]), " 12.3%");
        assert_eq!(pct("%i items", &[I32(3)]), "3 items");
    }

    #[test]
    fn bad_specifications_are_refused_as_python_does() {
        let bad = |spec: &str, kind| parse_spec(spec).and_then(|s| check(&s, kind)).unwrap_err();
        assert_eq!(
            bad("d", Kind::Float),
            "Unknown format code 'd' for object of type 'float'"
        );
        assert_eq!(
            bad(".2d", Kind::Int),
            "Precision not allowed in integer format specifier"
        );
        assert_eq!(
            bad("+", Kind::Str),
            "Sign not allowed in string format specifier"
        );
        assert_eq!(bad("5q", Kind::Int), "invalid format specifier '5q'");
        assert!(bad("99999999", Kind::Int).contains("too large"));
        assert!(parse_percent("%(x)s").is_err());
        assert!(parse_percent("%").is_err());
        assert!(parse_percent("%y").is_err());
        let x = parse_percent("%x").unwrap();
        let Piece::Conversion(s) = &x[0] else {
            panic!("not a conversion")
        };
        assert!(check(s, Kind::Float).is_err());
        let nan = format_field(Field::Scalar(Scalar::F64(f64::NAN)), s);
        assert!(
            nan.is_ok(),
            "%x of a float is refused at compile time, not here"
        );
    }
}
