"""``/action export`` posts the log as a file; ``/action import`` previews, then imports."""

from __future__ import annotations

import io
import json
import re
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from docx import Document

from tests.bot.slack.conftest import CHANNEL, TEAM, SlackHTTP
from tests.handlers.minutes.hostile_files import MB, bomb_docx

PASTED = """Action log: This action log was updated on 24 April 2025
\t
\tAction
\tResponsible
\tDate issued
\tStatus

\t78
\tfuture meeting look at PLO working group report
\tRE
\tJuly 2024
\topen

\t77
\tKY to circulate the fees paper
\tKY
\tJune 2024
\tClosed
"""


def wait_for(probe: Any, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("nothing arrived in time")


def test_export_posts_a_word_file_with_the_log_to_the_channel(slack_board: SlackHTTP) -> None:
    slack_board.command("add MH to write to DfE by 5 May", user="U2")
    slack_board.command("add KY to ring Kent", user="U3")
    slack_board.command("close 2 done", user="U3")

    ack = slack_board.command("export", user="U3")
    assert ack["response_type"] == "ephemeral" and "Preparing the export" in ack["text"]

    completed = wait_for(lambda: slack_board.fake.of("files.completeUploadExternal"))
    assert completed[0]["channel_id"] == CHANNEL
    assert "South East Adoption Board" in completed[0]["initial_comment"]
    document = Document(io.BytesIO(slack_board.fake.uploads["F1"]))
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["Action no.", "Action", "Responsible", "Date issued", "Status"]
    assert [row[0] for row in cells[1:]] == ["2", "1"]
    assert cells[1][4] == "Closed" and cells[2][2] == "MH"


def test_export_in_a_channel_without_a_board_is_answered_privately(slack: SlackHTTP) -> None:
    slack.command("export csv", channel="C404")
    reply = wait_for(lambda: slack.fake.of("respond"))[0]
    assert reply["response_type"] == "ephemeral"
    assert "/board setup" in json.dumps(reply)
    assert slack.fake.of("files.completeUploadExternal") == []


def _submit(slack: SlackHTTP, callback: str, metadata: str, values: dict[str, Any],
            user: str = "U1") -> tuple[int, Any]:
    return slack.interactive({
        "type": "view_submission", "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM}, "api_app_id": "A1", "trigger_id": "t",
        "view": {"id": "V1", "type": "modal", "callback_id": callback,
                 "private_metadata": metadata,
                 "state": {"values": values}},
    })


def test_import_of_a_pasted_log_previews_then_imports(slack_board: SlackHTTP) -> None:
    slack_board.command("import")
    modal = slack_board.fake.of("views.open")[-1]["view"]
    assert modal["callback_id"] == "ab_import"

    status, body = _submit(slack_board, "ab_import", modal["private_metadata"],
                           {"paste": {"value": {"type": "plain_text_input", "value": PASTED}}})
    assert status == 200 and body["response_action"] == "update"
    preview = wait_for(lambda: slack_board.fake.of("views.update"))[-1]["view"]
    shown = json.dumps(preview)
    assert preview["callback_id"] == "ab_import_confirm"
    assert "2 new actions" in shown
    assert slack_board.command("list all", user="U1")["text"].endswith(": none"), \
        "a preview writes nothing"

    status, _ = _submit(slack_board, "ab_import_confirm", preview["private_metadata"], {})
    assert status == 200
    wait_for(lambda: len(slack_board.fake.of("views.update")) >= 2)
    listing = json.dumps(slack_board.command("list all", user="U1"))
    assert "Action 78" in listing and "Action 77" in listing
    assert "Action 79 added" in slack_board.command("add RE to check the import")["text"]


def test_import_of_an_uploaded_word_file_is_fetched_with_the_bot_token(
    slack_board: SlackHTTP,
) -> None:
    document = Document()
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(table.rows[0].cells, ["", "Action", "Responsible", "Date issued",
                                                 "Status"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["12", "All to publicise the conference", "All",
                                                 "Oct 2021", "Open"], strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    slack_board.fake.downloads["minutes.docx"] = buffer.getvalue()
    slack_board.command("import")
    modal = slack_board.fake.of("views.open")[-1]["view"]
    files = [{"id": "F9", "name": "minutes.docx",
              "url_private_download": slack_board.fake.file_url("minutes.docx")}]
    _submit(slack_board, "ab_import", modal["private_metadata"],
            {"file": {"value": {"type": "file_input", "files": files}}})
    preview = wait_for(lambda: slack_board.fake.of("views.update"))[-1]["view"]
    assert "1 new action" in json.dumps(preview)
    _submit(slack_board, "ab_import_confirm", preview["private_metadata"], {})
    posted = wait_for(lambda: slack_board.fake.of("chat.postMessage"))
    assert "Imported 1 new action" in json.dumps(posted[-1])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bomb_docx(200 * MB), "bomb.docx unpacks to more than 20 MB; actionbot reads Word "
                              "files that unpack to at most 20 MB"),
        (b"PK" + b"\0" * (10 * MB), "bomb.docx is larger than 10 MB; actionbot reads files "
                                    "up to 10 MB"),
    ],
)
def test_an_uploaded_file_over_the_limits_is_refused_naming_the_limit(
    slack_board: SlackHTTP, content: bytes, message: str,
) -> None:
    slack_board.fake.downloads["bomb.docx"] = content
    slack_board.command("import")
    modal = slack_board.fake.of("views.open")[-1]["view"]
    files = [{"id": "F9", "name": "bomb.docx",
              "url_private_download": slack_board.fake.file_url("bomb.docx")}]
    _submit(slack_board, "ab_import", modal["private_metadata"],
            {"file": {"value": {"type": "file_input", "files": files}}})
    refused = wait_for(lambda: slack_board.fake.of("views.update"))[-1]["view"]
    assert message in json.dumps(refused, ensure_ascii=False)
    assert "callback_id" not in refused, "no Import button for a refused file"


