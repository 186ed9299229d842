//! `--arg NAME=VALUE` options: parsing and loading the values. Binding them by name to the
//! parameters of the entry function is the facade's binder (`kernelc::Function`).
//!
//! A value is a `.npy` file (a path ending in `.npy`), or a literal: an int (`100`,
//! `-3`, `1_000`: `int64`), a float (`2.5`, `1e-3`, `nan`, `inf`, `-inf`: `float64`) or
//! `True`/`False`. A literal passed to a parameter annotated with a scalar type takes that
//! type when it fits (`--arg n=5` for `n: i32`), as a Python literal would.

use crate::CliError;
use kernelc::{Output, Scalar};
use std::path::PathBuf;

/// One `--arg`, parsed but not loaded.
#[derive(Clone, Debug)]
pub struct Arg {
    pub name: String,
    pub value: ArgValue,
}

/// What an `--arg` names.
#[derive(Clone, Debug)]
pub enum ArgValue {
    File(PathBuf),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Parses every `--arg` (usage errors: bad syntax, bad names, bad literals). Repeated
/// names are the binder's to report, as for every front end.
pub fn parse_all(raw: &[String]) -> Result<Vec<Arg>, CliError> {
    raw.iter().map(|r| parse_one(r)).collect()
}

fn parse_one(raw: &str) -> Result<Arg, CliError> {
    let Some((name, value)) = raw.split_once('=') else {
        return Err(CliError::Usage(format!(
            "--arg '{raw}' must be NAME=VALUE (e.g. --arg n=100 or --arg a=data.npy)"
        )));
    };
    let name = name.trim();
    if !is_identifier(name) {
        return Err(CliError::Usage(format!(
            "--arg '{raw}': '{name}' is not a parameter name"
        )));
    }
    let value = parse_value(value).map_err(|why| CliError::Usage(format!("--arg {raw}: {why}")))?;
    Ok(Arg {
        name: name.to_string(),
        value,
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Classifies a value: `.npy` path, bool, int or float literal.
pub fn parse_value(text: &str) -> Result<ArgValue, String> {
    let t = text.trim();
    if t.to_ascii_lowercase().ends_with(".npy") {
        return Ok(ArgValue::File(PathBuf::from(text)));
    }
    match t {
        "True" => return Ok(ArgValue::Bool(true)),
        "False" => return Ok(ArgValue::Bool(false)),
        _ => {}
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let underscores_ok =
        !digits.starts_with('_') && !digits.ends_with('_') && !digits.contains("__");
    let plain = t.replace('_', "");
    if !digits.is_empty()
        && underscores_ok
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return plain
            .parse::<i64>()
            .map(ArgValue::Int)
            .map_err(|_| format!("the integer {t} does not fit in int64"));
    }
    let word = digits.to_ascii_lowercase();
    let float_chars = digits
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'));
    if (underscores_ok && float_chars && digits.chars().any(|c| c.is_ascii_digit()))
        || matches!(word.as_str(), "nan" | "inf" | "infinity")
    {
        if let Ok(f) = plain.parse::<f64>() {
            return Ok(ArgValue::Float(f));
        }
    }
    Err(format!(
        "'{text}' is not a value: write a .npy file path, an int (100), a float (2.5, 1e-3, \
         nan, inf) or True/False"
    ))
}

/// Loads the values (reads the `.npy` files): literals stay literals (an annotated
/// parameter gives them its type when they fit, see [`kernelc::Arg::literal`]).
pub fn load(args: &[Arg]) -> Result<Vec<(String, kernelc::Arg<'static>)>, CliError> {
    args.iter()
        .map(|a| {
            let v = match &a.value {
                ArgValue::File(p) => match kernelc::npy::read(p)? {
                    Output::Array(a) => kernelc::Arg::array(a),
                    Output::Scalar(s) => kernelc::Arg::scalar(s),
                    _ => {
                        return Err(CliError::Kernel(kernelc::Error::Internal(
                            "the .npy reader returned neither an array nor a scalar".into(),
                        )))
                    }
                },
                ArgValue::Int(i) => kernelc::Arg::literal(Scalar::I64(*i)),
                ArgValue::Float(f) => kernelc::Arg::literal(Scalar::F64(*f)),
                ArgValue::Bool(b) => kernelc::Arg::literal(Scalar::Bool(*b)),
            };
            Ok((a.name.clone(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert!(matches!(parse_value("100"), Ok(ArgValue::Int(100))));
        assert!(matches!(parse_value("-3"), Ok(ArgValue::Int(-3))));
        assert!(matches!(parse_value("1_000"), Ok(ArgValue::Int(1000))));
        assert!(matches!(parse_value("2.5"), Ok(ArgValue::Float(f)) if f == 2.5));
        assert!(matches!(parse_value("1e-3"), Ok(ArgValue::Float(f)) if f == 1e-3));
        assert!(matches!(parse_value("-inf"), Ok(ArgValue::Float(f)) if f == f64::NEG_INFINITY));
        assert!(matches!(parse_value("nan"), Ok(ArgValue::Float(f)) if f.is_nan()));
        assert!(matches!(parse_value("True"), Ok(ArgValue::Bool(true))));
        assert!(matches!(parse_value("x.npy"), Ok(ArgValue::File(_))));
        for bad in [
            "", "abc", "true", "1__0", "_1", "e5", ".", "1.2.3", "0x10", "data.bin",
        ] {
            assert!(parse_value(bad).is_err(), "{bad}");
        }
        assert!(parse_value("99999999999999999999")
            .unwrap_err()
            .contains("does not fit in int64"));
    }
}
