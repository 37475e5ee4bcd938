"""Every typed field is bounded and refuses what it cannot store, with a clear message, on
SQLite and PostgreSQL alike. PostgreSQL used to answer NUL bytes and over-long names with
"Something went wrong"; SQLite stored a 100,000-character board name."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from handlers.limits import (
    ACTION_TEXT_MAX,
    BOARD_NAME_MAX,
    COMMAND_MAX,
    MEMBER_NAME_MAX,
    NOTE_MAX,
)
from handlers.replies import Tone
from storage.models import Action, Base, Board, Member
from storage.uow import UnitOfWork
from tests.conftest import Chat
from tests.handlers.reading_back import reply_fields


def snapshot(engine: Engine) -> dict[str, list[Any]]:
    """Every row of every table: a refusal must leave all of them as they were."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t))]
                for t in Base.metadata.sorted_tables}


LONG_NAME = "South East Adoption Board " + "x" * 200
# "ß" is matched as "ss": 110 of them are a 110-character name but a 220-character key.
GROWING_NAME = "ß" * 110
EMPTY: dict[str, list[Any]] = {t.name: [] for t in Base.metadata.sorted_tables}


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("/board settings name " + LONG_NAME,
         f"A board name can be at most 120 characters (this one has {len(LONG_NAME)})."),
        ("/board settings name Adoption\x00Board",
         "A board name cannot hold control characters such as U+0000: type it again "
         "without them."),
        ("/board settings name Adoption \x1b]0;owned\x07Board",
         "A board name cannot hold control characters such as U+001B: type it again "
         "without them."),
        ("/board settings name " + GROWING_NAME,
         "That board name is too long once letters such as ß are spelt out for matching: "
         "please shorten it."),
        ("/board settings chase ²",
         "chase takes a whole number from 1 to 60 or off, written with the digits 0 to 9."),
        ("/board settings chase ٣",
         "chase takes a whole number from 1 to 60 or off, written with the digits 0 to 9."),
        ("/board settings grace ¹²",
         "grace takes a whole number from 1 to 72, written with the digits 0 to 9."),
        ("/board settings reminders 5,¹",
         "reminders takes working days from 1 to 30, e.g. 5,1, or off."),
        ("/board settings time ٠٩:٠٠", "time takes a 24-hour time such as 09:00."),
        ("/board settings digest " + "9" * 5000,
         f"A command can be at most 5,000 characters (this one has {5000 + 16:,})."),
        ("/board settings digest " + "9" * 200,
         "A setting's value can be at most 120 characters (this one has 200)."),
        ("/board settings digest 2\x00", "A setting's value cannot hold control characters "
         "such as U+0000: type it again without them."),
        *(("/board settings timezone " + zone, f"“{zone}” is not a timezone I know: give a "
           "place name from the IANA list, such as Europe/London or America/New_York.")
          for zone in ("posix/Europe/London", "right/Europe/London", "localtime", "Factory",
                       "GB", "../../etc/passwd")),
        ("/board member add ALL Alice Long", "ALL cannot be anyone's initials: @ALL means "
         "everyone on the board. Give other initials."),
        ("/board member add Alice Lorna Long", "ALL cannot be anyone's initials: @ALL means "
         "everyone on the board. Give other initials."),
        ("/board member add TO Tom Owens", "TO cannot be anyone's initials: @TO means the "
         "“to” of “MH to …”. Give other initials."),
        ("/board member add ZZ " + "z" * 250,
         f"A member's name can be at most {MEMBER_NAME_MAX} characters (this one has 250)."),
        ("/board member add ZZ Zed\x00Zee", "A member's name cannot hold control characters "
         "such as U+0000: type it again without them."),
        ("/board member add <@U77|" + "n" * 150 + ">",
         f"A member's name can be at most {MEMBER_NAME_MAX} characters (this one has 150)."),
        ("/board meeting add 5 May 2027 ١٠:٣٠", "Write dates and times with the digits 0 to "
         "9: “5 May 2027 ١٠:٣٠” has other digits."),
        ("/board meeting add " + "5 May 2027 10:30 " * 7,
         "A meeting's date can be at most 100 characters (this one has 118)."),
        ("/board meeting add 5 May\x00 2027", "A meeting's date cannot hold control characters "
         "such as U+0000: type it again without them."),
        ("/board meeting cancel ³ February 2027", "Write dates and times with the digits 0 to "
         "9: “³ February 2027” has other digits."),
    ],
)
def test_board_fields_refuse_clearly_and_change_nothing(board: Chat, line: str,
                                                        title: str) -> None:
    before = snapshot(board.uow.engine)

    reply = board(line, as_="RE")

    assert reply.tone is Tone.ERROR
    assert reply.title == title
    assert "Something went wrong" not in reply.title
    assert snapshot(board.uow.engine) == before


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("/action add KY to " + "a" * ACTION_TEXT_MAX,
         f"An action's text can be at most 4,000 characters (this one has "
         f"{ACTION_TEXT_MAX + 6:,})."),
        ("/action add KY to do it " + "a" * COMMAND_MAX,
         f"A command can be at most 5,000 characters (this one has {COMMAND_MAX + 16:,})."),
        ("/action decision " + "d" * (ACTION_TEXT_MAX + 1),
         "An action's text can be at most 4,000 characters (this one has 4,001)."),
        ("/action decision \x00\x01\x7f", "What was decided?"),
        ("/action close 1 " + "n" * (NOTE_MAX + 1),
         "A note can be at most 2,000 characters (this one has 2,001)."),
        ("/action update 1 " + "n" * (NOTE_MAX + 1),
         "A note can be at most 2,000 characters (this one has 2,001)."),
        ("/action update 1 \x00", "Add a note saying where action 1 has got to."),
        ("/action withdraw 1 " + "n" * (NOTE_MAX + 1),
         "A note can be at most 2,000 characters (this one has 2,001)."),
        ("/action close ²", "“²” is not an action number. Write it with the digits 0 to 9."),
        ("/action close ١", "“١” is not an action number. Write it with the digits 0 to 9."),
        ("/action list all page ٢", "Give the page as a number written with the digits 0 "
         "to 9."),
        ("/action due 1 ٣/٤", "Write dates and times with the digits 0 to 9: “٣/٤” has other "
         "digits."),
        ("/action add KY to pay by ٣ May", "Write dates and times with the digits 0 to 9: "
         "“٣ May” has other digits."),
        ("/action defer 1 " + "next meeting " * 10,
         "A meeting's date can be at most 100 characters (this one has 129)."),
    ],
)
def test_action_fields_refuse_clearly_and_change_nothing(board: Chat, line: str,
                                                         title: str) -> None:
    board("/action add KY to draft the paper", as_="RE")
    before = snapshot(board.uow.engine)

    reply = board(line, as_="RE")

    assert reply.tone is Tone.ERROR
    assert reply.title == title
    assert snapshot(board.uow.engine) == before


