"""Who may do what on a board. A refusal changes nothing and says who can help."""

from __future__ import annotations

from handlers.errors import NotAllowed
from handlers.scope import Scope
from storage.action_rows import ShownAction
from storage.members import managers


def _who_can_help(scope: Scope) -> str:
    people = managers(scope.session, scope.board.id)
    if not people:
        return "the board's secretary"
    return ", ".join(f"{m.initials} ({m.role})" for m in people[:3])


def require_member(scope: Scope, doing: str) -> None:
    if scope.member is None and not scope.invocation.is_console_operator:
        raise NotAllowed(
            f"Only members of {scope.board.name} can {doing}. Ask {_who_can_help(scope)} "
            "to add you.",
            example="/board member add @you AB Your Name",
        )


def require_manager(scope: Scope, doing: str) -> None:
    if not scope.is_manager:
        raise NotAllowed(
            f"Only the chair, vice-chair or secretary can {doing}. Ask {_who_can_help(scope)}.",
        )


def is_owner(scope: Scope, action: ShownAction) -> bool:
    if scope.member is None:
        return False
    return any(
        o.member_id == scope.member.id or o.label_key in ("ALL", scope.member.initials_key)
        for o in action.owners
    )


def require_owner_or_manager(scope: Scope, action: ShownAction, doing: str) -> None:
    if scope.is_manager or is_owner(scope, action):
        return
    raise NotAllowed(
        f"Only action {action.number}'s owners, the chair, vice-chair or secretary can {doing}. "
        f"Nothing was changed; ask {_who_can_help(scope)}.",
    )
