"""File checks (PO0xx): files that could hold tracking calls but could not be analyzed at all.

The engine reports these while reading and parsing; the classes here give them a place in the
catalogue, so they have documentation, examples, `select`/`ignore` and severities like any check.
"""

from __future__ import annotations

from typing import Iterator

from ..types import Diagnostic, TrackingCall
from .base import Check, CheckContext, Invalid, Valid

_HEAD = "import analytics\n\n"
_CALL = 'analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 9.5})\n'


class _FileCheck(Check):
    """A finding about a whole file: the engine emits it, so there is nothing to check per call."""

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        return iter(())


class UnparsableFile(_FileCheck):
    """
    ## What it does
    Reports a file that could contain tracking calls (it mentions an analytics SDK or one of the
    project's wrappers) but is not valid Python, at the position and with the wording of Python's
    own syntax error.

    ## Why is this bad?
    A file that does not parse is not checked at all: its tracking calls could send events that are
    not in the plan, or miss required properties, and no other finding would say so.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "Order Completed"))
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Order Completed")
    ```

    ## Known problems
    The engine emits this finding while parsing; the check inspects no tracking call itself.
    It is reported only for files that could contain a tracking call: the pre-filter never reads
    the others as Python, so a syntax error in them goes unreported. Syntax newer than the parser
    understands is reported too, even when the running Python accepts it. A file nested more
    deeply than Python's own parser allows (brackets, or long chains of operators or attributes)
    is reported with Python's reason and never handed to libcst, whose parser can crash on it;
    one that Python accepts but that is too deep to analyze says so.
    """

    code = "PO001"
    name = "unparsable-file"
    valid = (Valid(_HEAD + _CALL),)
    invalid = (
        Invalid(
            _HEAD + 'analytics.track("user-1", "Order Completed"))\n',
            ("File could not be parsed: unmatched ')'",),
        ),
    )


class UndecodableFile(_FileCheck):
    """
    ## What it does
    Reports a file that could contain tracking calls but could not be read, or is not valid text in
    the encoding it declares (UTF-8 unless a `# -*- coding: ... -*-` line says otherwise).

    ## Why is this bad?
    Its tracking calls cannot be checked, and Python itself refuses to import such a file: a
    misspelt encoding name or bytes saved in another encoding usually mean the file is broken.

    ## Example
    ```python
    # -*- coding: utf-9 -*-
    import analytics
    ```

    Use instead:
    ```python
    # -*- coding: utf-8 -*-
    import analytics
    ```

    ## Known problems
    The engine emits this finding while reading; the check inspects no tracking call itself.
    It is reported only for files whose bytes mention an analytics SDK or a wrapper, since the
    pre-filter never reads the others as Python.
    """

    code = "PO002"
    name = "undecodable-file"
    valid = (Valid("# -*- coding: utf-8 -*-\n# Prices are in €.\n" + _HEAD + _CALL),)
    invalid = (
        Invalid(
            "# -*- coding: no-such-codec -*-\n" + _HEAD + _CALL,
            ("File is not valid text in its declared encoding: unknown encoding: no-such-codec",),
        ),
    )


class OversizedFile(_FileCheck):
    """
    ## What it does
    Reports a file that could contain tracking calls but is larger than `max-file-size` (4 MiB by
    default), and so was not analyzed.

    ## Why is this bad?
    Its tracking calls are not checked. Files this large are nearly always generated code or
    vendored bundles, where a finding could not be fixed by hand anyway; this finding makes sure
    skipping one is a visible decision rather than a silent gap.

    ## Example
    A generated 6 MiB module, `app/generated/events.py`, that imports `analytics`.

    Use instead: exclude it, or raise the limit when it really is the project's own code:
    ```toml
    [tool.productops]
    exclude = ["app/generated/"]
    ```

    ## Options
    - `max-file-size`: the limit, in bytes.

    ## Known problems
    The engine emits this finding while reading; the check inspects no tracking call itself.
    It is reported only for files whose bytes mention an analytics SDK or a wrapper, since the
    pre-filter never reads the others as Python.
    """

    code = "PO003"
    name = "oversized-file"
    valid = (Valid(_HEAD + _CALL),)
    invalid = (
        Invalid(
            _HEAD + _CALL,
            ("File is larger than 64 bytes and was not analyzed",),
            config={"max_file_size": 64},
        ),
    )
