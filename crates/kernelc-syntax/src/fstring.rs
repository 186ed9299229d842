//! The lexer's scanner for f-strings (`f"x = {x:.3f}, n = {n!r:>5}"`).
//!
//! [`scan`] splits the literal into text and replacement fields. A field keeps the source
//! range of its expression, which the parser parses as an expression of its own (so its
//! spans point into the file), its conversion (`!r`, `!s`, `!a`) and its format
//! specification (checked by sema, formatted by `kernelc_runtime::pyformat`).

use crate::Span;

/// One piece of an f-string, as the lexer found it.
#[derive(Clone, Debug, PartialEq)]
pub enum FPiece {
    /// Literal text, escapes and `{{`/`}}` resolved.
    Text(String),
    /// `{expr!conv:spec}`.
    Field {
        /// Source range of the expression.
        expr: Span,
        /// `!s`, `!r` or `!a` (`=` without a conversion or specification means `!r`).
        conv: Option<char>,
        /// The format specification after `:` (empty if none).
        spec: String,
        /// Source range of the specification (the field's range when there is none).
        spec_span: Span,
    },
}

/// An error at a source range.
pub struct ScanError {
    pub span: Span,
    pub message: String,
}

fn err<T>(start: usize, end: usize, message: impl Into<String>) -> Result<T, ScanError> {
    Err(ScanError {
        span: Span::new(start, end),
        message: message.into(),
    })
}

/// Resolves one backslash escape into `out`, as a Python string literal does: `rest` is
/// the text after the backslash; returns the bytes the escape takes (`n`, `x41`, `101`,
/// `u00e9`, `U0001F600`, ...). Shared with the lexer's plain strings. An unknown or
/// malformed escape (and `\N{...}`, whose names are not known here) keeps its backslash.
pub(crate) fn push_escape(rest: &str, out: &mut String) -> usize {
    let Some(e) = rest.chars().next() else {
        out.push('\\');
        return 0;
    };
    let simple = match e {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'v' => Some('\u{b}'),
        '\\' | '\'' | '"' => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        out.push(c);
        return 1;
    }
    if e == '\n' {
        return 1; // backslash-newline continues the string
    }
    // Octal: up to three digits.
    if e.is_digit(8) {
        let n = rest
            .bytes()
            .take(3)
            .take_while(|b| (b'0'..=b'7').contains(b))
            .count();
        if let Some(c) = u32::from_str_radix(&rest[..n], 8)
            .ok()
            .and_then(char::from_u32)
        {
            out.push(c);
            return n;
        }
    }
    // \xhh, \uhhhh, \Uhhhhhhhh: exactly that many hex digits.
    let hex = match e {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => 0,
    };
    if hex > 0 {
        let digits = &rest[1..];
        if digits.len() >= hex
            && digits.is_char_boundary(hex)
            && digits[..hex].bytes().all(|b| b.is_ascii_hexdigit())
        {
            if let Some(c) = u32::from_str_radix(&digits[..hex], 16)
                .ok()
                .and_then(char::from_u32)
            {
                out.push(c);
                return 1 + hex;
            }
        }
    }
    // As in Python, an unknown escape keeps its backslash.
    out.push('\\');
    out.push(e);
    e.len_utf8()
}

