"""Finding the action-log table in pasted text, Word files and CSV, and refusing the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from handlers.minutes.importer import read_log
from handlers.minutes.log_table import LogRow, UnreadableLog, header_columns
from tests.handlers.minutes.files import ADOPTION, FOSTERING, needs_samples, pasted, word_file


def cells(row: LogRow) -> tuple[str, str, str, str, str]:
    return (row.number, row.text, row.responsible, row.issued, row.status)


@needs_samples
def test_fostering_sample_gives_actions_10_to_1() -> None:
    rows = read_log(FOSTERING.read_bytes(), FOSTERING.name)
    assert [r.number for r in rows] == [str(n) for n in range(10, 0, -1)]
    assert cells(rows[0])[2:] == ("RE", "Jan 2022", "Open")
    assert rows[2].responsible == "JB and MS"
    assert rows[3].responsible == "All"
    assert rows[3].status == "Open"  # "Open " in the file, trimmed
    assert rows[4].responsible == "LS"
    assert rows[7].responsible == "SJ"
    assert rows[-1].text == "All to publicise regional online SG conference"
    assert {r.issued for r in rows} == {"Jan 2022", "Oct 2021"}
    assert {r.status for r in rows} == {"Open", "Closed"}


@needs_samples
def test_adoption_sample_gives_action_78() -> None:
    rows = read_log(ADOPTION.read_bytes(), ADOPTION.name)
    assert [cells(r) for r in rows] == [
        ("78", "future meeting look at PLO working group report", "RE", "July 2024", "open")
    ]


def test_pasted_cells_running_over_several_lines_join_the_action_text() -> None:
    text = pasted([
        ["12", "Chase the following:\n· funding bid\n• website\n- panel dates", "RE", "Jan 2022",
         "Open "],
        ["11", "One line", "MH/RE", "Jan 2020 ", "Closed"],
    ])
    rows = read_log(text.encode(), "log.txt")
    assert cells(rows[0]) == ("12", "Chase the following:\n· funding bid\n• website\n- panel dates",
                              "RE", "Jan 2022", "Open")
    assert cells(rows[1]) == ("11", "One line", "MH/RE", "Jan 2020", "Closed")


def test_bullet_lines_that_lost_their_tab_stay_in_the_table() -> None:
    text = pasted([["3", "Do these:", "RE", "Jan 2022", "Open"]]).replace(
        "\tDo these:\n", "\tDo these:\n· first\n· second\n")
    (row,) = read_log(text.encode(), "log.txt")
    assert row.text == "Do these:\n· first\n· second"
    assert row.status == "Open"


def test_pasted_columns_in_another_order() -> None:
    text = pasted([["Open", "5", "RE", "Write it", "Oct 2021"]],
                  header=("Status", "", "Responsible", "Action", "Date issued"))
    (row,) = read_log(text.encode(), "log.txt")
    assert cells(row) == ("5", "Write it", "RE", "Oct 2021", "Open")


def test_windows_1252_text_is_read() -> None:
    text = pasted([["4", "Review fees – £13k", "RE", "Jan 2022", "Open"]])
    (row,) = read_log(text.encode("cp1252"), "log.txt")
    assert row.text == "Review fees – £13k"


def test_text_without_an_action_log_is_refused() -> None:
    with pytest.raises(UnreadableLog, match="no action log in notes.txt"):
        read_log(b"Minutes\nAction: MH to write\n", "notes.txt")


def test_empty_file_is_refused() -> None:
    with pytest.raises(UnreadableLog, match="empty"):
        read_log(b"", "log.txt")
    with pytest.raises(UnreadableLog, match="empty"):
        read_log(b"\n \n", "log.docx")


def test_word_log_table_is_found_among_other_tables(tmp_path: Path) -> None:
    path = word_file(tmp_path / "minutes.docx", [
        ["2", "Chase fees\nthen report", "MH and RE", "April 2022", "Ongoing"],
        ["1", "Write to DfE", "All", "Jan 2020 ", "Complete"],
    ])
    rows = read_log(path.read_bytes(), path.name)
    assert [cells(r) for r in rows] == [
        ("2", "Chase fees\nthen report", "MH and RE", "April 2022", "Ongoing"),
        ("1", "Write to DfE", "All", "Jan 2020", "Complete"),
    ]
    assert rows[0].where == "table 2, row 2"


def test_word_list_bullets_are_kept_as_bullets(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(table.rows[0].cells, ["No.", "Action", "Responsible",
                                                "Date issued", "Status"], strict=True):
        cell.text = text
    row = table.rows[1].cells
    row[0].text, row[2].text, row[3].text, row[4].text = "7", "RE", "Jan 2022", "Open"
    row[1].text = "Ask about:"
    row[1].add_paragraph("fees", style="List Bullet")
    path = tmp_path / "log.docx"
    document.save(str(path))
    (found,) = read_log(path.read_bytes(), path.name)
    assert found.text == "Ask about:\n• fees"


def test_word_file_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(UnreadableLog, match="not a Word document"):
        read_log(b"this is not a zip file", "minutes.docx")


def test_word_file_without_a_log_table_is_refused(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("Just notes")
    path = tmp_path / "notes.docx"
    document.save(str(path))
    with pytest.raises(UnreadableLog, match="no action log"):
        read_log(path.read_bytes(), path.name)


def test_old_word_format_is_refused() -> None:
    with pytest.raises(UnreadableLog, match="save it as .docx"):
        read_log(b"\xd0\xcf\x11\xe0 binary", "minutes.doc")


def test_csv_with_header_after_a_title_row() -> None:
    text = ("Fostering leads action log,,,,\n"
            "Action no.,Action,Responsible,Date issued,Status\n"
            '10,"RE to contact IoW, Milton Keynes and Surrey",RE,Jan 2022,Open \n'
            ",,,,\n"
            '9,"Two lines\nof text",JB and MS,Oct 2021,closed\n')
    rows = read_log(("\ufeff" + text).encode(), "log.csv")
    assert [cells(r) for r in rows] == [
        ("10", "RE to contact IoW, Milton Keynes and Surrey", "RE", "Jan 2022", "Open"),
        ("9", "Two lines\nof text", "JB and MS", "Oct 2021", "closed"),
    ]


def test_csv_with_semicolons_and_unnamed_number_column() -> None:
    text = ";Status;Action;Responsible;Date issued\n3;DECISION;Agree fees;;Jan 2022\n"
    (row,) = read_log(text.encode("cp1252"), "log.csv")
    assert cells(row) == ("3", "Agree fees", "", "Jan 2022", "DECISION")


def test_csv_without_the_needed_header_is_refused() -> None:
    with pytest.raises(UnreadableLog, match="no header row"):
        read_log(b"Number,Task,Owner\n1,Write,RE\n", "log.csv")


def test_csv_without_a_number_column_is_refused() -> None:
    with pytest.raises(UnreadableLog, match="no column of action numbers"):
        read_log(b"Action,Responsible,Date issued,Status\nWrite,RE,Jan 2022,Open\n", "log.csv")


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        (["", "Action", "Responsible", "Date issued", "Status"],
         ["number", "text", "responsible", "issued", "status"]),
        (["Action no.", "Action", "Responsible", "Date issued", "Status"],
         ["number", "text", "responsible", "issued", "status"]),
        (["Ref", "STATUS ", "action", "Date  issued:", "Responsible"],
         ["number", "status", "text", "issued", "responsible"]),
    ],
)
def test_header_columns(heading: list[str], expected: list[str]) -> None:
    assert header_columns(heading) == expected


def test_header_needs_all_four_named_columns() -> None:
    assert header_columns(["", "Action", "Responsible", "Status"]) is None
