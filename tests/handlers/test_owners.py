"""Owners as boards write them: ``@MH``, mentions, and the minutes convention "MH to …"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.owners import (
    OwnerRef,
    convention_owners,
    initials_from_name,
    owner_token,
    split_owner_labels,
)

EVERYONE = OwnerRef(everyone=True)


def initials(*values: str) -> list[OwnerRef]:
    return [OwnerRef(initials=v) for v in values]


# ---- the minutes convention ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MH to write to DfE", initials("MH")),
        ("JB and MS to review the policy", initials("JB", "MS")),
        ("RR/TR to draft the letter", initials("RR", "TR")),
        ("AL KY RE to meet the auditors", initials("AL", "KY", "RE")),
        ("MH, RE to agree the budget", initials("MH", "RE")),
        ("MH & RE to agree the budget", initials("MH", "RE")),
        ("JB and MS and KY to go", initials("JB", "MS", "KY")),
        ("MCH to chase the invoice", initials("MCH")),
        ("All to read the report", [EVERYONE]),
        ("ALL to read the report", [EVERYONE]),
    ],
)
def test_convention_owners_read_from_the_start_of_the_text(
    text: str, expected: list[OwnerRef]
) -> None:
    assert convention_owners(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Write to DfE about funding",
        "The board to decide on the terms",
        "We need to act on the audit",
        "MH went to the shop",
        "mh to write to DfE",
        "TO to write",
        "ABCDE to write",
        "MH to",
        "Chase MH to reply",
        "",
    ],
)
def test_text_without_the_convention_has_no_owners(text: str) -> None:
    assert convention_owners(text) == []


def test_ordinary_capitalised_word_before_to_is_not_initials() -> None:
    assert convention_owners("Go to the CQC inspection") == []


# ---- one typed owner ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("@MH", OwnerRef(initials="MH")),
        ("@mh", OwnerRef(initials="MH")),
        ("MH", OwnerRef(initials="MH")),
        ("@ABCD", OwnerRef(initials="ABCD")),
        ("@all", EVERYONE),
        ("All", EVERYONE),
        ("<@U123>", OwnerRef(user_id="U123")),
        ("<@U123|mac>", OwnerRef(user_id="U123", mention_name="mac")),
        ("<@U123|Mac Heath>", OwnerRef(user_id="U123", mention_name="Mac Heath")),
    ],
)
def test_owner_token_reads_initials_mentions_and_everyone(
    token: str, expected: OwnerRef
) -> None:
    assert owner_token(token) == expected


@pytest.mark.parametrize("token", ["hello", "mh", "TO", "@ABCDE", "@1", "<@>", "", "@"])
def test_owner_token_refuses_words_that_are_not_owners(token: str) -> None:
    assert owner_token(token) is None


def test_owner_shown_as_initials_mention_or_all() -> None:
    assert OwnerRef(initials="MH").shown == "MH"
    assert OwnerRef(user_id="U123").shown == "<@U123>"
    assert EVERYONE.shown == "All"


# ---- initials from a member's name --------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mac Heath", "MH"),
        ("mac heath", "MH"),
        ("  Mac   Heath  ", "MH"),
        ("Dr Mac Heath", "MH"),
        ("Cllr. Amy Coombs", "AC"),
        ("Mrs Lorna Hunt", "LH"),
        ("Mary-Jane Smith", "MJS"),
        ("Rebecca", "R"),
        ("Sir Ian Andrew Bob Carl Dan", "IABC"),
        ("", ""),
    ],
)
def test_initials_from_name(name: str, expected: str) -> None:
    assert initials_from_name(name) == expected


def test_a_name_that_is_only_a_title_keeps_it() -> None:
    assert initials_from_name("Dr") == "D"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RR/TR", ["RR", "TR"]),
        ("AL KY RE", ["AL", "KY", "RE"]),
        ("JB and MS", ["JB", "MS"]),
        ("MH, RE", ["MH", "RE"]),
        ("MH", ["MH"]),
    ],
)
def test_split_owner_labels_from_a_responsible_column(raw: str, expected: list[str]) -> None:
    assert split_owner_labels(raw) == expected


# ---- nothing typed makes these raise ------------------------------------------------------
OWNERISH = st.lists(
    st.sampled_from(["MH", "RE", "All", "and", "/", ",", "&", "to", "@", "<@U1|x>", " ", "mh"])
    | st.text(max_size=6),
    max_size=8,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.text() | OWNERISH)
def test_owner_functions_accept_any_text(text: str) -> None:
    for owner in convention_owners(text):
        assert owner.everyone or (owner.initials and owner.initials.isupper())
    token = owner_token(text)
    assert token is None or isinstance(token, OwnerRef)
    assert len(initials_from_name(text)) <= 4
