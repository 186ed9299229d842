//! The dispatcher: a parsed source whose functions are compiled once per argument
//! signature (function name and argument types, as Numba's dispatcher does) and cached;
//! later calls are a lookup, the binder's conversions and an indirect call.

use crate::api::{Arg, Input, Output};
use crate::bind::{self, Params, Slot};
use crate::exec::{Compiled, RunOptions};
use crate::{CompileError, Error, Source};
use kernelc_codegen::JitProgram;
use kernelc_interp::Value;
use kernelc_runtime::rng::Rng;
use kernelc_sema::tir::Type;
use kernelc_syntax::ast;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, RwLock};

/// A bound call: the inputs in parameter order and the signature they compile for.
type BoundCall = (Vec<Input>, Vec<Type>);

/// Compiled functions by (name, argument types).
type Cache = HashMap<(String, Vec<Type>), Arc<Compiled>>;

/// A source module whose functions compile on first call per signature.
pub struct Dispatcher {
    src: Arc<Source>,
    module: ast::Module,
    cache: RwLock<Cache>,
    rng: Mutex<Rng>,
}

impl Dispatcher {
    /// Parses a source text (every syntax error is reported).
    pub fn new(name: &str, text: &str) -> Result<Dispatcher, CompileError> {
        Dispatcher::from_source(Source::new(name, text))
    }

    /// Parses a source (every syntax error is reported).
    pub fn from_source(src: Source) -> Result<Dispatcher, CompileError> {
        let module = crate::parse(&src)?;
        Ok(Dispatcher {
            src: Arc::new(src),
            module,
            cache: RwLock::new(HashMap::new()),
            rng: Mutex::new(Rng::default()),
        })
    }

    /// The source text.
    pub fn source(&self) -> &Source {
        &self.src
    }

    /// The parameters of function `name` (the last definition of that name, as in Python).
    pub fn params(&self, name: &str) -> Option<Params> {
        self.module.items.iter().rev().find_map(|i| match i {
            ast::Item::Func(f) if f.name.name == name => Some(Params::of(&self.module, f)),
            _ => None,
        })
    }

    /// Compiles `func` for argument types `sig` to the typed IR (cached).
    pub fn entry(&self, func: &str, sig: &[Type]) -> Result<Arc<Compiled>, Error> {
        let key = (func.to_string(), sig.to_vec());
        if let Some(c) = self.cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(c);
        }
        let program = crate::compile(&self.src, &self.module, func, sig)?;
        let compiled = Arc::new(Compiled::new(self.src.clone(), program));
        if let Ok(mut c) = self.cache.write() {
            c.insert(key, compiled.clone());
        }
        Ok(compiled)
    }

    /// Compiles `func` for argument types `sig` to native code now (eager compilation),
    /// unless cached.
    pub fn compile(&self, func: &str, sig: &[Type]) -> Result<Arc<JitProgram>, Error> {
        self.entry(func, sig)?.jit().cloned()
    }

    /// Binds a call of `func` (positional arguments, then named ones), compiles it for the
    /// argument types unless cached, and runs it with `options`; what it prints goes to
    /// `out`.
    pub fn invoke(
        &self,
        func: &str,
        positional: &[Arg<'_>],
        named: &[(&str, Arg<'_>)],
        options: &RunOptions,
        out: &mut dyn Write,
    ) -> Result<Output, Error> {
        let (inputs, sig) = self.bind(func, positional, named)?;
        let compiled = self.entry(func, &sig)?;
        self.run(&compiled, &inputs, options, out)
    }

    /// The binder's first two steps for a call of `func`: the inputs in parameter order and
    /// the signature they compile for.
    pub(crate) fn bind(
        &self,
        func: &str,
        positional: &[Arg<'_>],
        named: &[(&str, Arg<'_>)],
    ) -> Result<BoundCall, Error> {
        let params = self.params(func).ok_or_else(|| self.no_function(func))?;
        let names: Vec<&str> = named.iter().map(|(n, _)| *n).collect();
        let inputs: Vec<Input> = params
            .order(positional.len(), &names)?
            .into_iter()
            .map(|s| match s {
                Slot::Positional(k) => positional[k].input.clone(),
                Slot::Named(k) => named[k].1.input.clone(),
                Slot::Default(value) => Input::Scalar {
                    value,
                    literal: true,
                },
            })
            .collect();
        let inputs = bind::adapt(&params, inputs);
        let sig: Vec<Type> = inputs.iter().map(bind::type_of_input).collect();
        Ok((inputs, sig))
    }

    /// Runs a compiled signature on inputs in parameter order.
    pub(crate) fn run(
        &self,
        compiled: &Compiled,
        inputs: &[Input],
        options: &RunOptions,
        out: &mut dyn Write,
    ) -> Result<Output, Error> {
        let (values, borrowed) = compiled.binding().values(inputs)?;
        let mut rng = self.rng.lock().map(|r| *r).unwrap_or_default();
        let r = compiled.run(options, values, out, &mut rng);
        if let Ok(mut g) = self.rng.lock() {
            *g = rng;
        }
        Ok(Output::from_value(r?, &borrowed))
    }

    /// Calls `func` with `args` under native code, compiling it for their types on the
    /// first call; what it prints goes to `out`.
    pub fn call_with_output(
        &self,
        func: &str,
        args: &[Value],
        out: &mut dyn Write,
    ) -> Result<Value, Error> {
        let args = args
            .iter()
            .enumerate()
            .map(|(k, v)| Arg::from_value(v, &format!("argument {} of {func}()", k + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        self.invoke(func, &args, &[], &RunOptions::default(), out)
            .map(Output::into_value)
    }

    /// Runs already compiled native code (from [`Dispatcher::compile`]) on values of its
    /// argument types; annotated scalar parameters widen their values. The random
    /// generator's state carries over between calls.
    pub fn call_compiled(
        &self,
        jit: &JitProgram,
        args: &[Value],
        out: &mut dyn Write,
    ) -> Result<Value, Error> {
        let program = jit.source_program();
        let f = &program.funcs[program.entry];
        // Fast path: arguments that already have the compiled parameter types (the usual
        // case of a cached signature) go straight to the code; others are bound.
        let exact = args.len() == f.params.len()
            && args.iter().zip(&f.params).all(|(v, &p)| {
                let want = f.locals[p].ty;
                match (v, want) {
                    (Value::Scalar(s), Type::Scalar(d)) => s.dtype() == d,
                    (Value::Array(a), Type::Array(t)) => {
                        a.dtype() == t.dtype && a.ndim() == t.ndim as usize
                    }
                    _ => false,
                }
            });
        let bound;
        let values = if exact {
            args
        } else {
            let binding = bind::Binding::of_types(program);
            let inputs = args
                .iter()
                .enumerate()
                .map(|(k, v)| Arg::from_value(v, &format!("argument {}", k + 1)).map(|a| a.input))
                .collect::<Result<Vec<_>, _>>()?;
            bound = binding.values(&inputs)?.0;
            &bound[..]
        };
        let mut rng = self.rng.lock().map(|r| *r).unwrap_or_default();
        let r = jit.call(program.entry, values, out, &mut rng);
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
