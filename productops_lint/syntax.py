"""Leaf module: CPython's own account of a syntax error, for PO001 (used by detect and the engine)."""

from __future__ import annotations


def _compile(source: str, flags: int) -> None:
    import warnings

    # A warning (an invalid escape, say) is not the error we look for, and with `-W error` it
    # would be raised as a SyntaxError of its own.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(source, "<source>", "exec", flags, dont_inherit=True)


def syntax_error_position(source: str) -> tuple[int, int, str] | None:
    """CPython's line, 0-based column and wording for the first syntax error in ``source``; None if it compiles.

    For PO001 once libcst has failed: CPython names the real cause ("unmatched ')'") where libcst's
    parser lists the tokens it expected, often a line later.
    """
    try:
        _compile(source, 0)
    except SyntaxError as exc:
        return max(exc.lineno or 1, 1), max((exc.offset or 1) - 1, 0), exc.msg
    except ValueError as exc:  # null bytes, before Python 3.12 made that a SyntaxError
        return 1, 0, str(exc)
    except (RecursionError, MemoryError):
        return None
    return None


def too_deeply_nested(source: str) -> tuple[int, int, str] | None:
    """Where and why CPython refuses ``source`` for its nesting (brackets, chains of operators or
    attributes too deep for its parser); None when it does not.

    Checked before libcst parses a file: on such input libcst's native parser can overflow its
    stack and kill the process, or take minutes, and CPython's parser answers in milliseconds
    (about a tenth of libcst's time on ordinary files). Other syntax errors are left to libcst,
    which also reads syntax newer than the Python running this.
    """
    import ast

    try:
        _compile(source, ast.PyCF_ONLY_AST)
    except (RecursionError, MemoryError):
        return 1, 0, "too deeply nested for Python to parse"
    except SyntaxError as exc:
        if "nested" in (exc.msg or ""):  # "too many nested parentheses", f-strings nested too deeply
            return max(exc.lineno or 1, 1), max((exc.offset or 1) - 1, 0), exc.msg
    except ValueError:  # null bytes before Python 3.12: libcst reports those
        pass
    return None
