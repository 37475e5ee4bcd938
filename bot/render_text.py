"""Replies as plain text, for the console and for anything that cannot draw cards.

What is printed goes to a terminal, which obeys escape sequences: a stored action text
holding ``ESC ] 0 ; … BEL`` retitled the window, and others can move the cursor, clear the
screen or rewrite earlier lines. Everything rendered here is made terminal-safe first.
"""

from __future__ import annotations

from handlers.limits import ANY_CONTROL, CONTROL_SEQUENCES
from handlers.replies import Item, Reply, Tone


def terminal_safe(text: str) -> str:
    """The text without anything a terminal would act on rather than show."""
    if not ANY_CONTROL.search(text):
        return text
    return CONTROL_SEQUENCES.sub("", text.replace("\r\n", "\n"))


def _item(item: Item) -> list[str]:
    out = [f"  {item.title}: {item.text}" if item.text else f"  {item.title}"]
    if item.fields:
        out.append("    " + " · ".join(f"{f.label}: {f.value}" for f in item.fields))
    out.extend(f"    {line}" for line in item.lines)
    if item.buttons:
        out.append("    " + " · ".join(f"{b.label}: {b.command}" for b in item.buttons))
    return out


def render(reply: Reply) -> str:
    marker = {"error": "✗ ", "success": "✓ "}.get(reply.tone.value, "")
    out = [f"{marker}{reply.title}"]
    out.extend(f"  {line}" for line in reply.lines)
    if reply.fields:
        out.extend(f"  {f.label}: {f.value}" for f in reply.fields)
    for item in reply.items:
        out.extend(_item(item))
    for section in reply.sections:
        out.append(f"  {section.heading}")
        out.extend(f"    {line}" for line in section.lines)
    if reply.buttons:
        out.append("  " + " · ".join(f"{b.label}: {b.command}" for b in reply.buttons))
    if reply.footer:
        out.append(f"  {reply.footer}")
    if reply.file is not None:
        out.append(_file(reply))
    return terminal_safe("\n".join(out))


def _file(reply: Reply) -> str:
    """Text files are printed; a Word file cannot be, so say how to save one."""
    assert reply.file is not None
    if reply.file.mime.startswith("text/"):
        return reply.file.content.decode("utf-8").rstrip("\n")
    return (f"  {reply.file.filename} is a Word file: save it with "
            "actionbot export --board NAME --format docx -o FILE")


def is_error(reply: Reply) -> bool:
    return reply.tone is Tone.ERROR
