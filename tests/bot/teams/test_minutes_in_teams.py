"""``action export`` answers with a one-time download link to ``/exports/<secret>``;
``action import`` with a file in personal chat previews it, and the card's Import button
imports it once. Everything over real HTTP: the app on uvicorn, the fake connector also
serving the files people send (as OneDrive serves a ``downloadUrl``)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from docx import Document
from sqlalchemy import func, select

from bot.teams.minutes import FileNotFetched, fetch_file
from bot.teams.service_urls import ServiceUrlPolicy
from storage.models import Action, Event, ExportDownload
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import (
    BOT,
    NOW,
    TeamsHTTP,
    buttons,
    card_text,
    set_up_board,
)
from tests.bot.teams.fake_connector import Call, FakeConnector
from tests.handlers.minutes.hostile_files import MB, bomb_docx

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_INFO = "application/vnd.microsoft.teams.file.download.info"
FILENAME = "South East Adoption Board action log 11 January 2027"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def public_board(start_teams: Callable[..., TeamsHTTP], clock: Clock) -> TeamsHTTP:
    """The board, on an app whose ACTIONBOT_PUBLIC_URL is its own address, on ``clock``."""
    return set_up_board(start_teams(clock=clock, public_url=True))


def _open_url(card: dict[str, Any]) -> dict[str, Any]:
    (action,) = [a for e in card["body"] if e.get("type") == "ActionSet"
                 for a in e["actions"] if a["type"] == "Action.OpenUrl"]
    return action


def _get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method),
                                    timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _kept(uow: UnitOfWork) -> list[ExportDownload]:
    with uow.transaction() as session:
        return list(session.scalars(select(ExportDownload)))


def test_export_link_serves_the_word_log_once(public_board: TeamsHTTP, uow: UnitOfWork
                                              ) -> None:
    public_board.say("action add MH to write to DfE by 5 May")
    public_board.say("action add KY to ring Kent")
    public_board.say("action close 2 done", user="KY")

    answer = public_board.say("action export", user="KY")
    text = card_text(answer.card)
    assert "Action log of South East Adoption Board, 2 entries" in text
    assert "The link works once, for 15 minutes" in text
    link = _open_url(answer.card)
    assert link["title"] == f"Download {FILENAME}.docx"
    base = f"{public_board.base}/exports/"
    assert link["url"].startswith(base)
    token = link["url"][len(base):]
    assert len(token) >= 43, "256 random bits, URL-safe"
    (row,) = _kept(uow)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.filename), "the secret itself is not stored"
    assert row.expires_at == NOW + timedelta(minutes=15)

    assert _get(link["url"], "HEAD")[0] == 200, "HEAD does not use the link up"
    status, headers, body = _get(link["url"])
    assert status == 200 and headers["content-type"] == DOCX
    assert headers["content-disposition"].startswith(f'attachment; filename="{FILENAME}.docx"')
    assert headers["cache-control"] == "no-store"
    cells = [[c.text for c in row.cells] for row in Document(io.BytesIO(body)).tables[0].rows]
    assert cells[0] == ["Action no.", "Action", "Responsible", "Date issued", "Status"]
    assert [row[0] for row in cells[1:]] == ["2", "1"]
    assert cells[1][4] == "Closed" and cells[2][2] == "MH"

    again, _, said = _get(link["url"])
    assert again == 404 and b"expired or was already used" in said
    assert _get(link["url"], "HEAD")[0] == 404
    assert _kept(uow) == [], "a downloaded file is gone from the database"


def test_export_link_stops_at_its_expiry_and_a_wrong_token_is_404(
        public_board: TeamsHTTP, clock: Clock, uow: UnitOfWork) -> None:
    public_board.say("action add MH to write to DfE by 5 May")
    link = _open_url(public_board.say("action export csv").card)
    assert link["title"] == f"Download {FILENAME}.csv"
    guessed = link["url"][:-4] + ("aaaa" if not link["url"].endswith("aaaa") else "bbbb")
    assert _get(guessed)[0] == 404
    assert _get(f"{public_board.base}/exports/")[0] == 404

    clock.now = NOW + timedelta(minutes=14, seconds=59)
    assert _get(link["url"], "HEAD")[0] == 200
    clock.now = NOW + timedelta(minutes=15)
    assert _get(link["url"])[0] == 404
    assert _kept(uow) == [], "the expired file was purged"


def test_a_new_export_purges_expired_ones(public_board: TeamsHTTP, clock: Clock,
                                          uow: UnitOfWork) -> None:
    public_board.say("action export md")
    clock.now = NOW + timedelta(hours=1)
    link = _open_url(public_board.say("action export md").card)
    (row,) = _kept(uow)
    assert row.created_at == clock.now
    status, headers, body = _get(link["url"])
    assert status == 200 and headers["content-type"].startswith("text/markdown")
    assert "South East Adoption Board" in body.decode()


def test_export_without_a_public_url_names_the_setting(teams_board: TeamsHTTP,
                                                       uow: UnitOfWork) -> None:
    text = card_text(teams_board.say("action export").card)
    assert text.startswith("⚠ I cannot share the file: this server has no public address")
    assert "set ACTIONBOT_PUBLIC_URL to the server's https address" in text
    assert _kept(uow) == []


def test_someone_not_on_the_board_cannot_export(public_board: TeamsHTTP, uow: UnitOfWork
                                                ) -> None:
    card = public_board.say("action export", user="AC").card
    assert card_text(card).startswith("⚠ Only members of South East Adoption Board can export")
    assert "Action.OpenUrl" not in str(card)
    assert _kept(uow) == []


def test_export_in_personal_chat_for_a_member_of_one_board(public_board: TeamsHTTP) -> None:
    public_board.say("action add MH to write to DfE by 5 May")
    answer = public_board.say("action export md", user="KY", where="personal")
    assert answer.conversation.startswith("a:1-personal-")
    status, _, body = _get(_open_url(answer.card)["url"])
    assert status == 200 and "write to DfE" in body.decode()


# ---- import ---------------------------------------------------------------------------

def _word_log() -> bytes:
    document = Document()
    table = document.add_table(rows=3, cols=5)
    rows = [["", "Action", "Responsible", "Date issued", "Status"],
            ["78", "Future meeting to look at PLO working group report", "RE", "July 2024",
             "Open"],
            ["77", "KY to circulate the fees paper", "KY", "June 2024", "Closed"]]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _send(teams: TeamsHTTP, text: str, *, name: str = "minutes.docx", user: str = "RE",
          where: str = "personal", url: str | None = None) -> Call:
    """A message with a file, as Teams sends it: in personal chat with its download URL, in a
    channel as a SharePoint reference."""
    entities = []
    if where == "channel":
        text = f"<at>actionbot</at> {text}"
        entities.append({"type": "mention", "text": "<at>actionbot</at>",
                         "mentioned": {"id": BOT, "name": "actionbot"}})
        attachment = {"contentType": "reference", "name": name,
                      "contentUrl": f"https://council.sharepoint.com/sites/board/{name}"}
    else:
        attachment = {"contentType": FILE_INFO, "name": name,
                      "contentUrl": f"https://council-my.sharepoint.com/personal/{name}",
                      "content": {"downloadUrl": url or teams.fake.file_url(name),
                                  "uniqueId": "1a2b", "fileType": name.rsplit(".", 1)[-1]}}
    before = len(teams.fake.posts())
    status, _ = teams.post(teams.activity("message", user=user, where=where, text=text,
                                          entities=entities, attachments=[attachment]))
    assert status == 200
    posts = teams.fake.posts()
    assert len(posts) == before + 1, "the bot did not answer exactly once"
    return posts[-1]


def _wait_for_update(fake: FakeConnector) -> Call:
    deadline = time.monotonic() + 10
    while not fake.updates() and time.monotonic() < deadline:
        time.sleep(0.02)
    (update,) = fake.updates()
    return update


def _import_events(uow: UnitOfWork) -> int:
    with uow.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Event).where(
            Event.kind == "action.imported")) or 0)


def _numbers(uow: UnitOfWork) -> list[int]:
    with uow.transaction() as session:
        return sorted(session.scalars(select(Action.number)))


def test_import_previews_then_imports_once(teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    teams_board.fake.files["minutes.docx"] = _word_log()
    preview = _send(teams_board, "action import")
    assert preview.conversation.startswith("a:1-personal-")
    text = card_text(preview.card)
    assert "Import minutes.docx into South East Adoption Board?" in text
    assert "2 new actions" in text and "Nothing is written until you press Import" in text
    (button,) = buttons(preview.card)
    assert button["title"] == "Import" and button["verb"] == "ab.import"
    assert set(button["data"]) == {"i", "r", "b", "m"} and button["data"]["b"] == 1
    assert len(str(preview.card)) < 4000, "the card names the file, it does not carry it"
    (held,) = _kept(uow)
    assert held.purpose == "import" and held.content == teams_board.fake.files["minutes.docx"]
    assert _numbers(uow) == [], "a preview writes nothing"

    status, body = teams_board.press(button["data"], where="personal", reply_to="act-9")
    assert status == 200 and body["type"] == CARD
    result = card_text(body["value"])
    assert "✅ Imported 2 new actions into South East Adoption Board" in result
    assert buttons(body["value"]) == []
    assert _numbers(uow) == [77, 78] and _import_events(uow) == 2
    assert _kept(uow) == []
    update = _wait_for_update(teams_board.fake)
    assert (update.activity_id, update.card) == ("act-9", body["value"])

    status, body = teams_board.press(button["data"], where="personal")
    assert status == 200 and body["type"] == MESSAGE
    assert body["value"].startswith("⚠ That import was already done")
    assert _numbers(uow) == [77, 78] and _import_events(uow) == 2, "pressed twice, imported once"
    added = card_text(teams_board.say("action add RE to check the import").card)
    assert "Action 79 added" in added


def test_only_the_sender_can_confirm_their_import(teams_board: TeamsHTTP, uow: UnitOfWork
                                                  ) -> None:
    teams_board.fake.files["minutes.docx"] = _word_log()
    (button,) = buttons(_send(teams_board, "action import").card)
    _, body = teams_board.press(button["data"], user="MH", where="personal")
    assert body["value"].startswith("⚠ Only the person who sent the file can confirm")
    assert _numbers(uow) == [] and len(_kept(uow)) == 1, "the refusal used nothing up"
    _, body = teams_board.press(button["data"], where="personal")
    assert body["type"] == CARD and _numbers(uow) == [77, 78]


def test_a_file_sent_on_its_own_is_previewed_for_import(teams_board: TeamsHTTP) -> None:
    teams_board.fake.files["log.csv"] = (
        b"Action no.,Action,Responsible,Date issued,Status\r\n"
        b"5,Publicise the conference,All,Oct 2021,Open\r\n")
    text = card_text(_send(teams_board, "", name="log.csv").card)
    assert "Import log.csv into South East Adoption Board?" in text and "1 new action" in text


def test_an_unreadable_file_is_explained_and_nothing_is_written(
        teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    teams_board.fake.files["minutes.docx"] = b"this is not a Word file at all"
    card = _send(teams_board, "action import").card
    assert card_text(card).startswith("⚠ minutes.docx")
    assert buttons(card) == []
    assert _kept(uow) == [] and _numbers(uow) == []


def test_a_missing_file_or_none_attached_says_what_to_do(teams_board: TeamsHTTP) -> None:
    gone = card_text(_send(teams_board, "action import", name="gone.docx").card)
    assert gone.startswith("⚠ Teams answered 404 when I fetched the file; nothing was written")
    bare = card_text(teams_board.say("action import", where="personal").card)
    assert bare.startswith("⚠ Attach the action log to your message")


def test_a_file_over_10_mb_is_refused(teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    teams_board.fake.files["huge.csv"] = b"x" * (10 * 1024 * 1024 + 1)
    text = card_text(_send(teams_board, "action import", name="huge.csv").card)
    assert text.startswith("⚠ The file is larger than 10 MB")
    assert _kept(uow) == []


def test_a_zip_bomb_sent_in_personal_chat_is_refused_and_nothing_is_kept(
        teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    """The 427 KB .docx that once took ``serve`` to 5.85 GB."""
    teams_board.fake.files["minutes.docx"] = bomb_docx(200 * MB)
    card = _send(teams_board, "action import").card
    assert card_text(card).startswith("⚠ minutes.docx unpacks to more than 20 MB; actionbot "
                                      "reads Word files that unpack to at most 20 MB")
    assert buttons(card) == []
    assert _kept(uow) == [] and _numbers(uow) == []


def test_only_managers_may_import_and_nothing_is_fetched_for_others(
        teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    teams_board.fake.files["minutes.docx"] = _word_log()
    text = card_text(_send(teams_board, "action import", user="KY").card)
    assert text.startswith("⚠ Only the chair, vice-chair or secretary can import a log")
    outsider = card_text(_send(teams_board, "action import", user="AC").card)
    assert outsider.startswith("⚠ You are not a member of any board yet")
    assert teams_board.fake.fetched == [] and _kept(uow) == []


def test_a_file_shared_in_a_channel_gets_the_way_to_import_it(teams_board: TeamsHTTP
                                                               ) -> None:
    text = card_text(_send(teams_board, "action import", where="channel").card)
    assert text.startswith("To import a log, send it to me in a personal chat")
    assert "SharePoint links, which I cannot open" in text
    assert ('Or have it imported on the server. From a file: actionbot import minutes.docx '
            '--board "South East Adoption Board"') in text
    assert teams_board.fake.fetched == []
    refused = card_text(teams_board.say("action import", user="KY").card)
    assert refused.startswith("⚠ Only the chair, vice-chair or secretary can import a log")


def test_files_are_fetched_only_from_sharepoint_or_the_allow_list(fake: FakeConnector) -> None:
    policy = ServiceUrlPolicy((fake.url,))
    for good in ("https://council-my.sharepoint.com/personal/re/minutes.docx",
                 "https://council.sharepoint.com/sites/x/y.docx", fake.file_url("a.csv")):
        assert policy.allows_file(good), good
    for bad in ("http://council.sharepoint.com/x", "https://sharepoint.com.evil.example/x",
                "https://evil.example/council.sharepoint.com", "https://.sharepoint.com/x",
                "https://u:p@council.sharepoint.com/x", "https://council.sharepoint.com:8443/x",
                "http://169.254.169.254/latest/meta-data/"):
        assert not policy.allows_file(bad), bad
    fake.files["a.csv"] = b"ok"
    assert asyncio.run(fetch_file(f"{fake.url}/moved/a.csv", policy)) == b"ok"
    with pytest.raises(FileNotFetched, match="only from Teams"):
        asyncio.run(fetch_file(f"{fake.url}/moved-to/http://127.0.0.2:9/a.csv", policy))
    with pytest.raises(FileNotFetched, match="only from Teams"):
        asyncio.run(fetch_file("http://127.0.0.2:9/a.csv", policy))


def test_someone_on_several_boards_is_told_how_else_to_import(teams_board: TeamsHTTP) -> None:
    other = "19:fostering-panel@thread.tacv2"
    setup = teams_board.activity("message", text="<at>actionbot</at> board setup Fostering Panel",
                                 thread=f"{other};messageid=1", entities=[
                                     {"type": "mention", "text": "<at>actionbot</at>",
                                      "mentioned": {"id": BOT, "name": "actionbot"}}])
    setup["channelData"]["channel"]["id"] = other
    assert teams_board.post(setup)[0] == 200
    assert "Fostering Panel is set up" in card_text(teams_board.fake.posts()[-1].card)
    teams_board.fake.files["minutes.docx"] = _word_log()
    text = card_text(_send(teams_board, "action import").card)
    assert text.startswith("⚠ You sit on 2 boards, so I cannot tell which one this log is for")
    assert "Fostering Panel, South East Adoption Board" in text
    assert teams_board.fake.fetched == []


def test_two_presses_at_once_import_once(teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    teams_board.fake.files["minutes.docx"] = _word_log()
    (button,) = buttons(_send(teams_board, "action import").card)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: teams_board.press(button["data"], where="personal"),
                                range(2)))
    assert sorted(body["type"] for _, body in answers) == sorted([CARD, MESSAGE]), answers
    assert _numbers(uow) == [77, 78] and _import_events(uow) == 2
