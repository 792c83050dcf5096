"""Mistakes in [tool.productops] are located problems with a reason and a hint, never a crash or silence."""

from __future__ import annotations

import textwrap

import pytest

from productops_lint.config import DEFAULT_MAX_FILE_SIZE, Config, parse_config
from productops_lint.registry.model import ArgSpec
from productops_lint.types import UserError


def problems(toml: str) -> list[str]:
    with pytest.raises(UserError) as caught:
        parse_config(textwrap.dedent(toml))
    return [str(p) for p in caught.value.problems]


def config(toml: str) -> Config:
    return parse_config(textwrap.dedent(toml))


# -- wrappers ---------------------------------------------------------------------------------------
def test_wrapper_event_given_as_an_array_is_located() -> None:
    assert problems(
        """\
        [[tool.productops.wrappers]]
        name = "shop.analytics.track_event"
        event = [1]
        """
    ) == [
        "pyproject.toml:3:1: `tool.productops.wrappers[0].event` must be a position (an integer), "
        "a keyword (a string) or a table of `position` and `keyword`, not an array"
    ]


def test_wrapper_position_of_the_wrong_type_is_located() -> None:
    assert problems(
        """\
        [[tool.productops.wrappers]]
        name = "shop.analytics.track_event"
        event = {position = "a"}
        """
    ) == ["pyproject.toml:3:1: `tool.productops.wrappers[0].event.position` must be an integer, not a string"]


def test_wrapper_without_a_name_points_at_its_own_table() -> None:
    assert problems(
        """\
        [tool.productops]
        src = ["src"]

        [[tool.productops.wrappers]]
        name = "shop.analytics.track_event"
        event = 0

        [[tool.productops.wrappers]]
        event = 1
        """
    ) == ["pyproject.toml:8:1: `tool.productops.wrappers[1]` is missing `name`"]


def test_unknown_keys_in_a_wrapper_suggest_the_right_one() -> None:
    assert problems(
        """\
        [[tool.productops.wrappers]]
        name = "shop.analytics.track_event"
        evnt = 0
        properties = {positon = 1}
        """
    ) == [
        "pyproject.toml:3:1: unknown key `evnt` in `tool.productops.wrappers[0]` (did you mean `event`?)",
        "pyproject.toml:1:1: `tool.productops.wrappers[0]` is missing `event`",
        "pyproject.toml:4:1: unknown key `positon` in `tool.productops.wrappers[0].properties` "
        "(did you mean `position`?)",
    ]


def test_wrapper_values_are_checked_like_the_rule_files_do() -> None:
    assert problems(
        """\
        [tool.productops]
        wrappers = [
          {name = "track_event", event = -1},
          {name = "shop.Tracker.track", event = "event-name", properties = true},
          "shop.analytics.track",
        ]
        """
    ) == [
        "pyproject.toml:2:1: `tool.productops.wrappers[0].name` is `track_event`, which does not look like "
        "`shop.analytics.track_event`, `sdk.Client().send` or `tools/send-metrics.py:track`",
        "pyproject.toml:2:1: `tool.productops.wrappers[0].event` must be at least 0",
        "pyproject.toml:2:1: `tool.productops.wrappers[1].event` is `event-name`, which is not a keyword argument name",
        "pyproject.toml:2:1: `tool.productops.wrappers[1].properties` must be a position (an integer), "
        "a keyword (a string) or a table of `position` and `keyword`, not a boolean",
        "pyproject.toml:2:1: `tool.productops.wrappers[2]` must be a table with `name` and `event`, not a string",
    ]


def test_wrappers_written_as_a_single_table_are_an_error() -> None:
    assert problems(
        """\
        [tool.productops.wrappers]
        name = "shop.analytics.track_event"
        event = 0
        """
    ) == [
        "pyproject.toml:1:1: `wrappers` must be an array of tables (`[[tool.productops.wrappers]]`), not a table"
    ]


