//! `--arg NAME=VALUE` options: parsing, loading the values, and binding them by name to
//! the parameters of the entry function.
//!
//! A value is a `.npy` file (a path ending in `.npy`), or a literal: an int (`100`,
//! `-3`, `1_000`: `int64`), a float (`2.5`, `1e-3`, `nan`, `inf`, `-inf`: `float64`) or
//! `True`/`False`. A literal passed to a parameter annotated with a scalar type takes that
//! type when it fits (`--arg n=5` for `n: i32`), as a Python literal would.

use crate::CliError;
use kernelc::{DType, Scalar, Type, Value};
use kernelc_syntax::ast;
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

/// Parses every `--arg` (usage errors: bad syntax, bad names, bad literals, duplicates).
pub fn parse_all(raw: &[String]) -> Result<Vec<Arg>, CliError> {
    let mut args: Vec<Arg> = Vec::new();
    for r in raw {
        let arg = parse_one(r)?;
        if args.iter().any(|a| a.name == arg.name) {
            return Err(CliError::Usage(format!(
                "argument '{}' is given twice",
                arg.name
            )));
        }
        args.push(arg);
    }
    Ok(args)
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

/// Loads the values (reads the `.npy` files); file errors exit with 1.
pub fn load(args: &[Arg]) -> Result<Vec<(String, Value)>, CliError> {
    args.iter()
        .map(|a| {
            let v = match &a.value {
                ArgValue::File(p) => crate::npy::read(p).map_err(CliError::Kernel)?,
                ArgValue::Int(i) => Value::Scalar(Scalar::I64(*i)),
                ArgValue::Float(f) => Value::Scalar(Scalar::F64(*f)),
                ArgValue::Bool(b) => Value::Scalar(Scalar::Bool(*b)),
            };
            Ok((a.name.clone(), v))
        })
        .collect()
}

/// The function `name` of a module (the last definition, as in Python).
pub fn find_function<'m>(module: &'m ast::Module, name: &str) -> Option<&'m ast::FuncDef> {
    module.items.iter().rev().find_map(|i| match i {
        ast::Item::Func(f) if f.name.name == name => Some(f),
        _ => None,
    })
}

/// Orders the arguments as the parameters of `func` (usage errors: unknown or missing
/// names).
pub fn bind(func: &ast::FuncDef, args: &[Arg]) -> Result<Vec<Arg>, CliError> {
    let names: Vec<&str> = func.params.iter().map(|p| p.name.name.as_str()).collect();
    let fname = &func.name.name;
    let header = format!("{fname}({})", names.join(", "));
    for a in args {
        if !names.contains(&a.name.as_str()) {
            let takes = if names.is_empty() {
                "it takes no arguments".to_string()
            } else {
                format!("its parameters: {}", names.join(", "))
            };
            return Err(CliError::Usage(format!(
                "{fname}() has no parameter named '{}' ({takes})",
                a.name
            )));
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !args.iter().any(|a| a.name == *n))
        .collect();
    match missing.as_slice() {
        [] => {}
        [one] => {
            return Err(CliError::Usage(format!(
                "missing argument of {header}: {one} (pass it as --arg {one}=VALUE)"
            )))
        }
        many => {
            return Err(CliError::Usage(format!(
                "missing arguments of {header}: {} (pass each as --arg NAME=VALUE)",
                many.join(", ")
            )))
        }
    }
    Ok(names
        .iter()
        .filter_map(|n| args.iter().find(|a| a.name == *n).cloned())
        .collect())
}

/// Gives literals the scalar type their parameter is annotated with, when they fit
/// (`--arg n=5` for `n: i32`, `--arg x=0.5` for `x: f32`).
pub fn apply_annotations(func: &ast::FuncDef, args: &[Arg], values: &mut [(String, Value)]) {
    for ((p, a), (_, v)) in func.params.iter().zip(args).zip(values.iter_mut()) {
        let Some(want) = p.ann.as_ref().and_then(scalar_annotation) else {
            continue;
        };
        let new = match (&a.value, want) {
            (ArgValue::Int(i), DType::I32) => i32::try_from(*i).ok().map(Scalar::I32),
            (ArgValue::Int(i), DType::F32) => Some(Scalar::F32(*i as f32)),
            (ArgValue::Int(i), DType::F64) => Some(Scalar::F64(*i as f64)),
            (ArgValue::Float(f), DType::F32) => Some(Scalar::F32(*f as f32)),
            _ => None,
        };
        if let Some(s) = new {
            *v = Value::Scalar(s);
        }
    }
}

/// The scalar type an annotation names (`i32`, `np.float32`), if it names one.
fn scalar_annotation(e: &ast::Expr) -> Option<DType> {
    match &e.kind {
        ast::ExprKind::Name(n) => DType::from_name(n),
        ast::ExprKind::Attribute(m, a) if matches!(m.kind, ast::ExprKind::Name(_)) => {
            DType::from_name(&a.name)
        }
        _ => None,
    }
}

/// The type of a value, as a signature entry.
pub fn type_of(v: &Value) -> Option<Type> {
    match v {
        Value::Scalar(s) => Some(Type::Scalar(s.dtype())),
        Value::Array(a) => Some(Type::Array(kernelc::ArrayType {
            dtype: a.dtype(),
            ndim: u8::try_from(a.ndim()).ok()?,
        })),
        _ => None,
    }
}

/// Converts scalar arguments to the parameter types the program was compiled with
/// (annotations may widen: an `int64` value for an `f64` parameter).
pub fn convert_to_params(program: &kernelc::Program, values: &mut [Value]) {
    let Some(f) = program.funcs.get(program.entry) else {
        return;
    };
    for (v, &p) in values.iter_mut().zip(&f.params) {
        let (Value::Scalar(s), Some(Type::Scalar(d))) = (&*v, f.locals.get(p).map(|l| l.ty)) else {
            continue;
        };
        if s.dtype() != d {
            *v = Value::Scalar(cast(*s, d));
        }
    }
}

fn cast(s: Scalar, d: DType) -> Scalar {
    match d {
        DType::Bool => Scalar::Bool(s.truthy()),
        DType::I32 => Scalar::I32(s.as_i64() as i32),
        DType::I64 => Scalar::I64(s.as_i64()),
        DType::F32 => Scalar::F32(s.as_f64() as f32),
        DType::F64 => Scalar::F64(s.as_f64()),
    }
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
