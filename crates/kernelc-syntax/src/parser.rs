//! The parser: a recursive-descent parser from tokens to the [`ast`](crate::ast).
//!
//! Expressions follow Python's precedence, lowest first: `a if c else b`, `or`, `and`,
//! `not`, comparisons (chained), `|`, `^`, `&`, `<< >>`, `+ -`, `* / // %`, unary `+ - ~`,
//! `**` (right-associative; its right operand is a unary expression), then calls,
//! subscripts and attributes.
//!
//! Error handling: the parser never panics and reports every error it can. An error inside
//! a statement abandons that statement: the parser skips to the end of its logical line and
//! carries on with the next one; a bad block header still has its block parsed, so errors
//! inside it are found too. Errors at an [`TokenKind::Error`] token are not reported again
//! (the lexer already did). Nesting is capped (`MAX_DEPTH`) so that no input can exhaust
//! the stack, here or in later stages that walk the tree recursively.

use crate::ast::*;
use crate::fstring::FPiece;
use crate::lexer::{lex, Lexed, Token, TokenKind};
use crate::{Diagnostic, Span};

/// Maximum nesting of brackets and prefix operators, and maximum height of an expression
/// tree.
const MAX_DEPTH: u32 = 200;

/// Longest source text compiled, in bytes (16 MiB): far above any kernel, and it bounds
/// the memory and time of every later stage.
pub const MAX_SOURCE_LEN: usize = 16 << 20;

/// The error for a source text longer than [`MAX_SOURCE_LEN`] (nothing else is parsed).
fn too_long(src: &str) -> Option<Diagnostic> {
    (src.len() > MAX_SOURCE_LEN).then(|| {
        Diagnostic::error(
            Span::new(0, 0),
            format!(
                "the source text is {} bytes long, more than the limit of {MAX_SOURCE_LEN} bytes",
                src.len()
            ),
        )
    })
}

/// Maximum nesting of indented blocks (Python's limit too).
const MAX_BLOCK_DEPTH: u32 = 100;

/// Parses a whole `.k` file. Always returns a module (possibly partial) and all the
/// diagnostics found, lexer's and parser's, ordered by position.
pub fn parse_module(src: &str) -> (Module, Vec<Diagnostic>) {
    if let Some(d) = too_long(src) {
        return (Module { items: Vec::new() }, vec![d]);
    }
    let src = &*crate::lexer::lone_cr_to_lf(src);
    let lexed = lex(src, false);
    let lex_diags = lexed.diags.clone();
    let mut p = Parser::new(src, lexed);
    let module = p.module();
    (module, merge(lex_diags, p.diags))
}

/// Parses a stand-alone expression such as `"x + (y**2 + (z*x + 1)*3)"`. Surrounding
/// whitespace and newlines (anywhere, in fact) are ignored. Returns `None` when no
/// expression could be built; the diagnostics then say why.
pub fn parse_expression(src: &str) -> (Option<Expr>, Vec<Diagnostic>) {
    if let Some(d) = too_long(src) {
        return (None, vec![d]);
    }
    let src = &*crate::lexer::lone_cr_to_lf(src);
    let lexed = lex(src, true);
    let lex_diags = lexed.diags.clone();
    let mut p = Parser::new(src, lexed);
    let expr = p.standalone_expression();
    (expr, merge(lex_diags, p.diags))
}

fn merge(mut a: Vec<Diagnostic>, b: Vec<Diagnostic>) -> Vec<Diagnostic> {
    a.extend(b);
    a.sort_by_key(|d| (d.span.start, d.span.end));
    a
}

/// Marker: an error was reported (or deliberately not, at an `Error` token); the current
/// statement is abandoned.
#[derive(Debug)]
struct Reported;

type PResult<T> = Result<T, Reported>;

/// An expression under construction, with the height of its tree.
struct Sub {
    expr: Expr,
    height: u32,
}

impl Sub {
    fn leaf(kind: ExprKind, span: Span) -> Sub {
        Sub {
            expr: Expr { kind, span },
            height: 1,
        }
    }
}

fn boxed(s: Sub) -> Box<Expr> {
    Box::new(s.expr)
}

/// Binary operators with their precedence (higher binds tighter).
fn binary_op(kind: &TokenKind) -> Option<(BinOp, u8)> {
    Some(match kind {
        TokenKind::Pipe => (BinOp::BitOr, 1),
        TokenKind::Caret => (BinOp::BitXor, 2),
        TokenKind::Amp => (BinOp::BitAnd, 3),
        TokenKind::Shl => (BinOp::Shl, 4),
        TokenKind::Shr => (BinOp::Shr, 4),
        TokenKind::Plus => (BinOp::Add, 5),
        TokenKind::Minus => (BinOp::Sub, 5),
        TokenKind::Star => (BinOp::Mul, 6),
        TokenKind::At => (BinOp::MatMul, 6),
        TokenKind::Slash => (BinOp::Div, 6),
        TokenKind::DoubleSlash => (BinOp::FloorDiv, 6),
        TokenKind::Percent => (BinOp::Mod, 6),
        _ => return None,
    })
}

fn compare_op(kind: &TokenKind) -> Option<CmpOp> {
    Some(match kind {
        TokenKind::Lt => CmpOp::Lt,
        TokenKind::Le => CmpOp::Le,
        TokenKind::Gt => CmpOp::Gt,
        TokenKind::Ge => CmpOp::Ge,
        TokenKind::EqEq => CmpOp::Eq,
        TokenKind::NotEq => CmpOp::Ne,
        _ => return None,
    })
}

/// Can this token start an expression?
fn starts_expr(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name(_)
            | TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Imag(_)
            | TokenKind::Str(_)
            | TokenKind::FStr(_)
            | TokenKind::True
            | TokenKind::False
            | TokenKind::Not
            | TokenKind::Minus
            | TokenKind::Plus
            | TokenKind::Tilde
            | TokenKind::LParen
            | TokenKind::LBracket
            | TokenKind::LBrace
            | TokenKind::Reserved(_)
            | TokenKind::Error
    )
}

/// What to say about an unsupported Python keyword: the construct, and that it is outside
/// the kernel language (with what to write instead where there is something).
fn reserved_message(word: &str) -> String {
    match word {
        "None" => "'None' is not supported here".into(),
        "is" => "the 'is' operator is outside the kernel language; use '==' or '!='".into(),
        "lambda" => {
            "lambda expressions are outside the kernel language; define a function with 'def' at the top level".into()
        }
        "class" => {
            "classes are outside the kernel language: kernels are functions of numbers and arrays".into()
        }
        "with" => "'with' statements (context managers) are outside the kernel language".into(),
        "try" | "except" | "finally" => {
            "exception handling (try/except/finally) is outside the kernel language".into()
        }
        "raise" => {
            "'raise' is outside the kernel language: kernels cannot raise exceptions (use assert)"
                .into()
        }
        "global" | "nonlocal" => format!(
            "'{word}' declarations are outside the kernel language; pass values in as arguments and return results"
        ),
        "yield" => {
            "generators ('yield') are outside the kernel language; fill an array in a loop instead"
                .into()
        }
        "async" | "await" => {
            "asynchronous code ('async'/'await') is outside the kernel language".into()
        }
        "del" => "'del' statements are outside the kernel language".into(),
        _ => format!("'{word}' statements are outside the kernel language"),
    }
}