def test_well_formed_wrappers_are_read_with_their_lines() -> None:
    parsed = config(
        """\
        [[tool.productops.wrappers]]
        name = "shop.analytics.track_event"
        event = {position = 1, keyword = "event"}
        properties = "props"

        [[tool.productops.wrappers]]
        name = "shop.Tracker.track"
        event = 0
        """
    )

    first, second = parsed.wrappers
    assert (first.qualname, first.event, first.properties) == (
        "shop.analytics.track_event",
        ArgSpec(position=1, keyword="event"),
        ArgSpec(keyword="props"),
    )
    assert (second.qualname, second.event) == ("shop.Tracker.track", ArgSpec(position=0))
    assert (first.location.line, second.location.line) == (1, 6)


# -- presets, codes ---------------------------------------------------------------------------------
def test_unknown_preset_is_located_with_a_suggestion() -> None:
    assert problems(
        """\
        [tool.productops]
        presets = ["posthog", "segmnt"]
        """
    ) == ["pyproject.toml:2:23: unknown preset `segmnt` in `tool.productops.presets` (did you mean `segment`?)"]


def test_preset_far_from_any_name_lists_the_presets() -> None:
    [message] = problems('[tool.productops]\npresets = "google"\n')

    assert message.startswith("pyproject.toml:2:11: unknown preset `google` in `tool.productops.presets` (the presets are ")
    assert "`segment`" in message and "`snowplow`" in message


def test_unknown_code_in_select_is_located_in_a_multi_line_array() -> None:
    assert problems(
        """\
        [tool.productops]
        select = [
            "PO1",
            "PO1O1",
        ]
        """
    ) == ["pyproject.toml:4:5: `PO1O1` in `tool.productops.select` matches no check (did you mean `PO101`?)"]


def test_unknown_codes_in_ignore_and_severity_are_located() -> None:
    assert problems(
        """\
        [tool.productops]
        ignore = ["PO9"]

        [tool.productops.severity]
        PO1 = "warning"
        P0201 = "error"
        """
    ) == [
        "pyproject.toml:2:11: `PO9` in `tool.productops.ignore` matches no check",
        "pyproject.toml:6:1: `P0201` in `tool.productops.severity` matches no check (did you mean `PO201`?)",
    ]


def test_prefixes_and_file_codes_that_match_a_check_are_accepted_in_any_case() -> None:
    parsed = config(
        """\
        [tool.productops]
        select = ["PO", "po0", "PO1"]
        ignore = ["PO003"]

        [tool.productops.severity]
        po2 = "warning"
        """
    )

    assert parsed.select == ("PO", "PO0", "PO1")
    assert parsed.ignore == ("PO003",)
    assert {code: level.value for code, level in parsed.severity.items()} == {"PO2": "warning"}


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        """\
        [tool.productops]
        selct = ["PO1"]
        presets = ["segmnt"]
        max-file-size = 0
        """
    )

    assert [line.split(": ", 1)[0] for line in found] == ["pyproject.toml:2:1", "pyproject.toml:3:12", "pyproject.toml:4:1"]


# -- TOML itself, and max-file-size -----------------------------------------------------------------
def test_invalid_toml_carries_its_line_and_column() -> None:
    assert problems(
        """\
        [tool.productops]
        src = ["src"]
        select == ["PO1"]
        """
    ) == ["pyproject.toml:3:9: invalid TOML: Invalid value"]


def test_toml_cut_short_points_at_its_last_line() -> None:
    assert problems('[tool.productops]\nsrc = ["src"]\nselect = ["PO1"\n') == [
        "pyproject.toml:3:1: invalid TOML: Unclosed array"
    ]


def test_productops_that_is_not_a_table_is_an_error() -> None:
    assert problems("[tool]\nproductops = 1\n") == ["pyproject.toml: `tool.productops` must be a table"]


def test_max_file_size_defaults_to_4_mib_and_can_be_changed() -> None:
    assert Config().max_file_size == DEFAULT_MAX_FILE_SIZE == 4 * 1024 * 1024
    assert config("[tool.productops]\nmax-file-size = 1_000_000\n").max_file_size == 1_000_000


@pytest.mark.parametrize("value", ["0", "-1", '"4 MiB"', "true", "1.5"])
def test_max_file_size_must_be_a_positive_integer(value: str) -> None:
    [message] = problems(f"[tool.productops]\nmax-file-size = {value}\n")

    assert message.startswith("pyproject.toml:2:1: `max-file-size` must be a positive number of bytes, not ")
