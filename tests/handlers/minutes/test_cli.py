"""The real ``actionbot`` command in a subprocess: import, preview, extract, export, restore,
and the files and backups it refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlalchemy import Engine, func, select

from storage.dump import rows_in_database
from storage.models import Action, Board
from storage.uow import UnitOfWork
from tests.handlers.minutes.files import FOSTERING, needs_samples, pasted, word_file
from tests.handlers.minutes.hostile_files import MB, bomb_docx, declare_size


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


# ---- files over the limits, through the real command, on both databases ----------------

def test_a_zip_bomb_is_refused_and_writes_nothing(db: str, uow: UnitOfWork,
                                                  tmp_path: Path) -> None:
    (tmp_path / "minutes.docx").write_bytes(bomb_docx(200 * MB))
    done = actionbot("import", "minutes.docx", "--board", "B", "--db", db, "--yes",
                     cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == ("actionbot: minutes.docx unpacks to more than 20 MB; actionbot "
                           "reads Word files that unpack to at most 20 MB. Copy the action "
                           "log into a new document (without pictures) and import that. "
                           "Nothing was imported.\n")
    assert boards_and_actions(uow) == (0, 0)


def test_a_bomb_whose_header_lies_is_refused(db: str, uow: UnitOfWork, tmp_path: Path) -> None:
    liar = declare_size(bomb_docx(50 * MB), "word/document.xml", 4096)
    (tmp_path / "minutes.docx").write_bytes(liar)
    done = actionbot("import", "minutes.docx", "--board", "B", "--db", db, "--yes",
                     cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert "minutes.docx is not a Word document I can read" in done.stderr
    assert "Traceback" not in done.stderr
    assert boards_and_actions(uow) == (0, 0)


def test_a_file_over_10_mb_is_refused_without_reading_it_all(db: str, uow: UnitOfWork,
                                                              tmp_path: Path) -> None:
    with (tmp_path / "huge.txt").open("wb") as huge:
        huge.truncate(5 * 1024 * MB)  # sparse: 5 GB that take no disk
    done = actionbot("import", "huge.txt", "--board", "B", "--db", db, "--yes", cwd=tmp_path)
    assert done.returncode == 1
    assert "huge.txt is larger than 10 MB; actionbot reads files up to 10 MB" in done.stderr
    assert boards_and_actions(uow) == (0, 0)


def test_a_cell_too_long_is_refused_naming_its_row(db: str, uow: UnitOfWork,
                                                   tmp_path: Path) -> None:
    word_file(tmp_path / "minutes.docx", [["1", "Write to DfE", "MH", "Jan 2022", "Open"],
                                          ["2", "x" * 5000, "RE", "Jan 2022", "Open"]])
    done = actionbot("import", "minutes.docx", "--board", "B", "--db", db, "--yes",
                     cwd=tmp_path)
    assert done.returncode == 1
    assert ("minutes.docx has cells longer than actionbot keeps: table 2, row 3: the action "
            "is 5,000 characters (at most 4,000)") in done.stderr
    assert boards_and_actions(uow) == (0, 0)


def test_extract_refuses_a_bomb(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(bomb_docx(200 * MB))
    done = actionbot("extract", "notes.docx", "--json", cwd=tmp_path)
    assert done.returncode == 1
    assert "notes.docx unpacks to more than 20 MB" in done.stderr
    assert "Traceback" not in done.stderr


# ---- backups, through the real command, into both databases -----------------------------

@pytest.fixture
def backup(log_file: Path, tmp_path: Path) -> dict[str, Any]:
    """The backup of a board made from ``log_file`` (actions 3, 3b, 2, 1) in its own SQLite."""
    made = f"sqlite:///{tmp_path / 'made.db'}"
    actionbot("import", str(log_file), "--board", "Fostering Leads", "--db", made, "--yes",
              cwd=tmp_path)
    done = actionbot("export", "--board", "Fostering Leads", "--db", made, "--format", "json",
                     cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_backup_restores_into_either_database_and_the_board_works(
    backup: dict[str, Any], db: str, tmp_path: Path
) -> None:
    (tmp_path / "backup.json").write_text(json.dumps(backup))
    restored = actionbot("restore", "backup.json", "--db", db, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored Fostering Leads: 4 actions")
    added = actionbot("console", "--board", "Fostering Leads", "--db", db, cwd=tmp_path,
                      stdin="/action add MH to review the fees\n")
    assert "Action 4 added" in added.stdout, added.stdout + added.stderr
    again = actionbot("export", "--board", "Fostering Leads", "--db", db, "--format", "json",
                      cwd=tmp_path)
    tables = json.loads(again.stdout)["tables"]
    assert tables["actions"][:4] == backup["tables"]["actions"]
    assert tables["actions"][4]["number"] == 4


def _deep(data: dict[str, Any]) -> str:
    return json.dumps(data)[:-1] + ', "x": ' + "[" * 50_000 + "]" * 50_000 + "}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["tables"]["boards"][0].update(last_action_number=0),
         "tables.boards[0].last_action_number: 0 is below the board's highest action number, "
         "3: every new action would clash"),
        (lambda d: d["tables"]["boards"][0].update(timezone="Europe/Atlantis"),
         'tables.boards[0].timezone: "Europe/Atlantis" is not a timezone'),
        (lambda d: d["tables"]["actions"][1].update(status="Flying"),
         'tables.actions[1].status: "Flying" is not a status (open, ongoing'),
        (lambda d: d["tables"]["boards"][0].update(settings="reminders 5,1"),
         'tables.boards[0].settings: "reminders 5,1" is not an object'),
        (lambda d: d["tables"]["actions"][0].update(issued_on=44562),
         'tables.actions[0].issued_on: 44562 is not a date such as "2027-01-11"'),
        (lambda d: d["tables"]["actions"][0].update(number=10**20),
         "tables.actions[0].number: 100000000000000000000 is out of range"),
        (_deep, "its brackets nest 50001 deep, and a backup's nest at most 20"),
    ],
)
def test_a_bad_backup_is_refused_naming_the_field_and_writes_nothing(
    backup: dict[str, Any], change: Callable[[dict[str, Any]], Any], message: str, db: str,
    uow: UnitOfWork, tmp_path: Path,
) -> None:
    changed = change(backup)
    (tmp_path / "backup.json").write_text(changed if isinstance(changed, str)
                                          else json.dumps(backup))
    done = actionbot("restore", "backup.json", "--db", db, cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stderr.endswith("Nothing was written.\n")
    assert "Traceback" not in done.stderr
    with uow.transaction() as session:
        assert rows_in_database(session) == 0
