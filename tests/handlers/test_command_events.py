"""Every command, on every platform, makes one log line of bounded facts and one event for
observers: its verb, board id, platform, outcome and duration, never what was typed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from handlers.command_events import CommandEvent, observe
from handlers.replies import Tone
from tests.conftest import Chat

LINE = re.compile(r"^command (?P<verb>\S+) board=(?P<board>\S+) platform=(?P<platform>\S+) "
                  r"outcome=(?P<outcome>\S+) (?P<ms>[0-9]+\.[0-9]{2}) ms$")
SECRET = "xoxb-123 secret"


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="handlers.command_events")
    caplog.clear()
    yield caplog


@pytest.fixture
def events() -> Iterator[list[CommandEvent]]:
    seen: list[CommandEvent] = []
    stop = observe(seen.append)
    yield seen
    stop()


def command_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, str]]:
    return [m.groupdict() for r in caplog.records if r.name == "handlers.command_events"
            if (m := LINE.match(r.getMessage()))]


def board_id(events: list[CommandEvent]) -> int:
    ids = {e.board_id for e in events if e.board_id is not None}
    assert len(ids) == 1, ids
    return ids.pop()


def test_a_command_logs_exactly_one_line_with_its_facts(
    board: Chat, lines: pytest.LogCaptureFixture, events: list[CommandEvent]
) -> None:
    assert board("/action add KY to write to DfE", as_="RE").tone is Tone.SUCCESS
    lines.clear()

    board("/action show 1", as_="KY")

    (line,) = command_lines(lines)
    assert [r.name for r in lines.records] == ["handlers.command_events"]
    assert (line["verb"], line["board"], line["platform"], line["outcome"]) == (
        "show", str(board_id(events)), "console", "ok")
    assert float(line["ms"]) > 0


def test_secret_looking_text_never_reaches_the_log(
    board: Chat, lines: pytest.LogCaptureFixture, events: list[CommandEvent]
) -> None:
    for line in (f"/action add {SECRET} to the auditors", f"/action {SECRET}",
                 f"/action close 99 {SECRET}", f"/action update 1 {SECRET}",
                 f"/{SECRET}", f"/action add {'x' * 5000} {SECRET}"):
        board(line, as_="RE")

    got = command_lines(lines)
    assert [(g["verb"], g["outcome"]) for g in got] == [
        ("add", "ok"), ("invalid", "refused"), ("close", "refused"), ("update", "ok"),
        ("invalid", "refused"), ("invalid", "refused")]
    assert "xoxb" not in lines.text and "secret" not in lines.text
    assert "auditors" not in lines.text
    assert len(events) == len(got)


def test_observers_see_verbs_not_what_was_typed(board: Chat,
                                                events: list[CommandEvent]) -> None:
    board("/action add KY to write to DfE", as_="RE")
    board("/action done 1 letter sent", as_="KY")
    board("/board member list", as_="KY")

    assert [(e.verb, e.platform, e.outcome) for e in events[-3:]] == [
        ("add", "console", "ok"), ("close", "console", "ok"), ("member_list", "console", "ok")]
    assert all(e.seconds > 0 for e in events[-3:])


def test_a_failing_observer_does_not_fail_the_command(board: Chat,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    def broken(_: CommandEvent) -> None:
        raise RuntimeError("observer bug")

    stop = observe(broken)
    try:
        reply = board("/action add KY to write to DfE", as_="RE")
    finally:
        stop()

    assert reply.tone is Tone.SUCCESS
    assert "a command observer failed" in caplog.text
