"""The local console, run as a real process with commands piped to its standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from storage.db import make_engine
from storage.models import Action, Board, Member
from storage.uow import UnitOfWork

ACTIONBOT = Path(sys.executable).parent / "actionbot"
TIMEOUT = 60
HEAVY_MODULES = ("slack_bolt", "slack_sdk", "sqlalchemy", "dateparser")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def console(*args: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT,
        cwd=cwd, env=_env(),
    )


def replies_in(stdout: str) -> list[str]:
    """Reply titles: the unindented lines (everything under a title is indented)."""
    return [line for line in stdout.splitlines() if line and not line[0].isspace()]


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout, result.stdout
    assert "Traceback" not in result.stderr, result.stderr


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_console_creates_the_board_with_the_typist_as_secretary(tmp_path: Path) -> None:
    db = tmp_path / "new" / "actionbot.db"
    db.parent.mkdir()
    result = console("--db", f"sqlite:///{db}", "--board", "Test Board", "--as", "RE",
                     stdin="/action add MH to write to DfE by 5 May\n/board member list\n",
                     cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    titles = replies_in(result.stdout)
    assert titles == ["✓ Action 1 added", "Members of Test Board"]
    assert "Action 1: MH to write to DfE" in result.stdout
    assert "Due: 5 May" in result.stdout
    assert "RE — RE (secretary)" in result.stdout

    engine = make_engine(f"sqlite:///{db}")
    try:
        with UnitOfWork(engine).transaction() as session:
            board = session.scalars(select(Board)).one()
            assert board.name == "Test Board"
            members = session.execute(select(Member.initials, Member.role)).all()
            assert [tuple(m) for m in members] == [("RE", "secretary")]
            assert session.scalars(select(Action.text)).all() == ["MH to write to DfE"]
    finally:
        engine.dispose()


def test_console_on_each_database_kind(engine: Engine, tmp_path: Path) -> None:
    first = console("--db", url_of(engine), "--board", "Console Board", "--as", "RE",
                    stdin="/action add KY to draft the paper\n", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert replies_in(first.stdout) == ["✓ Action 1 added"]

    again = console("--db", url_of(engine), "--board", "Console Board", "--as", "RE",
                    stdin="/action add AC to book the room\n/action close 1 done\n",
                    cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert replies_in(again.stdout) == ["✓ Action 2 added", "✓ Action 1 closed"]
    assert_no_traceback(first)
    assert_no_traceback(again)

    with UnitOfWork(engine).transaction() as session:
        assert session.scalars(select(Board.name)).all() == ["Console Board"]
        rows = session.execute(select(Action.number, Action.status).order_by(Action.number))
        assert [tuple(r) for r in rows] == [(1, "closed"), (2, "open")]


def test_mistakes_are_replies_and_the_console_carries_on(tmp_path: Path) -> None:
    lines = [
        "/action close 99",
        "make me a sandwich",
        "/action frobnicate 3",
        "/action assign 1 @ZZ",
        "/action add KY to circulate the report",
        "/action show 1",
    ]
    result = console("--db", f"sqlite:///{tmp_path / 'log.db'}", "--board", "Test Board",
                     "--as", "RE", stdin="\n".join(lines) + "\n", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    titles = replies_in(result.stdout)
    assert len(titles) == len(lines), result.stdout
    assert all(title.startswith("✗ ") for title in titles[:4]), titles
    assert titles[4] == "✓ Action 1 added"
    assert "KY to circulate the report" in result.stdout.split(titles[5], 1)[1]


def test_blank_lines_and_comments_are_ignored_and_input_is_not_echoed(tmp_path: Path) -> None:
    commands = ["/action add MH to write to DfE by 5 May", "/action list"]
    stdin = "\n".join([
        "# minutes of the January meeting",
        "",
        commands[0],
        "   ",
        "   # an indented comment",
        commands[1],
        "",
    ]) + "\n"
    result = console("--db", f"sqlite:///{tmp_path / 'log.db'}", "--board", "Test Board",
                     "--as", "RE", stdin=stdin, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert len(replies_in(result.stdout)) == len(commands), result.stdout
    out_lines = [line.strip() for line in result.stdout.splitlines()]
    for typed in (*commands, "# minutes of the January meeting", "# an indented comment"):
        assert typed not in out_lines
        assert f"> {typed}" not in result.stdout
    assert "minutes of the January meeting" not in result.stdout
    assert not result.stdout.startswith(">")


def test_demo_shows_a_ready_made_board(tmp_path: Path) -> None:
    result = console("--demo", stdin="/action list\n/action digest\n", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert result.stderr == ""
    titles = replies_in(result.stdout)
    assert len(titles) == 2, result.stdout
    assert titles[0].startswith("Open actions on Demo Regional Adoption Board")
    assert "Action 1:" in result.stdout
    assert titles[1] == "Action log digest — Demo Regional Adoption Board"
    assert not any(title.startswith("✗") for title in titles)
    assert not (tmp_path / "actionbot.db").exists(), "the demo kept its data on disk"


def test_demo_on_a_database_file_keeps_the_board(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = console("--demo", "--db", url, stdin="/action list\n", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = console("--demo", "--db", url, stdin="/action list\n", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert replies_in(first.stdout) == replies_in(second.stdout)
    assert_no_traceback(second)


@pytest.mark.parametrize(
    "url",
    ["sqlite:////nonexistent-dir/x/y.db", "postgresql://postgres@127.0.0.1:1/x"],
    ids=["sqlite-no-directory", "postgres-refused"],
)
def test_an_unopenable_database_is_one_line_on_stderr(url: str, tmp_path: Path) -> None:
    result = console("--db", url, "--board", "Test Board", "--as", "RE",
                     stdin="/action list\n", cwd=tmp_path)

    assert result.returncode != 0
    assert_no_traceback(result)
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert message.startswith("actionbot:")
    assert "database" in message


def test_the_database_password_is_not_shown(tmp_path: Path) -> None:
    result = console("--db", "postgresql://postgres:s3cret-pw@127.0.0.1:1/x", "--board", "B",
                     "--as", "RE", stdin="/action list\n", cwd=tmp_path)

    assert result.returncode != 0
    assert "s3cret-pw" not in result.stderr + result.stdout, result.stderr


def test_quit_ends_the_session(tmp_path: Path) -> None:
    result = console("--db", f"sqlite:///{tmp_path / 'log.db'}", "--board", "Test Board",
                     "--as", "RE", stdin="/action add KY to tidy up\nquit\n/action add KY no\n",
                     cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert replies_in(result.stdout) == ["✓ Action 1 added"]


@pytest.mark.parametrize(
    ("args", "mentions"),
    [([], "console"), (["console"], "--demo"), (["db", "upgrade"], "--db")],
    ids=["top", "console", "db-upgrade"],
)
def test_actionbot_help(args: list[str], mentions: str, tmp_path: Path) -> None:
    result = subprocess.run([str(ACTIONBOT), *args, "--help"], capture_output=True,
                            text=True, timeout=TIMEOUT, cwd=tmp_path, env=_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: actionbot")
    assert mentions in result.stdout
    assert result.stderr == ""


IMPORT_PROBE = """
import json, sys
import bot.cli
try:
    bot.cli.main(sys.argv[1:])
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


