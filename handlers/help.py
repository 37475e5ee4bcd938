"""``/action help`` and ``/board help``: every command with one real example."""

from __future__ import annotations

from handlers.commands import Help
from handlers.replies import Reply

ACTION_HELP = {
    "add": ("/action add <text> [@OWNER …] [by <date>]",
            "/action add MH to write to DfE about fees by end of March",
            "Owners come from @initials, mentions, or the text itself (“MH to …”, “JB and MS "
            "to …”, “All to …”). Dates: 5 May, 3/4 (3 April), end of March, Q1, next meeting."),
    "assign": ("/action assign <N> @OWNER [@OWNER …]", "/action assign 58 @RR @TR",
               "Replaces the owners."),
    "close": ("/action close <N> [note]", "/action close 58 letter sent",
              "“done” and “complete” work too."),
    "reopen": ("/action reopen <N>", "/action reopen 58", ""),
    "update": ("/action update <N> <note>", "/action update 58 draft shared with LH",
               "Records progress and marks the action ongoing."),
    "due": ("/action due <N> <date>", "/action due 58 end of April", ""),
    "defer": ("/action defer <N> <meeting date | next meeting>", "/action defer 58 next meeting",
              "Makes it an item for that meeting."),
    "withdraw": ("/action withdraw <N> [reason]", "/action withdraw 58 overtaken by events", ""),
    "decision": ("/action decision <text>", "/action decision Terms of reference adopted",
                 "Records a numbered DECISION in the log."),
    "list": ("/action list [open|all|mine|overdue|closed|decisions|@OWNER] [page N]",
             "/action list overdue", "Newest first, 25 a page."),
    "show": ("/action show <N>", "/action show 58", "The action and its history."),
    "digest": ("/action digest", "/action digest",
               "Open actions by owner, what closed and what was decided since the last meeting."),
    "export": ("/action export [docx|md|csv]", "/action export docx",
               "The log as boards print it, newest first, for the minutes."),
    "import": ("/action import", "/action import",
               "Bring in an existing log (Word minutes, CSV or pasted text): a preview first."),
}

BOARD_HELP = {
    "setup": ("/board setup <name>", "/board setup South East Adoption Board",
              "Creates the board and keeps its log in this channel."),
    "member": ("/board member add [@mention] <INITIALS> [Full name] [chair|vice-chair|secretary|"
               "member] · /board member remove <INITIALS> · /board member list",
               "/board member add MH Mac Heath chair",
               "Adding initials that already exist updates that member."),
    "meeting": ("/board meeting add <date and time> · list [all] · move <date> to <date and "
                "time> · cancel <date>", "/board meeting add 5 May 2027 10:30",
                "A past date records a meeting already held."),
    "settings": ("/board settings [name|timezone <value>]", "/board settings timezone "
                 "Europe/London", ""),
}


def _entry(usage: str, example: str, note: str) -> tuple[str, ...]:
    lines = [usage, f"Example: {example}"]
    if note:
        lines.append(note)
    return tuple(lines)


def help_reply(cmd: Help) -> Reply:
    table = BOARD_HELP if cmd.root == "board" else ACTION_HELP
    topic = (cmd.topic or "").split(" ")[0].lstrip("/")
    topic = {"done": "close", "complete": "close", "members": "member",
             "meetings": "meeting"}.get(topic, topic)
    if topic in ("action", "board"):
        table, topic = (BOARD_HELP if topic == "board" else ACTION_HELP), ""
    if topic and topic in table:
        return Reply(title=f"/{cmd.root} {topic}", lines=_entry(*table[topic]))
    lines = [usage for usage, _, _ in table.values()]
    other = "/board help" if table is ACTION_HELP else "/action help"
    lines.append(f"More on one command: /{cmd.root} help <command>. See also {other}.")
    title = "Board commands" if table is BOARD_HELP else "Action log commands"
    if topic:
        title = f"There is no help on “{topic[:30]}”. {title}"
    return Reply(title=title, lines=tuple(lines))
