"""Leaf module: CPython's own account of a syntax error, for PO001 (used by detect and the engine)."""

from __future__ import annotations


def syntax_error_position(source: str) -> tuple[int, int, str] | None:
    """CPython's line, 0-based column and wording for the first syntax error in ``source``; None if it compiles.

    For PO001 once libcst has failed: CPython names the real cause ("unmatched ')'") where libcst's
    parser lists the tokens it expected, often a line later.
    """
    import warnings

    try:
        # A warning (an invalid escape, say) is not the error we look for, and with `-W error` it
        # would be raised as a SyntaxError of its own.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<source>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return max(exc.lineno or 1, 1), max((exc.offset or 1) - 1, 0), exc.msg
    except ValueError as exc:  # null bytes, before Python 3.12 made that a SyntaxError
        return 1, 0, str(exc)
    except (RecursionError, MemoryError):
        return None
