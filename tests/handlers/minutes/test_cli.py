"""The real ``actionbot`` command in a subprocess: import, preview, extract, export, restore."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine, func, select

from storage.models import Action, Board
from storage.uow import UnitOfWork
from tests.handlers.minutes.files import FOSTERING, needs_samples, pasted


def actionbot(*args: str, cwd: Path, stdin: str | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=cwd, input=stdin, text=True,
        capture_output=True, timeout=120, check=False,
        stdin=subprocess.DEVNULL if stdin is None else None,
    )


@pytest.fixture
def db(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def boards_and_actions(uow: UnitOfWork) -> tuple[int, int]:
    with uow.transaction() as session:
        return (session.scalar(select(func.count()).select_from(Board)) or 0,
                session.scalar(select(func.count()).select_from(Action)) or 0)


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "log.txt"
    path.write_text(pasted([["3", "Three", "RE", "Jan 2022", "Open"],
                            ["3", "Three again", "MH", "Jan 2022", "Closed"],
                            ["2", "Two", "All", "Oct 2021", "Item in April 2021"],
                            ["1", "One", "JB and MS", "Oct 2021", "Pending"]]))
    return path


def test_preview_without_yes_asks_and_writes_nothing(
    log_file: Path, db: str, uow: UnitOfWork, tmp_path: Path
) -> None:
    done = actionbot("import", str(log_file), "--board", "Fostering Leads", "--db", db,
                     cwd=tmp_path)
    assert done.returncode == 1
    assert "Import log.txt into Fostering Leads (a new board)?" in done.stdout
    assert "4 rows read from log.txt: 4 new actions, 0 already imported." in done.stdout
    assert "3 appears 2 times: new as 3, 3b" in done.stdout
    assert "JB, MH, MS, RE" in done.stdout
    assert "1: Pending" in done.stdout
    assert "Run it again with --yes" in done.stderr
    assert boards_and_actions(uow) == (0, 0)


def test_import_with_yes_then_again(log_file: Path, db: str, uow: UnitOfWork,
                                    tmp_path: Path) -> None:
    done = actionbot("import", str(log_file), "--board", "Fostering Leads", "--db", db,
                     "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "✓ Imported 4 new actions into Fostering Leads" in done.stdout
    assert "New actions will be numbered from 4." in done.stdout
    again = actionbot("import", str(log_file), "--board", "fostering leads", "--db", db,
                      "--yes", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Nothing to import into Fostering Leads" in again.stdout
    assert boards_and_actions(uow) == (1, 4)


@needs_samples
def test_import_the_real_sample(db: str, uow: UnitOfWork, tmp_path: Path) -> None:
    done = actionbot("import", str(FOSTERING), "--board", "Fostering Leads", "--db", db,
                     "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Imported 10 new actions" in done.stdout
    assert boards_and_actions(uow) == (1, 10)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.docx", b"not a zip at all", "not a Word document I can read"),
        ("log.csv", b"Number,Task\n1,Write\n", "no header row I recognise"),
        ("log.txt", b"", "log.txt is empty"),
    ],
)
def test_a_file_it_cannot_read_writes_nothing(name: str, content: bytes, message: str, db: str,
                                              uow: UnitOfWork, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(content)
    done = actionbot("import", name, "--board", "B", "--db", db, "--yes", cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr and "Nothing was imported." in done.stderr
    assert "Traceback" not in done.stderr
    assert boards_and_actions(uow) == (0, 0)


def test_extract_json(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(
        "1. Minutes\nAction: JB and MS to share contact details.\n"
        "· action; All to reply by 1 January 2020\nNo action here\n")
    done = actionbot("extract", "notes.txt", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {"text": "JB and MS to share contact details.", "owners": ["JB", "MS"], "due": None},
        {"text": "All to reply by 1 January 2020", "owners": ["All"], "due": None},
    ]


def test_extract_checks_owners_against_the_board(log_file: Path, db: str,
                                                 tmp_path: Path) -> None:
    actionbot("import", str(log_file), "--board", "B", "--db", db, "--yes", cwd=tmp_path)
    (tmp_path / "notes.txt").write_text("Action: MH to meet LP and RE\n")
    done = actionbot("extract", "notes.txt", "--board", "B", "--db", db, "--json",
                     cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"text": "MH to meet LP and RE", "owners": ["MH"],
                                       "due": None, "unknown": ["MH"]}


def test_export_formats_and_restore(log_file: Path, db: str, tmp_path: Path) -> None:
    actionbot("import", str(log_file), "--board", "Fostering Leads", "--db", db, "--yes",
              cwd=tmp_path)
    md = actionbot("export", "--board", "fostering leads", "--db", db, "--format", "md",
                   cwd=tmp_path)
    assert md.returncode == 0, md.stderr
    assert "| Action no. | Action | Responsible | Date issued | Status |" in md.stdout
    assert "This action log was updated on " in md.stdout
    assert [line.split(" | ")[0] for line in md.stdout.splitlines() if line.startswith("| ")
            ][1:] == ["| 3", "| 3", "| 2", "| 1"]

    word = actionbot("export", "--board", "Fostering Leads", "--db", db, "--format", "docx",
                     "-o", "log.docx", cwd=tmp_path)
    assert word.returncode == 0, word.stderr
    assert len(Document(str(tmp_path / "log.docx")).tables[0].rows) == 5

    ics = actionbot("export", "--board", "Fostering Leads", "--db", db, "--format", "ics",
                    cwd=tmp_path)
    assert ics.stdout.startswith("BEGIN:VCALENDAR")

    backup = actionbot("export", "--board", "Fostering Leads", "--db", db, "--format", "json",
                       "-o", "backup.json", cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    refused = actionbot("restore", "backup.json", "--db", db, cwd=tmp_path)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    restored = actionbot("restore", "backup.json", "--db", fresh, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored Fostering Leads: 4 actions")
    again = actionbot("export", "--board", "Fostering Leads", "--db", fresh, "--format", "md",
                      cwd=tmp_path)
    assert again.stdout == md.stdout


def test_export_of_an_unknown_board(db: str, tmp_path: Path) -> None:
    done = actionbot("export", "--board", "Nobody", "--db", db, "--format", "csv",
                     cwd=tmp_path)
    assert done.returncode == 1
    assert "there is no board called Nobody" in done.stderr
