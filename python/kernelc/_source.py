"""Kernel source text for a Python function: the function's own lines, the jitted functions it
calls, and the module globals it reads, assembled into one kernel-language module.

Produced by `Dispatcher` (kernelc/_jit.py) on first compilation (and when pickled), consumed
by `kernelc._native.Kernel`. The text keeps the `.py` file's line numbers: each function of
the decorated function's own file is placed at its original line (the lines before it are
blank), decorators and docstrings are blanked rather than removed, and captured constants go
after the last function. Compile and runtime errors therefore name the `.py` file with its
own line numbers and carets. Functions from other files are appended after those of the
main file (their messages name the main file, at lines past its end).
"""

import ast
import inspect
import linecache
import math
import re
import textwrap
import types

import numpy as np

# Globals that are numbers become top-level constants; arrays up to this many elements become
# array literals (larger ones are refused with a message: pass them as arguments).
MAX_ARRAY_GLOBAL = 100_000

_NP_DTYPE_NAMES = {
    "bool": "bool",
    "int8": "i8",
    "int16": "i16",
    "int32": "i32",
    "int64": "i64",
    "uint8": "u8",
    "uint16": "u16",
    "uint32": "u32",
    "uint64": "u64",
    "float32": "f32",
    "float64": "f64",
}


class SourceError(Exception):
    """The function's source cannot be turned into a kernel (raised as kernelc.CompileError)."""


class Chunk:
    """One function's lines: where they come from and the text to compile."""

    def __init__(self, func, decorator=None):
        self.func = func
        self.name = func.__name__
        lines, first, self.filename = _source_lines(func)
        text = textwrap.dedent("".join(lines))
        self.first = first
        self.lines = _strip(text, self.name, decorator).split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()

    @property
    def last(self):
        return self.first + len(self.lines) - 1


def _source_lines(func):
    """(lines, first line number, file name) of a function's definition, decorators
    included, as `inspect.getsourcelines` gives them. The block is found by indentation in
    the file's lines (linecache, as inspect reads them), which avoids the tokenizer (its
    first use costs about 20 ms); inspect is the fallback when that block does not parse."""
    code = func.__code__
    filename = code.co_filename
    all_lines = linecache.getlines(filename, func.__globals__)
    first = code.co_firstlineno
    if all_lines and 0 < first <= len(all_lines):
        head = all_lines[first - 1]
        indent = len(head) - len(head.lstrip())
        end = first
        seen_def = False
        while end < len(all_lines):
            line = all_lines[end]
            stripped = line.strip()
            if not seen_def and all_lines[end - 1].lstrip().startswith(("def ", "async def ")):
                seen_def = True
            if stripped and not stripped.startswith("#"):
                if len(line) - len(line.lstrip()) <= indent and seen_def:
                    break
            end += 1
        while end > first and not all_lines[end - 1].strip():
            end -= 1
        block = all_lines[first - 1 : end]
        try:
            ast.parse(textwrap.dedent("".join(block)))
            return block, first, filename
        except SyntaxError:
            pass
    try:
        block, first = inspect.getsourcelines(func)
        return block, first, inspect.getsourcefile(func) or filename
    except (OSError, TypeError) as e:
        raise SourceError(
            f"kernelc needs the source of {func.__qualname__}() to compile it, and "
            f"inspect.getsource cannot find it ({e}); define it in a .py file"
        ) from None


