//! The lexer: turns source text into tokens with byte spans, Python style.
//!
//! Besides ordinary tokens it produces the layout tokens the parser needs:
//!
//! * [`TokenKind::Newline`] at the end of every logical line that holds a token (blank and
//!   comment-only lines produce nothing; newlines inside `()`, `[]`, `{}` and after a `\`
//!   line continuation do not end the line);
//! * [`TokenKind::Indent`] / [`TokenKind::Dedent`] when the indentation of a logical line
//!   grows or shrinks. Indentation is compared as text (spaces and tabs): a deeper line must
//!   start with its block's indentation, so a block's indentation has to be consistent.
//!
//! The lexer never stops at an error. Each problem (bad character, unterminated string,
//! integer too large, bad indentation, unbalanced bracket) becomes a [`Diagnostic`], and the
//! offending text becomes a [`TokenKind::Error`] token. The parser stays silent about
//! errors *at* an `Error` token, so each problem is reported exactly once.

use crate::ast::BinOp;
use crate::{Diagnostic, Span};

/// One token: what it is and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// The kinds of token.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    Name(String),
    /// An integer literal, underscores removed (`1_000`, `0xff`).
    Int(u64),
    /// A float literal (`1.0`, `1.`, `.5`, `1e-3`).
    Float(f64),
    /// An imaginary literal (`1j`, `2.5e3J`): the value of its imaginary part.
    Imag(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// An f-string literal (`f"{x:.3f}"`), split into text and fields.
    FStr(Vec<crate::fstring::FPiece>),

    // Keywords.
    Def,
    Return,
    If,
    Elif,
    Else,
    While,
    For,
    In,
    Break,
    Continue,
    Pass,
    And,
    Or,
    Not,
    True,
    False,
    Import,
    From,
    As,
    /// A Python keyword the kernel language does not support (`class`, `lambda`, `None`,
    /// `is`, ...). Kept as a keyword so the parser can say so clearly.
    Reserved(&'static str),

    // Operators.
    Plus,
    Minus,
    Star,
    Slash,
    DoubleSlash,
    Percent,
    DoubleStar,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    NotEq,
    /// `=`
    Assign,
    /// `+=`, `**=`, `>>=`, ...
    AugAssign(BinOp),
    Arrow,
    Colon,
    Comma,
    Dot,
    Semi,
    At,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,

    // Layout.
    Newline,
    Indent,
    Dedent,
    Eof,
    /// Text the lexer could not make sense of; a diagnostic has already been reported.
    Error,
}

/// Python keywords that are reserved but not part of the kernel language.
const RESERVED: &[&str] = &[
    "None", "is", "lambda", "class", "with", "try", "except", "finally", "raise", "assert", "del",
    "global", "nonlocal", "yield", "async", "await",
];

/// Statement keywords that cannot continue an expression. When a line inside unclosed
/// brackets starts with one of these (and is not indented deeper than the line that opened
/// the bracket), the lexer decides the bracket was never closed, so that one missing `)`
/// does not swallow the rest of the file.
const STATEMENT_KEYWORDS: &[&str] = &[
    "def", "return", "elif", "while", "for", "break", "continue", "pass", "import", "from",
    "class", "with",
];

/// Tokenizes a whole `.k` file (with NEWLINE/INDENT/DEDENT tokens). The last token is
/// always [`TokenKind::Eof`].
pub fn tokenize(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let lexed = lex(src, false);
    (lexed.tokens, lexed.diags)
}

/// Tokenizes a stand-alone expression: newlines and indentation are ignored everywhere, as
/// if the whole text were inside parentheses, so no layout tokens are produced. The last
/// token is always [`TokenKind::Eof`].
pub fn tokenize_expression(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let lexed = lex(src, true);
    (lexed.tokens, lexed.diags)
}

/// Everything the lexer found, for the parser.
pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub diags: Vec<Diagnostic>,
    /// Opening brackets reported as never closed (the parser stays quiet about them).
    pub unclosed: Vec<Span>,
}

pub(crate) fn lex(src: &str, expr_mode: bool) -> Lexed {
    Lexer::new(&lone_cr_to_lf(src), expr_mode).run()
}

/// The UTF-8 byte-order mark, ignored at the very start of a file (as CPython does).
pub const BOM: char = '\u{feff}';

