//! The executor choice: one function compiled for one signature ([`Compiled`]) runs under
//! the executor a caller selects ([`Executor`], with [`RunOptions`]). This is the only
//! place above the stage crates that constructs an interpreter or a JIT program: the CLI,
//! the benchmark harness, the fuzzer and the Python package select an executor here.

use crate::bind::Binding;
use crate::{Error, Source};
use kernelc_codegen::{JitProgram, Listing};
use kernelc_interp::Value;
use kernelc_runtime::memory::{self, MemoryLimit};
use kernelc_runtime::rng::Rng;
use kernelc_runtime::Interrupt;
use kernelc_sema::tir::Program;
use std::io::Write;
use std::sync::{Arc, OnceLock};

/// Which executor runs a program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Executor {
    /// The reference interpreter (the oracle: same output as native code, bit for bit).
    Interp,
    /// Native code compiled with Cranelift.
    #[default]
    Jit,
}

/// How the calls of a kernel run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The executor.
    pub executor: Executor,
    /// Threads for parallel loops (`None`: all cores). Results never depend on it.
    pub threads: Option<usize>,
    /// Stops a run with an error where it is (a loop or a call) when triggered.
    pub interrupt: Option<Interrupt>,
    /// Caps the bytes of arrays one call may hold at once (see
    /// [`kernelc_runtime::memory`]); `None`: no cap beyond what the system gives.
    pub max_memory: Option<usize>,
}

/// One function compiled for one signature: the typed program (what the interpreter runs),
/// native code (generated on first use by the JIT), and what the binder needs.
pub struct Compiled {
    src: Arc<Source>,
    program: Arc<Program>,
    binding: Binding,
    jit: OnceLock<Result<Arc<JitProgram>, Error>>,
}

impl Compiled {
    /// Wraps a typed program compiled from `src`.
    pub(crate) fn new(src: Arc<Source>, program: Program) -> Compiled {
        let binding = Binding::new(&program);
        Compiled {
            src,
            program: Arc::new(program),
            binding,
            jit: OnceLock::new(),
        }
    }

    /// The typed program.
    pub fn program(&self) -> &Arc<Program> {
        &self.program
    }

    /// The binder's view of the compiled signature.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// The source the program was compiled from.
    pub fn source(&self) -> &Source {
        &self.src
    }

    /// Native code of the program, generated on the first call.
    pub fn jit(&self) -> Result<&Arc<JitProgram>, Error> {
        self.jit
            .get_or_init(|| compile_native(&self.program, Listing::None).map(Arc::new))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Runs the entry function on values of its parameter types (see
    /// [`Binding::values`](crate::bind::Binding)). `rng` is the random generator's state,
    /// updated by the run.
    pub(crate) fn run(
        &self,
        options: &RunOptions,
        values: Vec<Value>,
        out: &mut dyn Write,
        rng: &mut Rng,
    ) -> Result<Value, Error> {
        let entry = self.program.entry;
        // An entry function that takes or returns complex values runs in the interpreter:
        // the native entry's word interface cannot carry them. (Inside a program, native
        // code runs complex scalars itself and hands other complex work to the
        // interpreter function by function.)
        let f = &self.program.funcs[entry];
        let is_cx = |t: kernelc_sema::Type| {
            let mut leaves = Vec::new();
            kernelc_sema::tuples::leaves_of(t, &mut leaves);
            leaves
                .iter()
                .any(|l| l.dtype().is_some_and(|d| d.is_complex()))
        };
        let complex = is_cx(f.ret) || f.params.iter().any(|&p| is_cx(f.locals[p].ty));
        let jit = match options.executor {
            Executor::Jit if !complex => Some(self.jit()?),
            _ => None,
        };
        let limit = options.max_memory.map(MemoryLimit::new);
        let r = memory::with_limit(limit, || match jit {
            Some(jit) => jit.call_with(
                entry,
                &values,
                out,
                rng,
                options.interrupt.as_ref(),
                options.threads.unwrap_or(0),
            ),
            None => {
                let mut interp = kernelc_interp::Interpreter::new(&self.program, out);
                if let Some(i) = &options.interrupt {
                    interp.set_interrupt(i.clone());
                }
                if let Some(n) = options.threads {
                    interp.set_threads(n);
                }
                interp.set_rng(*rng);
                let r = interp.call(entry, values);
                *rng = interp.rng();
                r
            }
        });
        r.map_err(|e| Error::at_runtime(&self.src, e))
    }
}

/// Native code for a typed program (a failure of the code generator is a bug of kernelc).
pub(crate) fn compile_native(program: &Program, listing: Listing) -> Result<JitProgram, Error> {
    JitProgram::compile(program.clone(), listing)
        .map_err(|e| Error::Internal(format!("the code generator failed: {e}")))
}
