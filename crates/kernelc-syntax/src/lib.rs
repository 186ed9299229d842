//! Front end of kernelc: the lexer (with INDENT/DEDENT tokens), the parser and the AST.
//!
//! The parser never panics and never stops at the first error: it returns the tree it could
//! build together with every diagnostic it found.

pub mod ast;
mod diag;
pub mod dump;
pub mod fstring;
pub mod lexer;
pub mod parser;

pub use diag::{Diagnostic, Label, LineIndex, Span};
pub use dump::{dump_expr, dump_module, unparse_expr};
pub use lexer::{lone_cr_to_lf, normalize_source};
pub use parser::{parse_expression, parse_module};
