//! IR listings through the facade (`kernelc ir --stage ...`): each stage of the pipeline
//! as text, so that no tool needs a stage crate to show it.

use crate::{CompileError, Error, Source};
use kernelc_codegen::Listing;

/// A stage of the pipeline whose form can be listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The syntax tree of the whole file.
    Ast,
    /// The typed IR of the entry function and everything it calls.
    Typed,
    /// The planned functions and their loop nests (what the code generator consumes).
    Loops,
    /// Cranelift IR of every compiled function.
    Clif,
    /// Machine code of every compiled function.
    Asm,
}

/// The listing of `entry` (called without arguments) at `stage`.
///
/// ```
/// use kernelc::{listing, Source, Stage};
/// let src = Source::new("k.k", "def main():\n    print(1 + 2)\n");
/// assert!(listing(&src, "main", Stage::Typed).unwrap().contains("main"));
/// assert!(listing(&src, "main", Stage::Clif).unwrap().contains("function"));
/// ```
pub fn listing(src: &Source, entry: &str, stage: Stage) -> Result<String, Error> {
    let module = crate::parse(src)?;
    if stage == Stage::Ast {
        return Ok(kernelc_syntax::dump::dump_module(&module));
    }
    let program =
        kernelc_sema::compile(&module, entry, &[]).map_err(|d| CompileError::new(src, d))?;
    Ok(match stage {
        Stage::Ast | Stage::Typed => kernelc_sema::pretty::print_program(&program),
        Stage::Loops => crate::loops_listing(&program),
        Stage::Clif | Stage::Asm => {
            let kind = if stage == Stage::Clif {
                Listing::Clif
            } else {
                Listing::Asm
            };
            crate::exec::compile_native(&program, kind)?
                .listing
                .join("\n")
        }
    })
}