/// Scans the f-string whose prefix (`f`/`F`) starts at `start` in `src`. Returns its pieces
/// and the offset just past its closing quote.
pub fn scan(src: &str, start: usize) -> Result<(Vec<FPiece>, usize), ScanError> {
    let quote = src[start + 1..].chars().next().unwrap_or('"');
    let triple_quote: String = std::iter::repeat_n(quote, 3).collect();
    let triple = src[start + 1..].starts_with(&triple_quote);
    let mut pos = start + 1 + if triple { 3 } else { 1 };
    let mut pieces = Vec::new();
    let mut text = String::new();
    let unterminated = |pos: usize| {
        let what = if triple {
            "triple-quoted f-string"
        } else {
            "f-string"
        };
        err(start, pos, format!("unterminated {what} literal"))
    };
    loop {
        let rest = &src[pos..];
        let Some(c) = rest.chars().next() else {
            return unterminated(pos);
        };
        if c == quote && (!triple || rest.starts_with(&triple_quote)) {
            pos += if triple { 3 } else { 1 };
            break;
        }
        if c == '\n' && !triple {
            return unterminated(pos);
        }
        pos += c.len_utf8();
        match c {
            '\\' => {
                if !src[pos..].is_empty() {
                    pos += push_escape(&src[pos..], &mut text);
                }
            }
            '{' if src[pos..].starts_with('{') => {
                text.push('{');
                pos += 1;
            }
            '}' if src[pos..].starts_with('}') => {
                text.push('}');
                pos += 1;
            }
            '}' => return err(pos - 1, pos, "f-string: single '}' is not allowed"),
            '{' => {
                if !text.is_empty() {
                    pieces.push(FPiece::Text(std::mem::take(&mut text)));
                }
                let (field, debug, end) = field(src, pos, quote, triple)?;
                if let Some(d) = debug {
                    pieces.push(FPiece::Text(d));
                }
                pieces.push(field);
                pos = end;
            }
            _ => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(FPiece::Text(text));
    }
    Ok((pieces, pos))
}

/// Scans one replacement field starting just after its `{`. Returns the field, the text
/// of a `{x=}` debug field (`"x="`), and the offset after the closing `}`.
fn field(
    src: &str,
    open: usize,
    quote: char,
    triple: bool,
) -> Result<(FPiece, Option<String>, usize), ScanError> {
    let mut pos = open;
    let mut depth = 0usize;
    let expecting = |pos: usize| err(open - 1, pos, "f-string: expecting '}'");
    // The expression: up to `!`, `:` or `}` outside brackets and nested strings.
    let expr_end = loop {
        let rest = &src[pos..];
        let Some(c) = rest.chars().next() else {
            return expecting(pos);
        };
        if (c == quote
            && (!triple || rest.starts_with(&std::iter::repeat_n(quote, 3).collect::<String>())))
            || (c == '\n' && !triple)
        {
            return expecting(pos);
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            '}' if depth > 0 => depth -= 1,
            '}' | ':' if depth == 0 => break pos,
            '!' if depth == 0 && !rest.starts_with("!=") => break pos,
            '\'' | '"' => {
                // A string inside the expression: skip to its end.
                let close = rest[1..].find(c).map(|k| pos + 1 + k);
                match close {
                    Some(k) => {
                        pos = k + 1;
                        continue;
                    }
                    None => return expecting(src.len()),
                }
            }
            '#' => return err(pos, pos + 1, "f-string expression part cannot include '#'"),
            _ => {}
        }
        pos += c.len_utf8();
    };
    let raw = &src[open..expr_end];
    let mut expr = Span::new(open, expr_end);
    let mut debug = None;
    let trimmed = raw.trim_end();
    if let Some(before) = trimmed.strip_suffix('=') {
        if !before.ends_with(['=', '!', '<', '>']) {
            debug = Some(raw.to_string());
            expr = Span::new(open, open + before.len());
        }
    }
    if src[expr.start as usize..expr.end as usize]
        .trim()
        .is_empty()
    {
        return err(
            open - 1,
            expr_end + 1,
            "f-string: empty expression not allowed",
        );
    }
    pos = expr_end;
    let mut conv = None;
    if src[pos..].starts_with('!') {
        let c = src[pos + 1..].chars().next();
        match c {
            Some(c @ ('s' | 'r' | 'a')) => conv = Some(c),
            _ => {
                return err(
                    pos,
                    pos + 1 + c.map_or(0, char::len_utf8),
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                )
            }
        }
        pos += 2;
        if !src[pos..].starts_with([':', '}']) {
            return expecting(pos);
        }
    }
    let mut spec = String::new();
    let mut spec_span = Span::new(open - 1, pos + 1);
    if src[pos..].starts_with(':') {
        pos += 1;
        let spec_start = pos;
        loop {
            let Some(c) = src[pos..].chars().next() else {
                return expecting(pos);
            };
            match c {
                '}' => break,
                '{' => {
                    return err(
                        pos,
                        pos + 1,
                        "nested replacement fields in a format specification are not supported",
                    )
                }
                '\n' if !triple => return expecting(pos),
                c if c == quote => return expecting(pos),
                _ => spec.push(c),
            }
            pos += c.len_utf8();
        }
        spec_span = Span::new(spec_start, pos);
    }
    if !src[pos..].starts_with('}') {
        return expecting(pos);
    }
    pos += 1;
    if debug.is_some() && conv.is_none() && spec.is_empty() {
        conv = Some('r');
    }
    Ok((
        FPiece::Field {
            expr,
            conv,
            spec,
            spec_span,
        },
        debug,
        pos,
    ))
}