@pytest.mark.parametrize("args", [["--help"], ["console", "--help"], ["db", "upgrade", "--help"]],
                         ids=["top", "console", "db-upgrade"])
def test_help_imports_no_heavy_libraries(args: list[str], tmp_path: Path) -> None:
    probe = IMPORT_PROBE.format(heavy=HEAVY_MODULES)
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                            text=True, timeout=TIMEOUT, cwd=tmp_path, env=_env())
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == []


def console_bytes(*args: str, stdin: bytes, cwd: Path,
                  strict_utf8: bool = True) -> subprocess.CompletedProcess[bytes]:
    """The console under a strict UTF-8 locale, fed raw bytes (which may not be UTF-8)."""
    env = _env()
    if strict_utf8:
        env.update(LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8:strict")
    return subprocess.run([sys.executable, "-m", "bot.cli", "console", *args], input=stdin,
                          capture_output=True, timeout=TIMEOUT, cwd=cwd, env=env)


def test_a_line_that_is_not_utf8_is_answered_and_the_lines_around_it_run(
    engine: Engine, tmp_path: Path,
) -> None:
    stdin = (b"/action add KY to draft the paper\n"
             b"/action add KY to pay \xa3 5 for the room\n"
             b"/action add AC to book the room\n"
             b"\xff\xfe\n"
             b"/action list all\n")
    result = console_bytes("--db", url_of(engine), "--board", "Console Board", "--as", "RE",
                           stdin=stdin, cwd=tmp_path)

    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stdout + result.stderr
    titles = replies_in(out)
    assert titles[0] == "✓ Action 1 added"
    assert titles[1] == ("✗ Line 2 is not UTF-8 text (byte 0xA3 at position 23), so it was "
                         "not run: “/action add KY to pay \ufffd 5 for the room”")
    assert titles[2] == "✓ Action 2 added"
    assert titles[3].startswith("✗ Line 4 is not UTF-8 text (byte 0xFF at position 1)")
    assert titles[4].startswith("All actions and decisions on Console Board")
    with UnitOfWork(engine).transaction() as session:
        texts = session.scalars(select(Action.text).order_by(Action.number)).all()
    assert texts == ["KY to draft the paper", "AC to book the room"]


def test_a_line_longer_than_any_command_is_skipped_without_reading_it_whole(
    tmp_path: Path,
) -> None:
    stdin = b"/action add KY to " + b"x" * 3_000_000 + b"\n/action add KY to tidy up\n"
    result = console_bytes("--db", f"sqlite:///{tmp_path / 'log.db'}", "--board", "B",
                           "--as", "RE", stdin=stdin, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    titles = replies_in(result.stdout.decode("utf-8"))
    assert titles == ["✗ Line 1 is longer than any command (5,000 characters at most), so it "
                      "was not read.", "✓ Action 1 added"]


def test_stored_escape_sequences_are_never_printed(tmp_path: Path) -> None:
    """A board name and an action text stored with terminal escapes (as an old version or
    another tool could have written them) print as plain text."""
    db = tmp_path / "log.db"
    first = console_bytes("--db", f"sqlite:///{db}", "--board", "B", "--as", "RE",
                          stdin=b"/action add KY to draft the paper\n", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(Action.__table__.update().values(
                text="KY to \x1b]0;pwned\x07draft \x1b[2J\x1b[31mthe\x1b[0m paper\x9b1A\x07"))
            conn.execute(Board.__table__.update().values(name="B\x1b]0;owned\x1b\\"))
    finally:
        engine.dispose()

    result = console_bytes("--db", f"sqlite:///{db}", "--as", "RE",
                           stdin=b"/action show 1\n/action list\n", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "Action 1: KY to draft the paper" in out
    assert "Open actions on B" in out
    assert not any(c in out for c in "\x1b\x07\x9b"), repr(out)
    assert all(c in "\n\t" or c.isprintable() for c in out), repr(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--board", "B" * 121, "--as", "RE"],
         "actionbot: A board name can be at most 120 characters (this one has 121)."),
        (["--board", "Adoption\x1bBoard", "--as", "RE"],
         "actionbot: A board name cannot hold control characters such as U+001B: type it "
         "again without them."),
        (["--board", "Adoption Board", "--as", "all"],
         "actionbot: ALL cannot be anyone's initials: @ALL means everyone on the board. Give "
         "other initials."),
        (["--board", "Adoption Board", "--as", "ABCDEFGHIJK"],
         "actionbot: Initials can be at most 10 characters (this one has 11)."),
    ],
    ids=["long-board", "escape-in-board", "as-all", "long-initials"],
)
def test_unusable_board_or_initials_are_one_line_on_stderr(
    engine: Engine, tmp_path: Path, args: list[str], message: str,
) -> None:
    result = console_bytes("--db", url_of(engine), *args, stdin=b"/action list\n",
                           cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode("utf-8").strip() == message
    with UnitOfWork(engine).transaction() as session:
        assert session.scalars(select(Board.name)).all() == []