/// `src` with every carriage return that is not followed by a line feed replaced by a line
/// feed: CPython accepts old Mac (CR-only) line endings. Byte offsets are unchanged, so
/// spans computed on the result are valid in `src`.
pub fn lone_cr_to_lf(src: &str) -> std::borrow::Cow<'_, str> {
    let bytes = src.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(src);
    }
    let out: Vec<u8> = (0..bytes.len())
        .map(|i| if lone(i) { b'\n' } else { bytes[i] })
        .collect();
    // Replacing one ASCII byte by another keeps the text valid UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| src.to_string()))
}

/// A source text as the front end reads it: without a leading byte-order mark and with
/// CR-only line endings turned into LF (CRLF stays). Used by the facade's `Source`, so that
/// spans, line numbers and rendered source lines all refer to the same text.
pub fn normalize_source(src: &str) -> String {
    lone_cr_to_lf(src.strip_prefix(BOM).unwrap_or(src)).into_owned()
}

fn keyword(word: &str) -> Option<TokenKind> {
    Some(match word {
        "def" => TokenKind::Def,
        "return" => TokenKind::Return,
        "if" => TokenKind::If,
        "elif" => TokenKind::Elif,
        "else" => TokenKind::Else,
        "while" => TokenKind::While,
        "for" => TokenKind::For,
        "in" => TokenKind::In,
        "break" => TokenKind::Break,
        "continue" => TokenKind::Continue,
        "pass" => TokenKind::Pass,
        "and" => TokenKind::And,
        "or" => TokenKind::Or,
        "not" => TokenKind::Not,
        "True" => TokenKind::True,
        "False" => TokenKind::False,
        "import" => TokenKind::Import,
        "from" => TokenKind::From,
        "as" => TokenKind::As,
        _ => {
            return RESERVED
                .iter()
                .find(|&&r| r == word)
                .map(|&r| TokenKind::Reserved(r))
        }
    })
}

/// Operators, longest first so that the first match is the longest one.
const OPERATORS: &[(&str, TokenKind)] = &[
    ("**=", TokenKind::AugAssign(BinOp::Pow)),
    ("//=", TokenKind::AugAssign(BinOp::FloorDiv)),
    ("<<=", TokenKind::AugAssign(BinOp::Shl)),
    (">>=", TokenKind::AugAssign(BinOp::Shr)),
    ("+=", TokenKind::AugAssign(BinOp::Add)),
    ("-=", TokenKind::AugAssign(BinOp::Sub)),
    ("*=", TokenKind::AugAssign(BinOp::Mul)),
    ("/=", TokenKind::AugAssign(BinOp::Div)),
    ("%=", TokenKind::AugAssign(BinOp::Mod)),
    ("&=", TokenKind::AugAssign(BinOp::BitAnd)),
    ("|=", TokenKind::AugAssign(BinOp::BitOr)),
    ("^=", TokenKind::AugAssign(BinOp::BitXor)),
    ("**", TokenKind::DoubleStar),
    ("//", TokenKind::DoubleSlash),
    ("<<", TokenKind::Shl),
    (">>", TokenKind::Shr),
    ("<=", TokenKind::Le),
    (">=", TokenKind::Ge),
    ("==", TokenKind::EqEq),
    ("!=", TokenKind::NotEq),
    ("->", TokenKind::Arrow),
    ("+", TokenKind::Plus),
    ("-", TokenKind::Minus),
    ("*", TokenKind::Star),
    ("/", TokenKind::Slash),
    ("%", TokenKind::Percent),
    ("&", TokenKind::Amp),
    ("|", TokenKind::Pipe),
    ("^", TokenKind::Caret),
    ("~", TokenKind::Tilde),
    ("<", TokenKind::Lt),
    (">", TokenKind::Gt),
    ("=", TokenKind::Assign),
    (":", TokenKind::Colon),
    (",", TokenKind::Comma),
    (".", TokenKind::Dot),
    (";", TokenKind::Semi),
    ("@", TokenKind::At),
    ("(", TokenKind::LParen),
    (")", TokenKind::RParen),
    ("[", TokenKind::LBracket),
    ("]", TokenKind::RBracket),
    ("{", TokenKind::LBrace),
    ("}", TokenKind::RBrace),
];

