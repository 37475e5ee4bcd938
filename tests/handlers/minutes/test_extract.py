"""Proposed actions from the "Action:" lines of meeting notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document

from handlers.minutes.extract import (
    describe_proposals,
    due_in,
    extract_actions,
    mark_unknown,
    notes_text,
)
from handlers.minutes.log_table import UnreadableLog
from tests.handlers.minutes.files import ADOPTION, FOSTERING, needs_samples

TODAY = date(2027, 1, 11)


@needs_samples
def test_fostering_minutes() -> None:
    found = {p.text: p.owners for p in extract_actions(FOSTERING.read_text(), TODAY)}
    assert found["Review regional fostering website post-care review at Oct meeting"] == ()
    assert found["LS to share legal advice received in relation to case where unions involved, "
                 "re: foster carers and employment rights."] == ("LS",)
    assert found["JB and MS to share contact details."] == ("JB", "MS")
    assert found["SJ to share template"] == ("SJ",)
    assert not any(text.startswith("This action log") for text in found)


@needs_samples
def test_adoption_notes() -> None:
    (proposal,) = extract_actions(ADOPTION.read_text(), TODAY)
    assert proposal.as_json() == {"text": "Agreed to delete action log and start a new one",
                                  "owners": [], "due": None}


def test_line_forms_and_owners() -> None:
    notes = "\n".join([
        "Action: MH to meet LP and RE about fees",
        "action; All to read the report",
        "   • ACTIONS: JB and MS to share contact details.",
        "- Action:  KY to chase",
        "Action log: This action log was updated on 24 April 2025",
        "The action: not at the start",
        "Actionable: no",
    ])
    found = [(p.text, p.owners, p.line) for p in extract_actions(notes, TODAY)]
    assert found == [
        ("MH to meet LP and RE about fees", ("MH",), 1),
        ("All to read the report", ("All",), 2),
        ("JB and MS to share contact details.", ("JB", "MS"), 3),
        ("KY to chase", ("KY",), 4),
    ]


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("MH to write to DfE by 5 May", date(2027, 5, 5)),
        ("RE to send the report by the end of March and report back", date(2027, 3, 31)),
        ("RE to chase by 3/4.", date(2027, 4, 3)),
        ("KY to share advice given by the lawyer", None),
        ("KY to reply by 1 January 2020", None),
        ("MH to write to DfE", None),
    ],
)
def test_due_dates(text: str, due: date | None) -> None:
    assert due_in(text, TODAY) == due


def test_by_next_meeting_uses_the_board_calendar() -> None:
    (proposal,) = extract_actions("Action: KY to update by next meeting", TODAY,
                                  next_meeting=date(2027, 2, 3))
    assert proposal.as_json()["due"] == "2027-02-03"
    (unknown,) = extract_actions("Action: KY to update by next meeting", TODAY)
    assert unknown.due is None


def test_unknown_owners_against_members() -> None:
    proposals = mark_unknown(extract_actions(
        "Action: MH and JB to visit\nAction: All to read\n", TODAY), {"MH", "RE"})
    assert [p.unknown for p in proposals] == [("JB",), ()]
    assert proposals[0].as_json(with_unknown=True)["unknown"] == ["JB"]
    reply = describe_proposals(proposals, "notes.txt", checked=True)
    assert reply.title == "2 proposed actions in notes.txt"
    assert reply.items[0].fields[-1].value == "JB"


def test_no_action_lines() -> None:
    assert describe_proposals([], "notes.txt", checked=False).title == (
        "No action lines found in notes.txt")


def test_word_notes_include_paragraphs_and_tables(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("Action: SJ to share template")
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "Action: RE to book room"
    path = tmp_path / "notes.docx"
    document.save(str(path))
    text = notes_text(path.read_bytes(), path.name)
    assert [p.owners for p in extract_actions(text, TODAY)] == [("SJ",), ("RE",)]


def test_word_notes_that_are_not_word() -> None:
    with pytest.raises(UnreadableLog):
        notes_text(b"not a zip", "notes.docx")
