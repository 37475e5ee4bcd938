"""``actionbot tick`` as operators run it: a real subprocess, a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SETUP = """\
/board member add MH Mac Heath chair
/board member add KY Kevin Yong
/board meeting add 7 July 2027 10:30
/action add KY to review fees by 30 June
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tick.db'}"
    done = run("console", "--db", url, "--board", "Tick Board", "--as", "RE", stdin=SETUP)
    assert done.returncode == 0, done.stderr
    return url


def lines(done: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_dry_run_shows_without_sending_and_a_real_tick_sends_once(db: str) -> None:
    # 7 July 2027 is a Wednesday in summer time: 5 working days before is 30 June, 09:00 BST.
    at = "2027-06-30T08:00Z"
    expected = [{"kind": "reminder", "board": "Tick Board", "to": "KY", "actions": [1],
                 "at": "2027-06-30T08:00:00Z"}]
    assert lines(run("tick", "--db", db, "--at", at, "--dry-run", "--json")) == expected
    assert lines(run("tick", "--db", db, "--at", at, "--json")) == expected
    assert lines(run("tick", "--db", db, "--at", "2027-06-30T08:05Z", "--json")) == []


def test_at_without_an_offset_is_board_time(db: str) -> None:
    assert lines(run("tick", "--db", db, "--at", "2027-06-30T08:59", "--json")) == []
    sent = lines(run("tick", "--db", db, "--at", "2027-06-30T09:00", "--json"))
    assert [(m["kind"], m["to"], m["at"]) for m in sent] == [
        ("reminder", "KY", "2027-06-30T08:00:00Z")]


def test_text_output_prints_the_message_on_a_console_board(db: str) -> None:
    done = run("tick", "--db", db, "--at", "2027-06-30T08:00Z")
    assert done.returncode == 0, done.stderr
    assert "[reminder to KY on Tick Board]" in done.stdout
    assert "Action 1: KY to review fees" in done.stdout


def test_an_unreadable_time_is_refused_clearly(db: str) -> None:
    done = run("tick", "--db", db, "--at", "next Tuesday-ish")
    assert done.returncode == 2
    assert "--at takes an ISO time" in done.stderr
    assert "Traceback" not in done.stderr


def test_tick_on_console_boards_imports_no_chat_sdk(db: str) -> None:
    probe = ("import sys; from bot.cli import main; "
             f"main(['tick', '--db', {db!r}, '--at', '2027-06-30T08:00Z', '--json']); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('slack_sdk', 'slack_bolt', 'microsoft_teams')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_board_name_stored_before_names_were_checked_prints_no_escape(db: str) -> None:
    """Names are refused control characters when typed now; one stored earlier (or by an old
    restore) still must not retitle the operator's terminal when tick prints it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE boards SET name = :n"), {"n": "Tick\x1b]0;pwned\x07 Board"})
    engine.dispose()
    done = run("tick", "--db", db, "--at", "2027-06-30T08:00Z", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "[would send reminder to KY on Tick Board]" in done.stdout
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