/// The width of an indentation string, with tabs to the next multiple of 8 (only used to
/// recover from inconsistent indentation).
fn indent_width(ws: &str) -> usize {
    ws.chars()
        .fold(0, |w, c| if c == '\t' { (w / 8 + 1) * 8 } else { w + 1 })
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// An open bracket waiting for its partner.
struct OpenBracket {
    ch: char,
    span: Span,
    /// Indentation width of the logical line that opened it.
    line_indent: usize,
}

/// What the start of a physical line turned out to be.
enum LineStart {
    /// Blank or comment-only: skipped entirely (including its newline).
    Blank,
    /// A logical line starts here; its indentation has been processed.
    Logical,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
    /// Indentation strings of the enclosing blocks; `indents[0]` is always "".
    indents: Vec<&'a str>,
    brackets: Vec<OpenBracket>,
    /// Indentation width of the current logical line.
    line_indent: usize,
    /// Expression mode: newlines never end a line and indentation means nothing.
    expr_mode: bool,
    /// Brackets reported as never closed.
    unclosed: Vec<Span>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, expr_mode: bool) -> Lexer<'a> {
        Lexer {
            src,
            // A leading byte-order mark is skipped (spans stay offsets into `src`).
            pos: if src.starts_with(BOM) {
                BOM.len_utf8()
            } else {
                0
            },
            tokens: Vec::new(),
            diags: Vec::new(),
            indents: vec![""],
            brackets: Vec::new(),
            line_indent: 0,
            expr_mode,
            unclosed: Vec::new(),
        }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_char_at(&self, n: usize) -> Option<char> {
        self.rest().chars().nth(n)
    }

    fn push(&mut self, kind: TokenKind, start: usize, end: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::new(start, end),
        });
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(Span::new(start, end), message));
    }

    /// Reports an error and covers its text with an `Error` token.
    fn error_token(&mut self, start: usize, end: usize, message: impl Into<String>) {
        self.error(start, end, message);
        self.push(TokenKind::Error, start, end);
    }

    fn run(mut self) -> Lexed {
        let mut at_line_start = !self.expr_mode;
        while self.pos < self.src.len() {
            if at_line_start {
                match self.line_start() {
                    LineStart::Blank => {}
                    LineStart::Logical => at_line_start = false,
                }
                continue;
            }
            let Some(c) = self.peek_char() else { break };
            let start = self.pos;
            match c {
                ' ' | '\t' | '\r' | '\x0c' => self.pos += 1,
                '#' => self.skip_comment(),
                '\n' => {
                    if self.expr_mode {
                        self.pos += 1;
                        continue;
                    }
                    if !self.brackets.is_empty() {
                        if !self.next_line_abandons_brackets() {
                            self.pos += 1;
                            continue;
                        }
                        self.report_unclosed_bracket();
                        self.push(TokenKind::Error, start, start);
                    }
                    self.push_newline(start, start + 1);
                    self.pos += 1;
                    at_line_start = true;
                }
                '\\' => self.continuation(),
                '0'..='9' => self.number(),
                '.' if self.peek_char_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
                '"' | '\'' => self.string(c),
                'f' | 'F' if matches!(self.peek_char_at(1), Some('"' | '\'')) => self.fstring(),
                c if is_name_start(c) => self.name(),
                _ => self.operator(c),
            }
        }
        self.finish();
        Lexed {
            tokens: self.tokens,
            diags: self.diags,
            unclosed: self.unclosed,
        }
    }

    fn finish(&mut self) {
        let end = self.src.len();
        if !self.brackets.is_empty() {
            self.report_unclosed_bracket();
            self.push(TokenKind::Error, end, end);
        }
        if !self.expr_mode {
            self.push_newline(end, end);
            while self.indents.len() > 1 {
                self.indents.pop();
                self.push(TokenKind::Dedent, end, end);
            }
        }
        self.push(TokenKind::Eof, end, end);
    }

    /// Ends the logical line, unless it holds no token.
    fn push_newline(&mut self, start: usize, end: usize) {
        let ends_line = self.tokens.last().is_some_and(|t| {
            !matches!(
                t.kind,
                TokenKind::Newline | TokenKind::Indent | TokenKind::Dedent
            )
        });
        if ends_line {
            self.push(TokenKind::Newline, start, end);
        }
    }

    fn report_unclosed_bracket(&mut self) {
        if let Some(open) = self.brackets.last() {
            let (span, ch) = (open.span, open.ch);
            self.unclosed.extend(self.brackets.iter().map(|b| b.span));
            self.diags
                .push(Diagnostic::error(span, format!("'{ch}' was never closed")));
        }
        self.brackets.clear();
    }

    fn skip_comment(&mut self) {
        let len = self.rest().find('\n').unwrap_or(self.rest().len());
        self.pos += len;
    }

    /// At the start of a physical line outside brackets: skips a blank line, or measures
    /// the indentation and emits INDENT/DEDENT tokens.
    fn line_start(&mut self) -> LineStart {
        let start = self.pos;
        let ws_len = self
            .rest()
            .find(|c: char| !matches!(c, ' ' | '\t' | '\x0c' | '\r'))
            .unwrap_or(self.rest().len());
        self.pos += ws_len;
        match self.peek_char() {
            None => return LineStart::Blank,
            Some('\n') => {
                self.pos += 1;
                return LineStart::Blank;
            }
            Some('#') => {
                self.skip_comment();
                if self.peek_char() == Some('\n') {
                    self.pos += 1;
                }
                return LineStart::Blank;
            }
            Some(_) => {}
        }
        let ws = self.src.get(start..self.pos).unwrap_or("");
        self.indentation(ws, start);
        self.line_indent = indent_width(ws);
        LineStart::Logical
    }

    /// Compares a logical line's indentation with the enclosing blocks' and emits the
    /// layout tokens. `start` is the byte offset of the line.
    fn indentation(&mut self, ws: &'a str, start: usize) {
        let end = start + ws.len();
        let mut popped = false;
        let mut reported = false;
        loop {
            let top = self.indents.last().copied().unwrap_or("");
            if ws == top {
                return;
            }
            if ws.starts_with(top) {
                if popped {
                    // Dedented past this level but deeper than the next one out.
                    if !reported {
                        self.error(
                            start,
                            end,
                            "unindent does not match any outer indentation level",
                        );
                    }
                } else {
                    self.indents.push(ws);
                    self.push(TokenKind::Indent, start, end);
                }
                return;
            }
            if top.starts_with(ws) {
                self.indents.pop();
                self.push(TokenKind::Dedent, end, end);
                popped = true;
                continue;
            }
            // Neither is a prefix of the other: tabs and spaces mixed differently.
            if !reported {
                self.error(
                    start,
                    end,
                    "inconsistent use of tabs and spaces in indentation",
                );
                reported = true;
            }
            let (w, top_w) = (indent_width(ws), indent_width(top));
            if w > top_w && !popped {
                self.indents.push(ws);
                self.push(TokenKind::Indent, start, end);
            } else if w < top_w && self.indents.len() > 1 {
                self.indents.pop();
                self.push(TokenKind::Dedent, end, end);
                popped = true;
                continue;
            }
            return;
        }
    }

    /// `\` at the end of a line joins it with the next one.
    fn continuation(&mut self) {
        let start = self.pos;
        let rest = self.rest();
        if rest.starts_with("\\\n") {
            self.pos += 2;
        } else if rest.starts_with("\\\r\n") {
            self.pos += 3;
        } else {
            self.pos += 1;
            self.error_token(
                start,
                self.pos,
                "unexpected character after line continuation character '\\'",
            );
        }
    }

    /// Inside brackets at a newline: does the next line look like a new statement at the
    /// bracket's own indentation level (so the bracket was most likely never closed)?
    fn next_line_abandons_brackets(&self) -> bool {
        let Some(outer) = self.brackets.first() else {
            return false;
        };
        let next = self.src.get(self.pos + 1..).unwrap_or("");
        let ws_len = next
            .find(|c: char| c != ' ' && c != '\t')
            .unwrap_or(next.len());
        let word: String = next[ws_len..]
            .chars()
            .take_while(|&c| is_name_char(c))
            .collect();
        STATEMENT_KEYWORDS.contains(&word.as_str())
            && indent_width(&next[..ws_len]) <= outer.line_indent
    }

    fn name(&mut self) {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| !is_name_char(c))
            .unwrap_or(self.rest().len());
        self.pos += len;
        let word = &self.src[start..self.pos];
        let kind = keyword(word).unwrap_or_else(|| TokenKind::Name(word.to_string()));
        self.push(kind, start, self.pos);
    }

    /// Consumes a run of ASCII letters, digits and underscores.
    fn eat_alnum(&mut self) -> &'a str {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest().len());
        self.pos += len;
        &self.src[start..self.pos]
    }

    fn eat_digits(&mut self) {
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(self.rest().len());
        self.pos += len;
    }

    fn number(&mut self) {
        let start = self.pos;
        let rest = self.rest();
        let radix = match rest.get(..2) {
            Some("0x" | "0X") => Some((16, "hexadecimal")),
            Some("0o" | "0O") => Some((8, "octal")),
            Some("0b" | "0B") => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, what)) = radix {
            self.pos += 2;
            let digits = self.eat_alnum();
            let clean: String = digits.chars().filter(|&c| c != '_').collect();
            let well_formed = !clean.is_empty()
                && clean.chars().all(|c| c.is_digit(radix))
                && !digits.ends_with('_')
                && !digits.contains("__");
            if !well_formed {
                self.error_token(start, self.pos, format!("invalid {what} literal"));
                return;
            }
            match u64::from_str_radix(&clean, radix) {
                Ok(v) => self.push(TokenKind::Int(v), start, self.pos),
                Err(_) => self.int_too_large(start),
            }
            return;
        }

        let mut is_float = false;
        self.eat_digits();
        if self.peek_char() == Some('.') {
            is_float = true;
            self.pos += 1;
            self.eat_digits();
        }
        if matches!(self.peek_char(), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek_char_at(1), Some('+' | '-')));
            if self
                .peek_char_at(1 + sign)
                .is_some_and(|c| c.is_ascii_digit())
            {
                is_float = true;
                self.pos += 1 + sign;
                self.eat_digits();
            }
        }
        let text = &self.src[start..self.pos];
        // An imaginary literal: a decimal integer or float followed by `j` or `J`.
        let imag = matches!(self.peek_char(), Some('j' | 'J'))
            && !self.peek_char_at(1).is_some_and(is_name_char);
        if imag {
            self.pos += 1;
            if !underscores_ok(text) {
                self.error_token(
                    start,
                    self.pos,
                    "invalid imaginary literal: '_' must separate digits",
                );
                return;
            }
            let clean: String = text.chars().filter(|&c| c != '_').collect();
            match clean.parse::<f64>() {
                Ok(v) => self.push(TokenKind::Imag(v), start, self.pos),
                Err(_) => self.error_token(start, self.pos, "invalid imaginary literal"),
            }
            return;
        }
        // A name glued to a number (`1abc`, `1e`, `1_000x`) is one bad token.
        if self.peek_char().is_some_and(is_name_char) {
            let len = self
                .rest()
                .find(|c: char| !is_name_char(c))
                .unwrap_or(self.rest().len());
            self.pos += len;
            let what = if is_float { "float" } else { "decimal" };
            self.error_token(start, self.pos, format!("invalid {what} literal"));
            return;
        }
        if !underscores_ok(text) {
            let what = if is_float { "float" } else { "decimal" };
            self.error_token(
                start,
                self.pos,
                format!("invalid {what} literal: '_' must separate digits"),
            );
            return;
        }
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        if is_float {
            match clean.parse::<f64>() {
                Ok(v) => self.push(TokenKind::Float(v), start, self.pos),
                Err(_) => self.error_token(start, self.pos, "invalid float literal"),
            }
            return;
        }
        if clean.len() > 1 && clean.starts_with('0') && clean.bytes().any(|b| b != b'0') {
            self.error_token(
                start,
                self.pos,
                "leading zeros in decimal integer literals are not permitted (use 0o for octal)",
            );
            return;
        }
        match clean.parse::<u64>() {
            Ok(v) => self.push(TokenKind::Int(v), start, self.pos),
            Err(_) => self.int_too_large(start),
        }
    }

    fn int_too_large(&mut self, start: usize) {
        self.error_token(
            start,
            self.pos,
            format!("integer literal is too large (the largest is {})", u64::MAX),
        );
    }

    fn string(&mut self, quote: char) {
        let start = self.pos;
        let triple_quote: String = std::iter::repeat_n(quote, 3).collect();
        let triple = self.rest().starts_with(&triple_quote);
        self.pos += if triple { 3 } else { 1 };
        let mut value = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                let what = if triple {
                    "triple-quoted string"
                } else {
                    "string"
                };
                self.error_token(start, self.pos, format!("unterminated {what} literal"));
                return;
            };
            if c == quote && (!triple || self.rest().starts_with(&triple_quote)) {
                self.pos += if triple { 3 } else { 1 };
                break;
            }
            if c == '\n' && !triple {
                self.error_token(start, self.pos, "unterminated string literal");
                return;
            }
            self.pos += c.len_utf8();
            if c != '\\' {
                value.push(c);
                continue;
            }
            if self.peek_char().is_none() {
                continue;
            }
            self.pos += crate::fstring::push_escape(self.rest(), &mut value);
        }
        self.push(TokenKind::Str(value), start, self.pos);
    }

    /// An f-string: its text and fields (see [`crate::fstring`]).
    fn fstring(&mut self) {
        let start = self.pos;
        match crate::fstring::scan(self.src, start) {
            Ok((pieces, end)) => {
                self.pos = end;
                self.push(TokenKind::FStr(pieces), start, end);
            }
            Err(e) => {
                // Resume after the literal's closing quote on this line (or at the end of
                // the line): the rest of the literal is unreadable.
                let from = (e.span.end as usize).max(start + 2).min(self.src.len());
                let rest = &self.src[from..];
                let line = rest.find('\n').unwrap_or(rest.len());
                let quote = self.src[start + 1..].chars().next().unwrap_or('"');
                self.pos = from + rest[..line].find(quote).map_or(line, |k| k + 1);
                self.error_token(e.span.start as usize, e.span.end as usize, e.message);
            }
        }
    }

    fn operator(&mut self, c: char) {
        let start = self.pos;
        let rest = self.rest();
        let Some((text, kind)) = OPERATORS.iter().find(|(op, _)| rest.starts_with(op)) else {
            self.pos += c.len_utf8();
            let message = match c {
                '!' => "'!' is not an operator; use 'not' for negation or '!=' for comparison"
                    .to_string(),
                '?' => "'?' is not an operator; use 'a if condition else b'".to_string(),
                '`' | '$' => format!("unexpected character '{c}'"),
                _ if c.is_control() => format!("unexpected character U+{:04X}", c as u32),
                _ => format!("unexpected character '{c}'"),
            };
            self.error_token(start, self.pos, message);
            return;
        };
        self.pos += text.len();
        let end = self.pos;
        match kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => {
                self.brackets.push(OpenBracket {
                    ch: c,
                    span: Span::new(start, end),
                    line_indent: self.line_indent,
                });
                self.push(kind.clone(), start, end);
            }
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                self.close_bracket(c, kind.clone(), start, end)
            }
            _ => self.push(kind.clone(), start, end),
        }
    }

    fn close_bracket(&mut self, c: char, kind: TokenKind, start: usize, end: usize) {
        let opener = match c {
            ')' => '(',
            ']' => '[',
            _ => '{',
        };
        let Some(top) = self.brackets.last().map(|b| b.ch) else {
            self.error_token(start, end, format!("unmatched '{c}'"));
            return;
        };
        if top == opener {
            self.brackets.pop();
            self.push(kind, start, end);
            return;
        }
        self.error_token(
            start,
            end,
            format!("closing parenthesis '{c}' does not match opening parenthesis '{top}'"),
        );
        // `f(a[1)` closes both; `(a]` closes the '('.
        let keep = match self.brackets.iter().rposition(|b| b.ch == opener) {
            Some(i) => i,
            None => self.brackets.len() - 1,
        };
        self.brackets.truncate(keep);
    }
}

/// Python's rule for `_` in decimal literals: each `_` sits between two digits.
fn underscores_ok(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0
                && b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        let (tokens, diags) = tokenize(src);
        assert!(diags.is_empty(), "{diags:?}");
        tokens.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn layout_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("if x:\n    y\n\n  # c\nz\n"),
            vec![
                If,
                Name("x".into()),
                Colon,
                Newline,
                Indent,
                Name("y".into()),
                Newline,
                Dedent,
                Name("z".into()),
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("1_000 0xff 1. .5 1e-3 2.5E+3 1_000.5 0 00"),
            vec![
                Int(1000),
                Int(255),
                Float(1.0),
                Float(0.5),
                Float(0.001),
                Float(2500.0),
                Float(1000.5),
                Int(0),
                Int(0),
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn imaginary_numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("1j 2.5e3j 1J .5j 1_0j 0j"),
            vec![
                Imag(1.0),
                Imag(2500.0),
                Imag(1.0),
                Imag(0.5),
                Imag(10.0),
                Imag(0.0),
                Newline,
                Eof
            ]
        );
    }
}