def _strip(text, name, decorator=None):
    """Blanks the decorator lines and the docstring of the single `def` in `text` and drops
    its parameters' default values and annotations, keeping every other line where it is. `decorator` (e.g. `@njit(parallel=True)`), when given,
    takes the line just above the `def` if there is one."""
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        raise SourceError(f"cannot parse the source of {name}(): {e}") from None
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(defs) != 1 or defs[0].name != name:
        raise SourceError(
            f"kernelc needs {name}() to be a plain 'def' (lambdas and functions created "
            "inside expressions have no source of their own)"
        )
    fn = defs[0]
    lines = text.split("\n")
    # Default values and annotations: Python applies the defaults before the call (every
    # argument reaches the kernel), and its annotations are hints that Numba ignores too
    # (the kernel language would read them as types), so the `def` goes without them.
    cuts = []  # (line index, start byte, end byte) to remove
    a = fn.args
    positional = a.posonlyargs + a.args
    defaults = dict(zip(map(id, positional[len(positional) - len(a.defaults):]), a.defaults))
    defaults.update((id(p), d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None)
    for arg in positional + a.kwonlyargs:
        end = defaults.get(id(arg), arg if arg.annotation is not None else None)
        if end is not None and end.end_lineno == arg.lineno:
            name_end = arg.col_offset + len(arg.arg.encode())
            cuts.append((arg.lineno - 1, name_end, end.end_col_offset))
    if a.kwonlyargs and a.vararg is None:
        # The bare `*` before keyword-only parameters (the kernel takes them by position).
        first = a.kwonlyargs[0]
        line = lines[first.lineno - 1].encode()
        star = line.rfind(b"*", 0, first.col_offset)
        if star >= 0:
            cuts.append((first.lineno - 1, star, first.col_offset))
    r = fn.returns
    if r is not None and r.lineno == r.end_lineno:
        line = lines[r.lineno - 1].encode()
        arrow = line.rfind(b"->", 0, r.col_offset)
        if arrow >= 0:
            start = len(line[:arrow].rstrip())
            cuts.append((r.lineno - 1, start, r.end_col_offset))
    for k, start, end in sorted(cuts, reverse=True):
        line = lines[k].encode()
        lines[k] = (line[:start] + line[end:]).decode()
    for k in range(fn.lineno - 1):
        lines[k] = ""
    if decorator and fn.lineno > 1:
        lines[fn.lineno - 2] = " " * fn.col_offset + decorator
    body = fn.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        doc = body[0]
        lo, hi = doc.lineno - 1, doc.end_lineno - 1
        if len(body) == 1:
            indent = lines[lo][: len(lines[lo]) - len(lines[lo].lstrip())]
            lines[lo] = indent + "pass"
            lo += 1
        for k in range(lo, hi + 1):
            lines[k] = ""
    return "\n".join(lines)


def _global_names(code):
    """Names a code object (and the code objects nested in it) reads as globals or
    attributes."""
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _global_names(c)
    return names


def _jitted_py_func(obj):
    """The Python function behind a kernelc (or Numba) dispatcher and the decorator line
    that keeps its options, else (None, None)."""
    from ._jit import Dispatcher

    if isinstance(obj, Dispatcher):
        return obj.py_func, obj._decorator_line()
    py_func = getattr(obj, "py_func", None)
    if isinstance(py_func, types.FunctionType) and type(obj).__module__.startswith("numba"):
        return py_func, None
    return None, None


def _float_text(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


def constant_text(name, value):
    """The kernel-language definition of a captured global, or None when it is not a
    number or an array (modules, functions, ... are left to the compiler)."""
    if isinstance(value, (bool, np.bool_)):
        return f"{name} = {bool(value)}"
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if isinstance(value, np.integer) and value.dtype != np.int64:
            return f"{name} = np.{value.dtype.name}({v})"
        return f"{name} = {v}"
    if isinstance(value, (float, np.floating)):
        if isinstance(value, np.floating) and value.dtype != np.float64:
            return f"{name} = np.{value.dtype.name}({_float_text(value)})"
        return f"{name} = {_float_text(value)}"
    if isinstance(value, np.ndarray):
        if value.dtype.name not in _NP_DTYPE_NAMES:
            raise SourceError(
                f"global array '{name}' has dtype {value.dtype}, which kernelc does not support"
            )
        if value.size > MAX_ARRAY_GLOBAL:
            raise SourceError(
                f"global array '{name}' has {value.size} elements; kernelc captures global "
                f"arrays of at most {MAX_ARRAY_GLOBAL} elements as constants: pass it as an "
                "argument instead"
            )
        if value.dtype.kind == "f":
            items = np.vectorize(_float_text, otypes=[object])(value).tolist() if value.size else []
        else:
            items = value.tolist()
        body = repr(items).replace("'", "")
        if value.ndim == 0:
            return constant_text(name, value[()])
        return f"{name} = np.array({body}, dtype=np.{value.dtype.name})"
    return None


def collect(func, decorator=None):
    """The chunks of `func` and of every jitted function it calls (transitively), and the
    constants they read: ([Chunk], {name: text})."""
    chunks = []
    seen = {}
    consts = {}
    values = {}
    stack = [(func, decorator)]
    while stack:
        f, deco = stack.pop()
        if id(f) in seen:
            continue
        chunk = Chunk(f, deco)
        seen[id(f)] = chunk
        chunks.append(chunk)
        g = f.__globals__
        for n in sorted(_global_names(f.__code__)):
            if n not in g:
                continue
            v = g[n]
            callee, deco = _jitted_py_func(v)
            if callee is not None:
                if callee.__name__ != n:
                    raise SourceError(
                        f"{f.__name__}() calls the jitted function {callee.__name__}() under "
                        f"the name '{n}'; kernelc needs it called by its own name"
                    )
                stack.append((callee, deco))
                continue
            text = constant_text(n, v)
            if text is None:
                continue
            if n in consts and not _same(values[n], v):
                raise SourceError(
                    f"the global '{n}' has different values in the modules of the functions "
                    "compiled together"
                )
            consts[n] = text
            values[n] = v
    names = {}
    for c in chunks:
        if c.name in names and names[c.name].func is not c.func:
            raise SourceError(f"two different jitted functions are both named {c.name}()")
        names[c.name] = c
    return chunks, consts


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=True)
        )
    return type(a) is type(b) and (a == b or (a != a and b != b))


def _definition_lines(filename, names):
    """The line (1-based) where each module global is last bound at the top level of a
    file (`NAME = ...`, `NAME: T = ...`), for the names found."""
    found = {}
    if not names:
        return found
    pattern = re.compile(r"^(%s)\s*(?::[^=]*)?=(?!=)" % "|".join(map(re.escape, names)))
    for k, line in enumerate(linecache.getlines(filename), start=1):
        m = pattern.match(line)
        if m:
            found[m.group(1)] = k
    return found


def assemble(func, decorator=None):
    """The kernel text of `func` and its callees, and the name it is compiled under:
    (filename, text). Captured globals of the main file sit on the line where the module
    binds them (when that line is free), so their errors point there."""
    chunks, consts = collect(func, decorator)
    main_file = chunks[0].filename
    local = sorted((c for c in chunks if c.filename == main_file), key=lambda c: c.first)
    foreign = [c for c in chunks if c.filename != main_file]
    lines = {}  # line number -> text
    for c in local:
        if any(n in lines for n in range(c.first, c.last + 1)):
            foreign.append(c)  # overlapping (nested definitions): appended instead
            continue
        for k, text in enumerate(c.lines):
            lines[c.first + k] = text
    placed = set()
    for name, line in _definition_lines(main_file, sorted(consts)).items():
        if line not in lines:
            lines[line] = consts[name]
            placed.add(name)
    out = [""] * max(lines, default=0)
    for k, text in lines.items():
        out[k - 1] = text
    for c in foreign:
        out.append("")
        out.extend(c.lines)
    out.append("")
    out.extend(consts[n] for n in sorted(consts) if n not in placed)
    return main_file, "\n".join(out) + "\n"
