"""``/board member add|remove|list``, and turning typed owners into members."""

from __future__ import annotations

from handlers.commands import MemberAdd, MemberList, MemberRemove
from handlers.errors import NotFound, UserError
from handlers.limits import INITIALS, MEMBER_NAME, checked
from handlers.owners import ALL, OwnerRef, initials_from_name
from handlers.permissions import require_manager, require_member
from handlers.replies import Button, Reply, Tone
from handlers.scope import Scope
from storage import members as store
from storage.actions import OwnerSpec
from storage.board_rows import MemberRow
from storage.models import MANAGER_ROLES, Member, Role

EXAMPLE = "/board member add MH Mac Heath chair"
# Words that, after @, mean something else than a member, so nobody may have them as initials.
RESERVED_INITIALS = {
    "ALL": "everyone on the board",
    "HERE": "everyone in the channel (a chat ping)",
    "CHAN": "everyone in the channel (a chat ping)",
    "TEAM": "everyone in the team (a chat ping)",
    "TO": "the “to” of “MH to …”",
}


def checked_initials(initials: str, example: str = EXAMPLE) -> str:
    """Initials as stored (upper case), or ``UserError``: too long, a control character,
    or a word that @ gives another meaning (``@ALL`` is everyone)."""
    initials = checked(initials, INITIALS, example=example).upper()
    if len(initials) > INITIALS.limit:  # "ß" is "SS" in capitals
        raise UserError(f"Initials can be at most {INITIALS.limit} letters.", example=example)
    if " " in initials or not initials:
        raise UserError("Initials are one word, such as MH.", example=example)
    if initials in RESERVED_INITIALS:
        raise UserError(f"{initials} cannot be anyone's initials: @{initials} means "
                        f"{RESERVED_INITIALS[initials]}. Give other initials.", example=example)
    return initials


def describe(member: Member | MemberRow) -> str:
    return f"{member.initials} — {member.name} ({member.role})"


def find_member(scope: Scope, ref: OwnerRef) -> MemberRow | None:
    """The active member the reference names; the person typing, when it names them, comes
    without a query (secretaries often give actions to themselves)."""
    if scope.member is not None and _names(ref, scope.member, scope.invocation.user_id):
        return scope.member
    if ref.user_id is not None:
        inv = scope.invocation
        return store.member_by_identity(scope.db, scope.board.id, inv.platform,
                                        inv.workspace, ref.user_id)
    if ref.initials is not None:
        return store.member_by_initials(scope.db, scope.board.id, ref.initials)
    return None


def _names(ref: OwnerRef, member: MemberRow, user_id: str | None) -> bool:
    if ref.user_id is not None:
        return ref.user_id == user_id
    return ref.initials is not None and ref.initials.upper() == member.initials_key


def _not_a_member(scope: Scope, ref: OwnerRef) -> NotFound:
    if ref.user_id is not None:
        who = ref.mention_name or "That person"
        initials = initials_from_name(ref.mention_name or "") or "AB"
        name = ref.mention_name or "Their Name"
        add = f"<@{ref.user_id}> {initials} {name}"
        return NotFound(f"{who} is not a member of {scope.board.name} yet.",
                        example=f"/board member add {add}",
                        buttons=(Button(f"Add {who} as {initials}", "member_add", add),))
    return NotFound(
        f"No member of {scope.board.name} has the initials {ref.initials}. "
        "See who is on the board with /board member list, or add them first.",
        example=f"/board member add {ref.initials} Their Name",
    )


def resolve_owners(
    scope: Scope, refs: tuple[OwnerRef, ...], *, strict: bool
) -> tuple[list[OwnerSpec], list[str]]:
    """Owners to store, and the initials kept verbatim because nobody has them (yet).

    ``strict`` (owners typed with @ or a mention) refuses unknown people; the minutes
    convention "KY to …" keeps unknown initials as written, as boards do.
    """
    specs: list[OwnerSpec] = []
    unknown: list[str] = []
    for ref in refs:
        if ref.everyone:
            specs.append(OwnerSpec(label=ALL))
            continue
        member = find_member(scope, ref)
        if member is not None:
            specs.append(OwnerSpec(label=member.initials, member_id=member.id))
        elif strict or ref.initials is None:
            raise _not_a_member(scope, ref)
        else:
            specs.append(OwnerSpec(label=ref.initials))
            unknown.append(ref.initials)
    unique = list({(s.label.upper()): s for s in specs}.values())
    return unique, unknown


