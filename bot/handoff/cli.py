"""Operator commands: `recovery-bot coach invite|list|remove`, `recovery-bot handoffs`.

Nothing here prints message text, notes or anyone's Telegram identity: coaches by id and
display name, handoffs by number, status and times.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings, configure_encryption
from bot.handoff import coaches as coach_store
from bot.handoff import queue as q
from bot.storage.db import Database
from bot.storage.pseudonyms import load_pseudonym_key


def _with_session(
    settings: Settings, work: Callable[[AsyncSession, datetime], Awaitable[int]]
) -> int:
    async def main() -> int:
        configure_encryption(settings)
        db = Database(settings.resolved_database_url(), schema=settings.database_schema)
        try:
            await db.upgrade()
            await load_pseudonym_key(db)
            async with db.session() as session:
                return await work(session, datetime.now(UTC))
        finally:
            await db.dispose()

    return asyncio.run(main())


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite code."""

    async def work(session: AsyncSession, now: datetime) -> int:
        code = await coach_store.create_invite(session, now, settings.coach_invite_hours,
                                               args.name)
        print(f"Invite code: {code}")
        print(f"The coach sends this to the bot in a private chat within "
              f"{settings.coach_invite_hours} hours:")
        print(f"  /coach_join {code}")
        print("It works once. Only a hash of it is stored, so it can't be shown again.")
        return 0

    return _with_session(settings, work)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    """List current coaches."""

    async def work(session: AsyncSession, now: datetime) -> int:
        coaches = await coach_store.list_coaches(session)
        if not coaches:
            print("No coaches yet. Add one with `recovery-bot coach invite`.")
            return 0
        print(f"{'id':>4}  {'duty':<4}  {'talking':>7}  joined            name")
        for c in coaches:
            duty = "on" if c.on_duty else "off"
            joined = c.joined_at.strftime("%Y-%m-%d %H:%M")
            print(f"{c.id:>4}  {duty:<4}  {c.holding:>7}  {joined}  {c.name}")
        return 0

    return _with_session(settings, work)


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a coach by id."""

    async def work(session: AsyncSession, now: datetime) -> int:
        if not await coach_store.remove_coach(session, args.id, now):
            print(f"No current coach with id {args.id}. See `recovery-bot coach list`.")
            return 1
        print(f"Coach {args.id} removed. Any chat they held is back in the queue.")
        return 0

    return _with_session(settings, work)


def _fmt(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "-"


def cmd_handoffs(args: argparse.Namespace, settings: Settings) -> int:
    """Print the queue and recent handoffs (no message text)."""

    async def work(session: AsyncSession, now: datetime) -> int:
        waiting = await q.waiting_queue(session)
        print(f"Waiting: {len(waiting)}")
        for h in waiting:
            minutes = int((now - (h.queued_at or h.created_at)).total_seconds() // 60)
            flag = "URGENT " if h.urgent else ""
            print(f"  {h.number:>6}  {flag}{h.reason:<9} waiting {minutes} min")
        print(f"\nRecent (newest first, up to {args.limit}):")
        print(f"  {'number':>6}  {'status':<9} {'reason':<9} {'urgent':<6} "
              f"{'opened':<16}  {'claimed':<16}  {'closed':<16}  coach  rating")
        for h in await q.recent_history(session, args.limit):
            print(f"  {h.number:>6}  {h.status:<9} {h.reason:<9} {'yes' if h.urgent else 'no':<6} "
                  f"{_fmt(h.created_at):<16}  {_fmt(h.claimed_at):<16}  {_fmt(h.closed_at):<16}"
                  f"  {h.coach_id or '-':>5}  {h.rating or '-'}")
        return 0

    return _with_session(settings, work)


def add_subcommands(sub: Any) -> None:
    """`coach invite|list|remove` and `handoffs`."""
    coach = sub.add_parser("coach", help="manage human coaches")
    coach_sub = coach.add_subparsers(dest="coach_command", required=True)
    invite = coach_sub.add_parser("invite", help="print a one-time code for a new coach")
    invite.add_argument("--name", default=None, help="their display name (else they're asked)")
    invite.set_defaults(handler=cmd_invite)
    coach_sub.add_parser("list", help="list coaches").set_defaults(handler=cmd_list)
    remove = coach_sub.add_parser("remove", help="remove a coach")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=cmd_remove)
    handoffs = sub.add_parser("handoffs", help="the coach queue and recent handoffs")
    handoffs.add_argument("--limit", type=int, default=20)
    handoffs.set_defaults(handler=cmd_handoffs)