def test_only_managers_may_import(slack_board: SlackHTTP) -> None:
    slack_board.command("import", user="U3")
    modal = slack_board.fake.of("views.open")[-1]["view"]
    _submit(slack_board, "ab_import", modal["private_metadata"],
            {"paste": {"value": {"type": "plain_text_input", "value": PASTED}}}, user="U3")
    preview = wait_for(lambda: slack_board.fake.of("views.update"))[-1]["view"]
    shown = json.dumps(preview)
    assert "Only the chair, vice-chair or secretary can import a log" in shown
    assert "callback_id" not in preview


def test_an_empty_import_form_says_what_to_do(slack_board: SlackHTTP) -> None:
    slack_board.command("import")
    modal = slack_board.fake.of("views.open")[-1]["view"]
    status, body = _submit(slack_board, "ab_import", modal["private_metadata"], {})
    assert status == 200 and body["response_action"] == "errors"
    assert "Choose a file" in body["errors"]["file"]


def test_meetings_list_offers_a_calendar_feed_that_serves_the_meetings(
    slack_board: SlackHTTP,
) -> None:
    body = slack_board.command("meetings", command="/board", user="U3")
    shown = json.dumps(body)
    assert "3 February 2027, 10:30" in shown
    link = re.search(r"(http://127\.0\.0\.1:\d+/calendar/[\w-]+\.ics)", shown)
    assert link, shown
    with urllib.request.urlopen(link.group(1), timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        feed = response.read().decode()
    assert "BEGIN:VCALENDAR" in feed and "DTSTART:20270203T103000Z" in feed
    again = json.dumps(slack_board.command("meetings", command="/board", user="U2"))
    assert link.group(1) in again, "the link stays the same"
    guessed = link.group(1).rsplit("/", 1)[0] + "/guessed-token.ics"
    try:
        urllib.request.urlopen(guessed, timeout=10)
    except urllib.error.HTTPError as err:
        assert err.code == 404
    else:
        raise AssertionError("a guessed calendar address must not answer")