def add(cmd: MemberAdd, scope: Scope) -> Reply:
    require_manager(scope, "add members")
    name = cmd.name or (cmd.mention.mention_name if cmd.mention else None)
    if name is not None:
        name = checked(name, MEMBER_NAME, example=EXAMPLE) or None
    initials = cmd.initials or (initials_from_name(name) if name else None)
    if not initials:
        raise UserError("Give the member's initials.",
                        example="/board member add <@U123> MH Mac Heath")
    initials = checked_initials(initials)
    found = store.member_by_initials(scope.db, scope.board.id, initials, include_removed=True)
    if cmd.mention is not None and cmd.mention.user_id is not None:
        linked = find_member(scope, cmd.mention)
        if linked is not None and (found is None or linked.id != found.id):
            raise UserError(f"That account is already linked to {linked.initials} on this board.",
                            example=f"/board member remove {linked.initials}")
        if found is not None and linked is None:
            _refuse_relink(scope, found, name)
    if found is None:
        member = store.add_member(scope.session, scope.board.id, name=name or initials,
                                  initials=initials, role=cmd.role or Role.MEMBER, now=scope.now)
        verb = "Added"
        scope.record("member.added", initials=member.initials, name=member.name, role=member.role)
    else:
        member = scope.session.get_one(Member, found.id)
        before = {"name": member.name, "role": member.role, "active": member.active}
        if cmd.role is not None and cmd.role != member.role:
            if cmd.role not in MANAGER_ROLES:
                _guard_last_manager(scope, member, losing="their role")
            member.role = cmd.role.value
        if name:
            member.name = name
        member.active = True
        verb = "Updated"
        scope.record("member.updated", initials=member.initials, before=before,
                     after={"name": member.name, "role": member.role, "active": True})
    if cmd.mention is not None and cmd.mention.user_id is not None:
        inv = scope.invocation
        store.link_identity(scope.session, member, inv.platform, inv.workspace,
                            cmd.mention.user_id)
    return Reply(title=f"{verb} {describe(member)}", tone=Tone.SUCCESS)


def _refuse_relink(scope: Scope, found: MemberRow, name: str | None) -> None:
    """Initials already linked to another account on this platform stay theirs: re-linking
    them would hand that person's actions to the newcomer. Taking over a place is deliberate:
    remove the member first, then add the newcomer with those initials."""
    if not found.active:
        return
    platform = scope.invocation.platform
    member = scope.session.get_one(Member, found.id)
    if not any(i.platform == platform for i in member.identities):
        return
    other = initials_from_name(name or "") or "AB"
    if other == found.initials:
        other = f"{other}{other[-1]}"[:4]
    raise UserError(
        f"{found.initials} is already {found.name}, linked to another account. Give this person "
        f"other initials; or, if they take over {found.initials}'s place and actions, remove "
        f"{found.initials} first (/board member remove {found.initials}).",
        example=f"/board member add @them {other} {name or 'Their Name'}")


def _guard_last_manager(scope: Scope, member: Member | MemberRow, *, losing: str) -> None:
    if member.role not in MANAGER_ROLES:
        return
    others = [m for m in store.managers(scope.session, scope.board.id) if m.id != member.id]
    if not others:
        raise UserError(
            f"{member.initials} is the board's only chair, vice-chair or secretary, so cannot "
            f"lose {losing}: make someone else secretary first.",
            example="/board member add RE Rebecca Eligon secretary",
        )


def remove(cmd: MemberRemove, scope: Scope) -> Reply:
    require_manager(scope, "remove members")
    found = find_member(scope, cmd.who)
    if found is None:
        raise _not_a_member(scope, cmd.who)
    _guard_last_manager(scope, found, losing="their place")
    member = scope.session.get_one(Member, found.id)
    member.active = False
    scope.record("member.removed", initials=member.initials, name=member.name)
    return Reply(
        title=f"Removed {member.initials} ({member.name}) from {scope.board.name}",
        lines=("Their actions keep their initials as owner until reassigned.",),
        tone=Tone.SUCCESS,
    )


def list_members(cmd: MemberList, scope: Scope) -> Reply:
    require_member(scope, "see the member list")
    people = store.active_members(scope.session, scope.board.id)
    if not people:
        return Reply(title=f"{scope.board.name} has no members yet",
                     lines=("Add one with /board member add MH Mac Heath chair",))
    return Reply(title=f"Members of {scope.board.name}", lines=tuple(describe(m) for m in people))