struct Parser<'src> {
    src: &'src str,
    tokens: Vec<Token>,
    /// Returned when reading past the end (cannot happen: the last token is `Eof` and
    /// `bump` never moves past it; this keeps indexing infallible anyway).
    eof: Token,
    pos: usize,
    /// End of the last consumed token.
    prev_end: u32,
    /// Opening brackets the lexer reported as never closed.
    unclosed: Vec<Span>,
    /// Current expression recursion depth (nested brackets, prefix operators).
    depth: u32,
    /// Current block nesting depth.
    block_depth: u32,
    /// Parsing a decorator line: its options may hold dicts and sets
    /// (`fastmath={"nsz", "arcp"}`, `locals={...}`), which are skipped.
    in_decorator: bool,
    diags: Vec<Diagnostic>,
}

impl<'src> Parser<'src> {
    fn new(src: &'src str, lexed: Lexed) -> Parser<'src> {
        let end = Span::new(src.len(), src.len());
        Parser {
            src,
            tokens: lexed.tokens,
            unclosed: lexed.unclosed,
            eof: Token {
                kind: TokenKind::Eof,
                span: end,
            },
            pos: 0,
            prev_end: 0,
            depth: 0,
            in_decorator: false,
            block_depth: 0,
            diags: Vec::new(),
        }
    }

    // ---------------------------------------------------------------- token helpers

    fn tok(&self) -> &Token {
        self.tokens.get(self.pos).unwrap_or(&self.eof)
    }

    fn peek(&self) -> &TokenKind {
        &self.tok().kind
    }

    fn peek_nth(&self, n: usize) -> &TokenKind {
        self.tokens
            .get(self.pos + n)
            .map_or(&self.eof.kind, |t| &t.kind)
    }

    fn at(&self, kind: &TokenKind) -> bool {
        self.peek() == kind
    }

    fn bump(&mut self) -> Token {
        let tok = self.tok().clone();
        if tok.kind != TokenKind::Eof {
            self.pos += 1;
            self.prev_end = tok.span.end;
        }
        tok
    }

    fn eat(&mut self, kind: &TokenKind) -> Option<Span> {
        self.at(kind).then(|| self.bump().span)
    }

    /// The span from `start` to the end of the last consumed token.
    fn since(&self, start: Span) -> Span {
        Span {
            start: start.start,
            end: self.prev_end.max(start.end),
        }
    }

    /// 1-based line number of a byte offset (for messages that name another line).
    fn line_of(&self, offset: u32) -> usize {
        let offset = (offset as usize).min(self.src.len());
        self.src.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// How a token is named in messages.
    fn describe(&self, tok: &Token) -> String {
        match &tok.kind {
            TokenKind::Newline => "the end of the line".into(),
            TokenKind::Eof => "the end of the file".into(),
            TokenKind::Indent => "an indented line".into(),
            TokenKind::Dedent => "the end of the indented block".into(),
            TokenKind::Str(_) => "a string".into(),
            TokenKind::Error => "an invalid token".into(),
            _ => {
                let text = self.src.get(tok.span.range()).unwrap_or("?");
                if text.chars().count() > 24 {
                    let short: String = text.chars().take(20).collect();
                    format!("'{short}...'")
                } else {
                    format!("'{text}'")
                }
            }
        }
    }

    // ---------------------------------------------------------------- errors

    fn report(&mut self, diag: Diagnostic) -> Reported {
        self.diags.push(diag);
        Reported
    }

    fn error(&mut self, span: Span, message: impl Into<String>) -> Reported {
        self.report(Diagnostic::error(span, message))
    }

    /// An error about the current token, unless it is an `Error` token (already reported).
    fn error_here(&mut self, message: impl Into<String>) -> Reported {
        if self.at(&TokenKind::Error) {
            return Reported;
        }
        let span = self.tok().span;
        self.error(span, message)
    }

    /// "expected X, found Y" at the current token.
    fn expected(&mut self, what: &str) -> Reported {
        let found = self.describe(self.tok());
        self.error_here(format!("expected {what}, found {found}"))
    }

    fn expect(&mut self, kind: &TokenKind, what: &str) -> PResult<Span> {
        match self.eat(kind) {
            Some(span) => Ok(span),
            None => Err(self.expected(what)),
        }
    }

    fn expect_name(&mut self, what: &str) -> PResult<Ident> {
        if let TokenKind::Name(name) = self.peek() {
            let name = name.clone();
            let span = self.bump().span;
            return Ok(Ident { name, span });
        }
        if let TokenKind::Reserved(word) = self.peek() {
            let message = format!("'{word}' is a reserved word and cannot be used as a name");
            return Err(self.error_here(message));
        }
        Err(self.expected(what))
    }

    /// Expects the `:` ending a block header.
    fn expect_header_colon(&mut self, message: &str) -> PResult<Span> {
        if let Some(span) = self.eat(&TokenKind::Colon) {
            return Ok(span);
        }
        if self.at(&TokenKind::Error) {
            return Err(Reported);
        }
        let mut diag = Diagnostic::error(self.tok().span, message);
        if self.at(&TokenKind::Assign) {
            diag = diag.with_note("to compare two values, use '=='");
        }
        Err(self.report(diag))
    }

    /// Closes a bracket, pointing back at its opening partner on failure.
    fn expect_close(&mut self, kind: &TokenKind, open: Span, what: &str) -> PResult<Span> {
        if let Some(span) = self.eat(kind) {
            return Ok(span);
        }
        if self.at(&TokenKind::Error) || self.unclosed.contains(&open) {
            // Already reported by the lexer.
            return Err(Reported);
        }
        let found = self.describe(self.tok());
        let mut diag =
            Diagnostic::error(self.tok().span, format!("expected {what}, found {found}"));
        if self.line_of(open.start) != self.line_of(self.tok().span.start) {
            let open_text = self.src.get(open.range()).unwrap_or("(");
            diag = diag.with_label(open, format!("the '{open_text}' was opened here"));
        }
        Err(self.report(diag))
    }

    /// Runs `f` one nesting level deeper, refusing past `MAX_DEPTH`.
    fn nested<T>(
        &mut self,
        at: Span,
        message: &str,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(at, message));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Builds a compound expression node whose tallest child has height `child_height`.
    fn node(&mut self, kind: ExprKind, span: Span, child_height: u32) -> PResult<Sub> {
        let height = child_height + 1;
        if height > MAX_DEPTH {
            return Err(self.error(span, "expression nested too deeply"));
        }
        Ok(Sub {
            expr: Expr { kind, span },
            height,
        })
    }

    // ---------------------------------------------------------------- recovery

    /// Skips to the end of the current logical line (consuming its NEWLINE).
    fn skip_line(&mut self) {
        loop {
            match self.peek() {
                TokenKind::Newline => {
                    self.bump();
                    return;
                }
                TokenKind::Eof => return,
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// After an INDENT: skips tokens up to and including the matching DEDENT.
    fn skip_block(&mut self) {
        let mut level = 1u32;
        loop {
            match self.bump().kind {
                TokenKind::Indent => level += 1,
                TokenKind::Dedent => {
                    level -= 1;
                    if level == 0 {
                        return;
                    }
                }
                TokenKind::Eof => return,
                _ => {}
            }
        }
    }

    /// Recovery after a bad block header: skip the rest of the line, then parse (so that its
    /// errors are reported) the indented block that follows, if any.
    fn recover_header(&mut self) -> Vec<Stmt> {
        self.skip_line();
        if self.at(&TokenKind::Indent) {
            let indent = self.bump().span;
            return self.indented_block(indent);
        }
        Vec::new()
    }

    // ---------------------------------------------------------------- top level

    fn module(&mut self) -> Module {
        let mut items = Vec::new();
        loop {
            let start = self.pos;
            match self.peek() {
                TokenKind::Eof => break,
                TokenKind::Newline | TokenKind::Dedent => {
                    self.bump();
                }
                TokenKind::Indent => {
                    let span = self.bump().span;
                    self.error(span, "unexpected indent");
                    let _ = self.indented_block(span);
                }
                TokenKind::At | TokenKind::Def => {
                    if let Some(f) = self.decorated_def() {
                        items.push(Item::Func(f));
                    }
                }
                TokenKind::Import | TokenKind::From => {
                    if let Some(span) = self.import() {
                        items.push(Item::Import(span));
                    }
                }
                _ => {
                    let mut stmts = Vec::new();
                    self.statement(&mut stmts);
                    for stmt in stmts {
                        if let Some(item) = self.top_level_item(stmt) {
                            items.push(item);
                        }
                    }
                }
            }
            if self.pos == start && !self.at(&TokenKind::Eof) {
                self.bump();
            }
        }
        Module { items }
    }

    /// A statement found at the top level: a constant, a docstring (ignored), or an error.
    fn top_level_item(&mut self, stmt: Stmt) -> Option<Item> {
        match stmt.kind {
            StmtKind::Assign {
                target:
                    Expr {
                        kind: ExprKind::Name(name),
                        span: name_span,
                    },
                ann,
                value,
            } => {
                if let Some(ann) = ann {
                    self.error(
                        ann.span,
                        "top-level constants cannot have a type annotation (write 'N = 1000')",
                    );
                }
                Some(Item::Const(ConstDef {
                    name: Ident {
                        name,
                        span: name_span,
                    },
                    value,
                    span: stmt.span,
                }))
            }
            // A module docstring.
            StmtKind::Expr(Expr {
                kind: ExprKind::Str(_),
                ..
            }) => None,
            _ => {
                self.error(
                    stmt.span,
                    "only function definitions, constants and imports are allowed at the top level of a file",
                );
                None
            }
        }
    }

    /// `import a.b [as c], ...` or `from a.b import c [as d], ...` (accepted and ignored).
    fn import(&mut self) -> Option<Span> {
        let start = self.tok().span;
        match self.import_inner() {
            Ok(()) => {
                let span = self.since(start);
                if self.eat(&TokenKind::Newline).is_none() && !self.at(&TokenKind::Eof) {
                    self.expected("the end of the line after the import");
                    self.skip_line();
                }
                Some(span)
            }
            Err(Reported) => {
                self.skip_line();
                None
            }
        }
    }

    fn import_inner(&mut self) -> PResult<()> {
        if self.eat(&TokenKind::Import).is_some() {
            loop {
                self.dotted_name()?;
                if self.eat(&TokenKind::As).is_some() {
                    self.expect_name("a name after 'as'")?;
                }
                if self.eat(&TokenKind::Comma).is_none() {
                    return Ok(());
                }
            }
        }
        self.bump(); // from
        while self.eat(&TokenKind::Dot).is_some() {}
        if !self.at(&TokenKind::Import) {
            self.dotted_name()?;
        }
        self.expect(&TokenKind::Import, "'import'")?;
        if self.eat(&TokenKind::Star).is_some() {
            return Ok(());
        }
        let paren = self.eat(&TokenKind::LParen);
        loop {
            self.expect_name("a name to import")?;
            if self.eat(&TokenKind::As).is_some() {
                self.expect_name("a name after 'as'")?;
            }
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
            if paren.is_some() && self.at(&TokenKind::RParen) {
                break;
            }
        }
        if let Some(open) = paren {
            self.expect_close(&TokenKind::RParen, open, "',' or ')'")?;
        }
        Ok(())
    }

    fn dotted_name(&mut self) -> PResult<()> {
        self.expect_name("a module name")?;
        while self.eat(&TokenKind::Dot).is_some() {
            self.expect_name("a name after '.'")?;
        }
        Ok(())
    }

    /// Decorator lines followed by a `def`.
    fn decorated_def(&mut self) -> Option<FuncDef> {
        let mut decorators = Vec::new();
        while self.eat(&TokenKind::At).is_some() {
            if matches!(self.peek(), TokenKind::Newline | TokenKind::Eof) {
                self.error_here("expected a decorator name after '@'");
                self.skip_line();
                continue;
            }
            self.in_decorator = true;
            let parsed = self.expr();
            self.in_decorator = false;
            match parsed {
                Ok(e) => {
                    if self.eat(&TokenKind::Newline).is_some() {
                        decorators.push(e);
                    } else {
                        self.expected("the end of the line after the decorator");
                        self.skip_line();
                    }
                }
                Err(Reported) => self.skip_line(),
            }
        }
        if !self.at(&TokenKind::Def) {
            self.error_here("a decorator must be followed by a function definition ('def')");
            return None;
        }
        self.funcdef(decorators)
    }

    fn funcdef(&mut self, decorators: Vec<Expr>) -> Option<FuncDef> {
        let def = self.bump().span;
        match self.func_header() {
            Ok((name, params, ret)) => {
                let span = self.since(def);
                let body = self.block(def, "the function definition");
                Some(FuncDef {
                    name,
                    params,
                    ret,
                    body,
                    decorators,
                    span,
                })
            }
            Err(Reported) => {
                let _ = self.recover_header();
                None
            }
        }
    }

    fn func_header(&mut self) -> PResult<(Ident, Vec<Param>, Option<Expr>)> {
        let name = self.expect_name("a function name after 'def'")?;
        let open = self.expect(&TokenKind::LParen, "'(' after the function name")?;
        let mut params: Vec<Param> = Vec::new();
        // After a bare `*`: keyword-only parameters.
        let mut star: Option<Span> = None;
        loop {
            if self.at(&TokenKind::RParen) {
                break;
            }
            if self.at(&TokenKind::Star) && star.is_none() {
                let at = self.bump().span;
                if matches!(self.peek(), TokenKind::Name(_)) {
                    return Err(self.error(at, "'*args' parameters are not supported"));
                }
                star = Some(at);
                if self.eat(&TokenKind::Comma).is_none() {
                    break;
                }
                continue;
            }
            if matches!(self.peek(), TokenKind::Star | TokenKind::DoubleStar) {
                return Err(self.error_here("'*args' and '**kwargs' parameters are not supported"));
            }
            let pname = self.expect_name("a parameter name")?;
            let ann = match self.eat(&TokenKind::Colon) {
                Some(_) => Some(self.expr()?),
                None => None,
            };
            let default = match self.eat(&TokenKind::Assign) {
                Some(_) => Some(self.expr()?),
                None => None,
            };
            let kw_only = star.is_some();
            if default.is_none() && !kw_only {
                if let Some(prev) = params.iter().find(|p| p.default.is_some()) {
                    let diag = Diagnostic::error(
                        pname.span,
                        format!(
                            "parameter '{}' without a default follows a parameter with a default",
                            pname.name
                        ),
                    )
                    .with_label(prev.span, "this parameter has a default");
                    self.report(diag);
                }
            }
            if let Some(first) = params.iter().find(|p| p.name.name == pname.name) {
                let diag = Diagnostic::error(
                    pname.span,
                    format!(
                        "duplicate parameter '{}' in function definition",
                        pname.name
                    ),
                )
                .with_label(first.name.span, "first defined here");
                self.report(diag);
            }
            let span = self.since(pname.span);
            params.push(Param {
                name: pname,
                ann,
                default,
                kw_only,
                span,
            });
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
        }
        self.expect_close(&TokenKind::RParen, open, "',' or ')' in the parameter list")?;
        if let Some(at) = star.filter(|_| !params.last().is_some_and(|p| p.kw_only)) {
            self.report(Diagnostic::error(
                at,
                "a bare '*' must be followed by keyword-only parameters",
            ));
        }
        let ret = match self.eat(&TokenKind::Arrow) {
            Some(_) => Some(self.expr()?),
            None => None,
        };
        self.expect_header_colon("expected ':' at the end of the function header")?;
        Ok((name, params, ret))
    }

    // ---------------------------------------------------------------- statements

    /// Parses the body after a header's `:`: an indented block on the next lines, or simple
    /// statements on the same line.
    fn block(&mut self, header: Span, what: &str) -> Vec<Stmt> {
        if self.eat(&TokenKind::Newline).is_some() {
            if self.at(&TokenKind::Indent) {
                let indent = self.bump().span;
                return self.indented_block(indent);
            }
            let line = self.line_of(header.start);
            self.error_here(format!(
                "expected an indented block after {what} on line {line}"
            ));
            return Vec::new();
        }
        match self.peek() {
            TokenKind::If | TokenKind::While | TokenKind::For | TokenKind::Def | TokenKind::At => {
                let found = self.describe(self.tok());
                self.error_here(format!(
                    "{found} cannot follow ':' on the same line; start the statement on a new, indented line"
                ));
                self.skip_line();
                Vec::new()
            }
            TokenKind::Eof => {
                let line = self.line_of(header.start);
                self.error_here(format!(
                    "expected an indented block after {what} on line {line}"
                ));
                Vec::new()
            }
            _ => {
                let mut out = Vec::new();
                self.simple_line(&mut out);
                out
            }
        }
    }

    /// Statements up to the DEDENT matching an INDENT just consumed.
    fn indented_block(&mut self, indent: Span) -> Vec<Stmt> {
        if self.block_depth >= MAX_BLOCK_DEPTH {
            self.error(indent, "too many levels of indentation");
            self.skip_block();
            return Vec::new();
        }
        self.block_depth += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                TokenKind::Dedent => {
                    self.bump();
                    break;
                }
                TokenKind::Eof => break,
                _ => self.statement(&mut out),
            }
        }
        self.block_depth -= 1;
        out
    }

    /// One statement (or a line of `;`-separated simple statements), appended to `out`.
    /// Always consumes at least one token unless at the end of the file.
    fn statement(&mut self, out: &mut Vec<Stmt>) {
        let start = self.pos;
        match self.peek().clone() {
            TokenKind::Newline => {
                self.bump();
            }
            TokenKind::Indent => {
                let span = self.bump().span;
                self.error(span, "unexpected indent");
                out.extend(self.indented_block(span));
            }
            TokenKind::If => out.extend(self.if_stmt()),
            TokenKind::While => out.extend(self.while_stmt()),
            TokenKind::For => out.extend(self.for_stmt()),
            TokenKind::Def | TokenKind::At => {
                let span = self.tok().span;
                self.error(
                    span,
                    "nested function definitions are not supported; define the function at the top level",
                );
                let _ = self.decorated_def();
            }
            TokenKind::Else | TokenKind::Elif => {
                let span = self.bump().span;
                let word = self.src.get(span.range()).unwrap_or("else");
                self.error(
                    span,
                    format!("'{word}' without a matching 'if' (check the indentation)"),
                );
                let _ = self.recover_header();
            }
            TokenKind::Import | TokenKind::From => {
                self.error_here("imports are only allowed at the top level of a file");
                self.skip_line();
            }
            TokenKind::Reserved(word @ ("class" | "with" | "try" | "except" | "finally")) => {
                self.error_here(reserved_message(word));
                let _ = self.recover_header();
            }
            _ => self.simple_line(out),
        }
        if self.pos == start && !self.at(&TokenKind::Eof) {
            self.bump();
        }
    }

    /// Simple statements separated by `;`, up to the end of the line.
    /// A line with trailing garbage contributes no statements.
    fn simple_line(&mut self, out: &mut Vec<Stmt>) {
        let mut line = Vec::new();
        loop {
            match self.simple_stmt() {
                Ok(stmt) => line.push(stmt),
                Err(Reported) => {
                    self.skip_line();
                    return;
                }
            }
            if self.eat(&TokenKind::Semi).is_none()
                || matches!(self.peek(), TokenKind::Newline | TokenKind::Eof)
            {
                break;
            }
        }
        if self.eat(&TokenKind::Newline).is_none() && !self.at(&TokenKind::Eof) {
            self.expected("the end of the statement");
            self.skip_line();
            return;
        }
        out.extend(line);
    }

    fn simple_stmt(&mut self) -> PResult<Stmt> {
        let start = self.tok().span;
        let kind = match self.peek() {
            TokenKind::Pass => {
                self.bump();
                StmtKind::Pass
            }
            TokenKind::Break => {
                self.bump();
                StmtKind::Break
            }
            TokenKind::Continue => {
                self.bump();
                StmtKind::Continue
            }
            TokenKind::Return => {
                self.bump();
                let ends = |k: &TokenKind| {
                    matches!(k, TokenKind::Newline | TokenKind::Eof | TokenKind::Semi)
                };
                if ends(self.peek()) {
                    StmtKind::Return(None)
                } else if matches!(self.peek(), TokenKind::Reserved("None"))
                    && ends(self.peek_nth(1))
                {
                    // `return None` is `return`.
                    self.bump();
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.expr_list()?))
                }
            }
            TokenKind::Reserved("assert") => {
                self.bump();
                let cond = self.expr()?;
                let msg = match self.eat(&TokenKind::Comma) {
                    Some(_) => Some(self.expr()?),
                    None => None,
                };
                StmtKind::Assert { cond, msg }
            }
            TokenKind::Reserved(word) if !matches!(*word, "None" | "lambda" | "await") => {
                let message = reserved_message(word);
                return Err(self.error_here(message));
            }
            _ => return self.assignment_or_expr(),
        };
        Ok(Stmt {
            kind,
            span: self.since(start),
        })
    }

    fn assignment_or_expr(&mut self) -> PResult<Stmt> {
        let first = self.expr_list()?;
        let start = first.span;
        let kind = match self.peek().clone() {
            TokenKind::Assign => {
                self.bump();
                self.check_target(&first)?;
                let mut value = self.expr_list()?;
                let mut targets = vec![first];
                // `a = b = value`: every expression but the last is a target.
                while self.at(&TokenKind::Assign) {
                    self.bump();
                    self.check_target(&value)?;
                    let next = self.expr_list()?;
                    targets.push(std::mem::replace(&mut value, next));
                }
                self.no_chained_assignment()?;
                if targets.len() == 1 {
                    StmtKind::Assign {
                        target: targets.pop().expect("one"),
                        ann: None,
                        value,
                    }
                } else {
                    StmtKind::ChainAssign { targets, value }
                }
            }
            TokenKind::Colon => {
                self.bump();
                if !matches!(first.kind, ExprKind::Name(_)) {
                    return Err(self.error(
                        first.span,
                        "only a plain name can have a type annotation ('x: f64 = ...')",
                    ));
                }
                let ann = self.expr()?;
                if self.eat(&TokenKind::Assign).is_none() {
                    if matches!(self.peek(), TokenKind::Newline | TokenKind::Eof) {
                        let span = self.since(start);
                        return Err(self
                            .error(span, "a variable annotation needs a value ('x: f64 = 0.0')"));
                    }
                    return Err(self.expected("'=' after the type annotation"));
                }
                let value = self.expr_list()?;
                self.no_chained_assignment()?;
                StmtKind::Assign {
                    target: first,
                    ann: Some(ann),
                    value,
                }
            }
            TokenKind::AugAssign(op) => {
                self.bump();
                self.check_target(&first)?;
                let value = self.expr_list()?;
                if matches!(self.peek(), TokenKind::Assign | TokenKind::AugAssign(_)) {
                    return Err(self.error_here(
                        "an augmented assignment ('x += ...') cannot be chained with another assignment",
                    ));
                }
                StmtKind::AugAssign {
                    target: first,
                    op,
                    value,
                }
            }
            _ => StmtKind::Expr(first),
        };
        Ok(Stmt {
            kind,
            span: self.since(start),
        })
    }

    fn no_chained_assignment(&mut self) -> PResult<()> {
        match self.peek() {
            TokenKind::Assign => Err(self.error_here(
                "chained assignment (a = b = ...) is not supported; assign each name on its own line",
            )),
            TokenKind::AugAssign(_) => {
                Err(self.error_here("an augmented assignment cannot follow an assignment"))
            }
            _ => Ok(()),
        }
    }

    /// Only names, subscripts and tuples of them can be assigned to.
    fn check_target(&mut self, target: &Expr) -> PResult<()> {
        let message = match &target.kind {
            ExprKind::Name(_) | ExprKind::Subscript(..) => return Ok(()),
            ExprKind::Error => return Err(Reported),
            ExprKind::Tuple(items) if !items.is_empty() => {
                for t in items {
                    self.check_target(t)?;
                }
                return Ok(());
            }
            ExprKind::Tuple(_) => "cannot assign to an empty tuple",
            ExprKind::Attribute(..) => {
                "cannot assign to an attribute; only names and array elements (a[i]) can be assigned"
            }
            ExprKind::Call { .. } => {
                let diag = Diagnostic::error(target.span, "cannot assign to a function call")
                    .with_note("to compare two values, use '=='");
                return Err(self.report(diag));
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_) => "cannot assign to a literal",
            _ => "cannot assign to an expression; only names and array elements (a[i]) can be assigned",
        };
        Err(self.error(target.span, message))
    }

    /// A loop target: a name or a tuple of loop targets.
    fn check_loop_target(&mut self, target: &Expr) -> PResult<()> {
        match &target.kind {
            ExprKind::Name(_) => Ok(()),
            ExprKind::Tuple(items) if !items.is_empty() => {
                for t in items {
                    self.check_loop_target(t)?;
                }
                Ok(())
            }
            ExprKind::Error => Err(Reported),
            _ => Err(self.error(
                target.span,
                "the loop variable must be a plain name or a tuple of names (for i, v in ...)",
            )),
        }
    }

    /// Reports `else` after a loop (not supported) and parses its block for errors.
    fn loop_else(&mut self, what: &str) {
        if self.at(&TokenKind::Else) {
            let span = self.bump().span;
            self.error(
                span,
                format!("'else' after a '{what}' loop is not supported"),
            );
            let _ = self.recover_header();
        }
    }

    fn if_stmt(&mut self) -> Option<Stmt> {
        // Each clause: (header span, condition, body). `elif`s are folded at the end, so a
        // long elif chain needs no recursion here.
        let mut clauses: Vec<(Span, Expr, Vec<Stmt>)> = Vec::new();
        let mut orelse = Vec::new();
        loop {
            let kw = self.bump(); // `if` or `elif`
            let what = if kw.kind == TokenKind::If {
                "if"
            } else {
                "elif"
            };
            let header = self.expr().and_then(|cond| {
                let message = format!("expected ':' after the {what} condition");
                self.expect_header_colon(&message)?;
                Ok(cond)
            });
            match header {
                Ok(cond) => {
                    let span = self.since(kw.span);
                    let body = self.block(kw.span, &format!("the '{what}' statement"));
                    clauses.push((span, cond, body));
                }
                Err(Reported) => {
                    let body = self.recover_header();
                    let cond = Expr {
                        kind: ExprKind::Error,
                        span: kw.span,
                    };
                    clauses.push((kw.span, cond, body));
                }
            }
            match self.peek() {
                TokenKind::Elif => continue,
                TokenKind::Else => {
                    let kw = self.bump().span;
                    orelse = match self.expect_header_colon("expected ':' after 'else'") {
                        Ok(_) => self.block(kw, "'else'"),
                        Err(Reported) => self.recover_header(),
                    };
                    break;
                }
                _ => break,
            }
        }
        let mut result = None;
        for (span, cond, body) in clauses.into_iter().rev() {
            let orelse = match result.take() {
                Some(stmt) => vec![stmt],
                None => std::mem::take(&mut orelse),
            };
            result = Some(Stmt {
                kind: StmtKind::If { cond, body, orelse },
                span,
            });
        }
        result
    }

    fn while_stmt(&mut self) -> Option<Stmt> {
        let kw = self.bump().span;
        let header = self.expr().and_then(|cond| {
            self.expect_header_colon("expected ':' after the while condition")?;
            Ok(cond)
        });
        let stmt = match header {
            Ok(cond) => {
                let span = self.since(kw);
                let body = self.block(kw, "the 'while' statement");
                Some(Stmt {
                    kind: StmtKind::While { cond, body },
                    span,
                })
            }
            Err(Reported) => {
                let _ = self.recover_header();
                None
            }
        };
        self.loop_else("while");
        stmt
    }

    fn for_stmt(&mut self) -> Option<Stmt> {
        let kw = self.bump().span;
        let header = self.for_header();
        let stmt = match header {
            Ok((target, iter)) => {
                let span = self.since(kw);
                let body = self.block(kw, "the 'for' statement");
                Some(Stmt {
                    kind: StmtKind::For { target, iter, body },
                    span,
                })
            }
            Err(Reported) => {
                let _ = self.recover_header();
                None
            }
        };
        self.loop_else("for");
        stmt
    }

    fn for_header(&mut self) -> PResult<(Expr, Expr)> {
        // The target is parsed as expressions that stop before `in` (`i, (a, b)`).
        let first = self.binary(0)?;
        let target = if self.at(&TokenKind::Comma) {
            let start = first.expr.span;
            let mut height = first.height;
            let mut items = vec![first.expr];
            while self.eat(&TokenKind::Comma).is_some() {
                if self.at(&TokenKind::In) {
                    break;
                }
                let item = self.binary(0)?;
                height = height.max(item.height);
                items.push(item.expr);
            }
            let span = self.since(start);
            self.node(ExprKind::Tuple(items), span, height)?.expr
        } else {
            first.expr
        };
        self.check_loop_target(&target)?;
        self.expect(&TokenKind::In, "'in' after the loop variable")?;
        let iter = self.expr_list()?;
        self.expect_header_colon("expected ':' at the end of the for statement")?;
        Ok((target, iter))
    }

    // ---------------------------------------------------------------- expressions

    /// A whole expression for [`parse_expression`].
    fn standalone_expression(&mut self) -> Option<Expr> {
        if self.at(&TokenKind::Eof) {
            self.error_here("expected an expression, found nothing");
            return None;
        }
        let expr = self.expr().ok()?;
        if !self.at(&TokenKind::Eof) {
            let found = self.describe(self.tok());
            self.error_here(format!(
                "unexpected {found} after the end of the expression"
            ));
            return None;
        }
        Some(expr)
    }

    /// Adjacent string literals, concatenated as in Python: a plain string, or an f-string
    /// when any of them is one.
    fn string_literals(&mut self, span: Span) -> Sub {
        let mut parts: Vec<FPart> = Vec::new();
        let mut any_f = false;
        let push_text = |parts: &mut Vec<FPart>, t: &str| match parts.last_mut() {
            Some(FPart::Text(prev)) => prev.push_str(t),
            _ => parts.push(FPart::Text(t.to_string())),
        };
        loop {
            match self.peek().clone() {
                TokenKind::Str(t) => push_text(&mut parts, &t),
                TokenKind::FStr(pieces) => {
                    any_f = true;
                    for p in pieces {
                        match p {
                            FPiece::Text(t) => push_text(&mut parts, &t),
                            FPiece::Field {
                                expr,
                                conv,
                                spec,
                                spec_span,
                            } => {
                                let value = self.field_expression(expr);
                                parts.push(FPart::Field {
                                    value,
                                    conv,
                                    spec,
                                    spec_span,
                                });
                            }
                        }
                    }
                }
                _ => break,
            }
            self.bump();
        }
        let span = self.since(span);
        if !any_f {
            let text = match parts.pop() {
                Some(FPart::Text(t)) => t,
                _ => String::new(),
            };
            return Sub::leaf(ExprKind::Str(text), span);
        }
        Sub::leaf(ExprKind::FString(parts), span)
    }

    /// Parses the expression of an f-string field (at `range` of the source) on its own;
    /// its spans point into the file. A broken one is reported and becomes `Error`.
    fn field_expression(&mut self, range: Span) -> Expr {
        let (a, b) = (range.start as usize, range.end as usize);
        let mut lexed = lex(&self.src[a..b], true);
        let shift = |s: &mut Span| {
            s.start += range.start;
            s.end += range.start;
        };
        lexed.tokens.iter_mut().for_each(|t| shift(&mut t.span));
        lexed.diags.iter_mut().for_each(|d| shift(&mut d.span));
        lexed.unclosed.iter_mut().for_each(shift);
        let lex_diags = std::mem::take(&mut lexed.diags);
        let mut p = Parser::new(self.src, lexed);
        p.eof.span = Span::new(b, b);
        p.depth = self.depth + 1;
        let value = p.standalone_expression();
        self.diags.extend(lex_diags);
        self.diags.extend(p.diags.into_iter().map(|mut d| {
            d.message = d
                .message
                .replace("the end of the file", "the end of the f-string field");
            d
        }));
        value.unwrap_or(Expr {
            kind: ExprKind::Error,
            span: range,
        })
    }

    fn expr(&mut self) -> PResult<Expr> {
        Ok(self.expr_sub()?.expr)
    }

    /// Expressions separated by commas: a tuple without parentheses (`return a, b`).
    fn expr_list(&mut self) -> PResult<Expr> {
        let first = self.expr_sub()?;
        if !self.at(&TokenKind::Comma) {
            return Ok(first.expr);
        }
        let start = first.expr.span;
        let mut height = first.height;
        let mut items = vec![first.expr];
        while self.eat(&TokenKind::Comma).is_some() {
            if !starts_expr(self.peek()) {
                break;
            }
            let item = self.expr_sub()?;
            height = height.max(item.height);
            items.push(item.expr);
        }
        let span = self.since(start);
        Ok(self.node(ExprKind::Tuple(items), span, height)?.expr)
    }

    /// `then if cond else orelse`, or anything tighter.
    fn expr_sub(&mut self) -> PResult<Sub> {
        let span = self.tok().span;
        self.nested(span, "expression nested too deeply", Self::conditional)
    }

    fn conditional(&mut self) -> PResult<Sub> {
        let then = self.or_expr()?;
        if self.eat(&TokenKind::If).is_none() {
            return Ok(then);
        }
        let cond = self.or_expr()?;
        if self.eat(&TokenKind::Else).is_none() {
            return Err(
                self.expected("'else' in the conditional expression (a if condition else b)")
            );
        }
        let orelse = self.expr_sub()?;
        let span = then.expr.span.to(orelse.expr.span);
        let height = then.height.max(cond.height).max(orelse.height);
        let kind = ExprKind::IfExp {
            cond: boxed(cond),
            then: boxed(then),
            orelse: boxed(orelse),
        };
        self.node(kind, span, height)
    }

    fn or_expr(&mut self) -> PResult<Sub> {
        self.logical(TokenKind::Or, LogicalOp::Or, Self::and_expr)
    }

    fn and_expr(&mut self) -> PResult<Sub> {
        self.logical(TokenKind::And, LogicalOp::And, Self::not_expr)
    }

    /// A left-associative chain of `and` or `or`.
    fn logical(
        &mut self,
        token: TokenKind,
        op: LogicalOp,
        operand: fn(&mut Self) -> PResult<Sub>,
    ) -> PResult<Sub> {
        let mut lhs = operand(self)?;
        while self.eat(&token).is_some() {
            let rhs = operand(self)?;
            let span = lhs.expr.span.to(rhs.expr.span);
            let height = lhs.height.max(rhs.height);
            lhs = self.node(ExprKind::Logical(op, boxed(lhs), boxed(rhs)), span, height)?;
        }
        Ok(lhs)
    }

    fn not_expr(&mut self) -> PResult<Sub> {
        let Some(not) = self.eat(&TokenKind::Not) else {
            return self.comparison();
        };
        let operand = self.nested(not, "expression nested too deeply", Self::not_expr)?;
        let span = not.to(operand.expr.span);
        let height = operand.height;
        self.node(ExprKind::Unary(UnaryOp::Not, boxed(operand)), span, height)
    }

    fn comparison(&mut self) -> PResult<Sub> {
        let first = self.binary(0)?;
        let mut height = first.height;
        let mut rest = Vec::new();
        loop {
            if let Some(op) = compare_op(self.peek()) {
                self.bump();
                let rhs = self.binary(0)?;
                height = height.max(rhs.height);
                rest.push((op, rhs.expr));
                continue;
            }
            let unsupported = match (self.peek(), self.peek_nth(1)) {
                (TokenKind::In, _) | (TokenKind::Not, TokenKind::In) => {
                    Some("the 'in' operator is not supported")
                }
                (TokenKind::Reserved("is"), _) => {
                    Some("the 'is' operator is not supported; use '==' or '!='")
                }
                _ => None,
            };
            if let Some(message) = unsupported {
                return Err(self.error_here(message));
            }
            break;
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let span = rest
            .last()
            .map_or(first.expr.span, |(_, e)| first.expr.span.to(e.span));
        // A chain is one node whose children are all its operands.
        self.node(ExprKind::Compare(boxed(first), rest), span, height)
    }

    /// Binary operators from `|` to `* @ / // %`, by precedence climbing.
    fn binary(&mut self, min_prec: u8) -> PResult<Sub> {
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = binary_op(self.peek()) {
            if prec < min_prec {
                break;
            }
            self.bump();
            let rhs = self.binary(prec + 1)?;
            let span = lhs.expr.span.to(rhs.expr.span);
            let height = lhs.height.max(rhs.height);
            lhs = self.node(ExprKind::Binary(op, boxed(lhs), boxed(rhs)), span, height)?;
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Sub> {
        let op = match self.peek() {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Pos,
            TokenKind::Tilde => UnaryOp::Invert,
            _ => return self.power(),
        };
        let op_span = self.bump().span;
        let operand = self.nested(op_span, "expression nested too deeply", Self::unary)?;
        let span = op_span.to(operand.expr.span);
        let height = operand.height;
        self.node(ExprKind::Unary(op, boxed(operand)), span, height)
    }

    fn power(&mut self) -> PResult<Sub> {
        let base = self.postfix()?;
        let Some(op_span) = self.eat(&TokenKind::DoubleStar) else {
            return Ok(base);
        };
        // `2 ** -1`, and right-associative: `a ** b ** c` is `a ** (b ** c)`.
        let exp = self.nested(op_span, "expression nested too deeply", Self::unary)?;
        let span = base.expr.span.to(exp.expr.span);
        let height = base.height.max(exp.height);
        self.node(
            ExprKind::Binary(BinOp::Pow, boxed(base), boxed(exp)),
            span,
            height,
        )
    }

    /// An atom followed by calls, subscripts and attributes.
    fn postfix(&mut self) -> PResult<Sub> {
        let mut e = self.atom()?;
        loop {
            e = match self.peek() {
                TokenKind::LParen => self.call(e)?,
                TokenKind::LBracket => self.subscript(e)?,
                TokenKind::Dot => {
                    self.bump();
                    let attr = self.expect_name("an attribute name after '.'")?;
                    let span = e.expr.span.to(attr.span);
                    let height = e.height;
                    self.node(ExprKind::Attribute(boxed(e), attr), span, height)?
                }
                _ => return Ok(e),
            };
        }
    }

    fn call(&mut self, func: Sub) -> PResult<Sub> {
        let open = self.bump().span;
        let mut height = func.height;
        let mut args = Vec::new();
        let mut kwargs: Vec<Keyword> = Vec::new();
        loop {
            if self.at(&TokenKind::RParen) {
                break;
            }
            if matches!(self.peek(), TokenKind::Star | TokenKind::DoubleStar) {
                return Err(
                    self.error_here("argument unpacking (*args, **kwargs) is not supported")
                );
            }
            if let (TokenKind::Name(name), TokenKind::Assign) = (self.peek(), self.peek_nth(1)) {
                let name = name.clone();
                let name_span = self.bump().span;
                self.bump(); // '='
                let value = self.expr_sub()?;
                height = height.max(value.height);
                if let Some(first) = kwargs.iter().find(|k| k.name.name == name) {
                    let diag = Diagnostic::error(
                        name_span,
                        format!("keyword argument '{name}' is repeated"),
                    )
                    .with_label(first.name.span, "first given here");
                    self.report(diag);
                }
                kwargs.push(Keyword {
                    name: Ident {
                        name,
                        span: name_span,
                    },
                    value: value.expr,
                });
            } else {
                let arg = self.expr_sub()?;
                if self.at(&TokenKind::For) {
                    return Err(self.error_here(
                        "generator expressions are not supported; write a loop instead",
                    ));
                }
                if !kwargs.is_empty() {
                    self.error(
                        arg.expr.span,
                        "positional argument follows keyword argument",
                    );
                }
                height = height.max(arg.height);
                args.push(arg.expr);
            }
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
        }
        self.expect_close(&TokenKind::RParen, open, "',' or ')' in the argument list")?;
        let span = self.since(func.expr.span);
        let kind = ExprKind::Call {
            func: boxed(func),
            args,
            kwargs,
        };
        self.node(kind, span, height)
    }

    fn subscript(&mut self, value: Sub) -> PResult<Sub> {
        let open = self.bump().span;
        if self.at(&TokenKind::RBracket) {
            return Err(self.error_here("expected an index between '[' and ']'"));
        }
        let mut height = value.height;
        let mut items = Vec::new();
        loop {
            if self.at(&TokenKind::RBracket) {
                break;
            }
            let (item, h) = self.index_item()?;
            height = height.max(h);
            items.push(item);
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
        }
        self.expect_close(&TokenKind::RBracket, open, "',' or ']' in the subscript")?;
        let span = self.since(value.expr.span);
        self.node(ExprKind::Subscript(boxed(value), items), span, height)
    }

    /// `e`, or a slice `lo:hi:step` with every part optional. Returns the item and its
    /// height.
    fn index_item(&mut self) -> PResult<(IndexItem, u32)> {
        let start = self.tok().span;
        let mut height = 0;
        let lo = if self.at(&TokenKind::Colon) {
            None
        } else {
            let e = self.expr_sub()?;
            if !self.at(&TokenKind::Colon) {
                return Ok((IndexItem::Expr(e.expr), e.height));
            }
            height = e.height;
            Some(e.expr)
        };
        self.bump(); // ':'
        let ends_part =
            |k: &TokenKind| matches!(k, TokenKind::Colon | TokenKind::Comma | TokenKind::RBracket);
        let hi = if ends_part(self.peek()) {
            None
        } else {
            let e = self.expr_sub()?;
            height = height.max(e.height);
            Some(e.expr)
        };
        let step = if self.eat(&TokenKind::Colon).is_some() && !ends_part(self.peek()) {
            let e = self.expr_sub()?;
            height = height.max(e.height);
            Some(e.expr)
        } else {
            None
        };
        let span = self.since(start);
        Ok((IndexItem::Slice { lo, hi, step, span }, height + 1))
    }

    fn atom(&mut self) -> PResult<Sub> {
        let tok = self.tok().clone();
        let span = tok.span;
        let kind = match tok.kind {
            TokenKind::Name(name) => ExprKind::Name(name),
            TokenKind::Int(v) => ExprKind::Int(v),
            TokenKind::Float(v) => ExprKind::Float(v),
            TokenKind::Imag(v) => ExprKind::Imag(v),
            TokenKind::True => ExprKind::Bool(true),
            TokenKind::False => ExprKind::Bool(false),
            TokenKind::Str(_) | TokenKind::FStr(_) => return Ok(self.string_literals(span)),
            TokenKind::LParen => return self.parenthesized(),
            TokenKind::LBracket => return self.list_display(),
            TokenKind::Reserved("None") => ExprKind::NoneLit,
            TokenKind::LBrace if self.in_decorator => {
                // A compiler option of a decorator: skipped whole (balanced braces).
                let mut open = 0usize;
                loop {
                    match self.peek() {
                        TokenKind::LBrace => open += 1,
                        TokenKind::RBrace => open -= 1,
                        TokenKind::Newline | TokenKind::Eof => {
                            return Err(self.expected("'}' closing the decorator option"))
                        }
                        _ => {}
                    }
                    let end = self.bump().span;
                    if open == 0 {
                        return Ok(Sub::leaf(ExprKind::Error, span.to(end)));
                    }
                }
            }
            TokenKind::LBrace => {
                return Err(self.error_here(
                    "dicts and sets ({...}) are outside the kernel language; use arrays",
                ))
            }
            TokenKind::Reserved(word) => return Err(self.error_here(reserved_message(word))),
            _ => return Err(self.expected("an expression")),
        };
        self.bump();
        Ok(Sub::leaf(kind, span))
    }

    /// `[a, b, ...]` (a list literal) or `[e for x in it if c]` (a list comprehension).
    fn list_display(&mut self) -> PResult<Sub> {
        let open = self.bump().span;
        let mut items = Vec::new();
        let mut height = 0;
        if self.eat(&TokenKind::RBracket).is_none() {
            let first = self.expr_sub()?;
            if self.eat(&TokenKind::For).is_some() {
                let var = self.expect_name("a loop variable after 'for'")?;
                self.expect(&TokenKind::In, "'in' after the loop variable")?;
                let iter = self.or_expr()?;
                let mut h = first.height.max(iter.height);
                let cond = if self.eat(&TokenKind::If).is_some() {
                    let c = self.or_expr()?;
                    h = h.max(c.height);
                    Some(boxed(c))
                } else {
                    None
                };
                if self.at(&TokenKind::For) || self.at(&TokenKind::If) {
                    return Err(self
                        .error_here("a list comprehension takes one 'for' and at most one 'if'"));
                }
                self.expect_close(&TokenKind::RBracket, open, "']'")?;
                let span = self.since(open);
                let kind = ExprKind::ListComp {
                    elem: boxed(first),
                    var,
                    iter: boxed(iter),
                    cond,
                };
                return self.node(kind, span, h);
            }
            height = first.height;
            items.push(first.expr);
            while self.eat(&TokenKind::Comma).is_some() {
                if self.at(&TokenKind::RBracket) {
                    break;
                }
                let item = self.expr_sub()?;
                height = height.max(item.height);
                items.push(item.expr);
            }
            self.expect_close(&TokenKind::RBracket, open, "',' or ']'")?;
        }
        let span = self.since(open);
        self.node(ExprKind::List(items), span, height)
    }

    /// `(e)`, `()`, `(e,)`, `(a, b)`.
    fn parenthesized(&mut self) -> PResult<Sub> {
        let open = self.bump().span;
        if let Some(close) = self.eat(&TokenKind::RParen) {
            return Ok(Sub::leaf(ExprKind::Tuple(Vec::new()), open.to(close)));
        }
        let first = self.expr_sub()?;
        if self.at(&TokenKind::For) {
            return Err(
                self.error_here("generator expressions are not supported; write a loop instead")
            );
        }
        if self.at(&TokenKind::Comma) {
            let mut height = first.height;
            let mut items = vec![first.expr];
            while self.eat(&TokenKind::Comma).is_some() {
                if self.at(&TokenKind::RParen) {
                    break;
                }
                let item = self.expr_sub()?;
                height = height.max(item.height);
                items.push(item.expr);
            }
            self.expect_close(&TokenKind::RParen, open, "',' or ')'")?;
            let span = self.since(open);
            return self.node(ExprKind::Tuple(items), span, height);
        }
        self.expect_close(&TokenKind::RParen, open, "')'")?;
        // The parentheses belong to the expression's source text.
        let mut inner = first;
        inner.expr.span = self.since(open);
        Ok(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_comment_only_files() {
        for src in ["", "\n\n", "# only a comment", "   \n\t\n# c\n   # d"] {
            let (module, diags) = parse_module(src);
            assert!(module.items.is_empty() && diags.is_empty(), "{src:?}");
        }
    }

    #[test]
    fn no_trailing_newline_and_docstrings() {
        let (module, diags) =
            parse_module("def f():\n    \"\"\"Doc\n    string.\"\"\"\n    return 1");
        assert!(diags.is_empty(), "{diags:?}");
        let [Item::Func(f)] = module.items.as_slice() else {
            panic!("{module:?}")
        };
        assert_eq!(f.body.len(), 2);
        assert!(matches!(
            &f.body[0].kind,
            StmtKind::Expr(Expr { kind: ExprKind::Str(s), .. }) if s == "Doc\n    string."
        ));
    }
}
