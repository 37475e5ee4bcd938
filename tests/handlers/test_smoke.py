from tests.conftest import Chat


def test_add_close_and_show(board: Chat) -> None:
    added = board("/action add MH to write to DfE by 5 May", as_="KY")
    assert added.title == "Action 1 added"
    assert added.public
    closed = board("/action close 1 letter sent", as_="MH")
    assert closed.title == "Action 1 closed"
    shown = board.text("/action show 1", as_="AC")
    assert "MH closed it: letter sent" in shown
    assert "Due: 5 May 2027" in shown
