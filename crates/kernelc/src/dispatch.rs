//! The dispatcher: a parsed source whose functions are compiled to native code once per
//! argument signature (function name and argument types, as Numba's dispatcher does) and
//! cached; later calls are a lookup and an indirect call.

use crate::{CompileError, Error, Source};
use kernelc_codegen::{JitProgram, Listing};
use kernelc_interp::Value;
use kernelc_runtime::rng::Rng;
use kernelc_sema::tir::{ArrayType, Type};
use kernelc_syntax::ast;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, RwLock};

/// Compiled code of one function for one signature.
type Compiled = Arc<JitProgram>;

/// A source module whose functions compile on first call per signature.
pub struct Dispatcher {
    src: Source,
    module: ast::Module,
    cache: RwLock<HashMap<(String, Vec<Type>), Compiled>>,
    rng: Mutex<Rng>,
}

/// The type of a run-time value, as a signature entry.
pub fn type_of(v: &Value) -> Option<Type> {
    match v {
        Value::Scalar(s) => Some(Type::Scalar(s.dtype())),
        Value::Array(a) => Some(Type::Array(ArrayType {
            dtype: a.dtype(),
            ndim: a.ndim() as u8,
        })),
        _ => None,
    }
}

impl Dispatcher {
    /// Parses a source text (every syntax error is reported).
    pub fn new(name: &str, text: &str) -> Result<Dispatcher, CompileError> {
        let src = Source::new(name, text);
        let module = crate::parse(&src)?;
        Ok(Dispatcher {
            src,
            module,
            cache: RwLock::new(HashMap::new()),
            rng: Mutex::new(Rng::default()),
        })
    }

    /// Compiles `func` for argument types `sig` now (eager compilation), unless cached.
    pub fn compile(&self, func: &str, sig: &[Type]) -> Result<Compiled, Error> {
        let key = (func.to_string(), sig.to_vec());
        if let Some(c) = self.cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(c);
        }
        let program = crate::compile(&self.src, &self.module, func, sig)?;
        let jit = Arc::new(crate::compile_native(&self.src, program, Listing::None)?);
        if let Ok(mut c) = self.cache.write() {
            c.insert(key, jit.clone());
        }
        Ok(jit)
    }

    /// Calls `func` with `args`, compiling it for their types on the first call; what it
    /// prints goes to `out`.
    pub fn call_with_output(
        &self,
        func: &str,
        args: &[Value],
        out: &mut dyn Write,
    ) -> Result<Value, Error> {
        let mut sig = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            match type_of(a) {
                Some(t) => sig.push(t),
                None => {
                    return Err(Error::Argument(format!(
                        "argument {} of {func}() is not a number or an array",
                        i + 1
                    )))
                }
            }
        }
        let jit = self.compile(func, &sig)?;
        self.call_compiled(&jit, args, out)
    }

    /// Runs an already compiled function (the random generator's state carries over
    /// between calls).
    pub fn call_compiled(
        &self,
        jit: &JitProgram,
        args: &[Value],
        out: &mut dyn Write,
    ) -> Result<Value, Error> {
        let mut rng = self.rng.lock().map(|r| *r).unwrap_or_default();
        let r = jit.call(jit.source_program().entry, args, out, &mut rng);
        if let Ok(mut g) = self.rng.lock() {
            *g = rng;
        }
        r.map_err(|e| Error::at_runtime(&self.src, e))
    }

    /// True when the source defines a function of this name.
    pub fn has_function(&self, name: &str) -> bool {
        kernelc_sema::function_names(&self.module).contains(&name)
    }

    /// The compile error for a function name the source does not define.
    pub fn no_function(&self, name: &str) -> Error {
        CompileError::new(
            &self.src,
            vec![kernelc_syntax::Diagnostic::error(
                kernelc_syntax::Span::default(),
                format!("there is no function named '{name}'"),
            )],
        )
        .into()
    }

    /// Calls `func` with `args` (output of `print` goes to stdout).
    pub fn call(&self, func: &str, args: &[Value]) -> Result<Value, Error> {
        self.call_with_output(func, args, &mut std::io::stdout())
    }

    /// Number of compiled signatures.
    pub fn cached(&self) -> usize {
        self.cache.read().map(|c| c.len()).unwrap_or(0)
    }
}