def test_a_nul_byte_in_a_new_boards_name_is_refused(chat: Chat) -> None:
    reply = chat("/board setup Adoption\x00Board", as_="RE")

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("A board name cannot hold control characters")
    assert snapshot(chat.uow.engine) == EMPTY


def test_a_long_new_boards_name_is_refused_and_the_longest_allowed_is_kept(chat: Chat) -> None:
    too_long = "B" * (BOARD_NAME_MAX + 81)
    reply = chat(f"/board setup {too_long}", as_="RE")
    assert reply.title == "A board name can be at most 120 characters (this one has 201)."
    assert snapshot(chat.uow.engine) == EMPTY

    longest = "B" * BOARD_NAME_MAX
    assert chat(f"/board setup {longest}", as_="RE").tone is Tone.SUCCESS
    with chat.uow.transaction() as session:
        assert session.scalars(select(Board.name)).all() == [longest]


def test_control_characters_are_dropped_from_free_text_keeping_lines_and_tabs(
    board: Chat,
) -> None:
    typed = "KY to\x00 check\x1b[2J the\x0bfigures\r\nthen\treport\x85back \x9b31m"
    reply = board(f"/action add {typed}", as_="RE")
    assert reply.tone is Tone.SUCCESS, reply.title
    assert board("/action close 1 sent\x00 on\x07 Friday\r\nto LH", as_="RE").tone \
        is Tone.SUCCESS

    with board.uow.transaction() as session:
        action = session.scalars(select(Action)).one()
        assert action.text == "KY to check the\nfigures\nthen\treport\nback"
        assert action.status_note == "sent on Friday\nto LH"


def test_the_longest_allowed_values_are_stored_whole(board: Chat) -> None:
    name = "N" * MEMBER_NAME_MAX
    text = "KY to " + "t" * (ACTION_TEXT_MAX - 6)
    assert board(f"/board member add ZZ {name}", as_="RE").tone is Tone.SUCCESS
    assert board(f"/action add {text}", as_="RE").tone is Tone.SUCCESS
    assert board(f"/action update 1 {'u' * NOTE_MAX}", as_="RE").tone is Tone.SUCCESS

    with board.uow.transaction() as session:
        assert session.scalar(select(Member.name).where(Member.initials == "ZZ")) == name
        assert session.scalar(select(Action.text)) == text
        assert session.scalar(select(Action.status_note)) == "u" * NOTE_MAX


def test_a_timezone_is_taken_in_any_case_and_stored_as_iana_spells_it(board: Chat) -> None:
    reply = board("/board settings timezone america/new_york", as_="RE")

    assert reply.tone is Tone.SUCCESS
    assert reply_fields(board("/board settings", as_="RE"))["Timezone"] == "America/New_York"
    assert board("/board settings timezone UTC", as_="RE").tone is Tone.SUCCESS


def test_a_slack_display_name_too_long_for_a_member_is_shortened_not_a_crash(
    uow: UnitOfWork,
) -> None:
    slack = Chat(uow, platform="slack", workspace="T1", channel="C1")
    display = "Dr " + "Very Long Name " * 30 + "\x00"

    reply = slack("/board setup Adoption Board", user_id="U1", user_name=display)

    assert reply.tone is Tone.SUCCESS, reply.title
    with uow.transaction() as session:
        founder = session.scalars(select(Member)).one()
        assert len(founder.name) == MEMBER_NAME_MAX
        assert "\x00" not in founder.name


def test_a_founder_whose_name_gives_reserved_initials_becomes_sec(uow: UnitOfWork) -> None:
    slack = Chat(uow, platform="slack", workspace="T1", channel="C1")

    reply = slack("/board setup Adoption Board", user_id="U1", user_name="Alice Lorna Long")

    assert reply.tone is Tone.SUCCESS, reply.title
    assert "You are its secretary, as SEC." in reply.lines
