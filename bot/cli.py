"""`recovery-bot`: run the bot, chat on the console, check flows, manage the database.

    recovery-bot chat [--user NAME] [--jsonl]   talk to the bot in this terminal
    recovery-bot run                            Telegram long polling (needs TELEGRAM_BOT_TOKEN)
    recovery-bot run --webhook                  Telegram webhook + /healthz + /metrics on PORT
    recovery-bot flows check                    validate every flow, template and locale
    recovery-bot wiring                         what every domain package adds to the bot
    recovery-bot flows graph FLOW               Mermaid diagram of a flow
    recovery-bot db upgrade                     apply database migrations
    recovery-bot keys new | rotate              make a key; re-encrypt everything under the newest
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bot.config import Settings, get_settings

log = logging.getLogger("bot")

Handler = Callable[[argparse.Namespace, Settings], int]


def configure_logging(settings: Settings) -> None:
    """Plain logs on stderr. Nothing a person typed is ever logged (see DEVELOPERS notes)."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    quiet_libraries()


# Libraries whose INFO/DEBUG lines carry payloads: update JSON with names, ids and message
# text (telegram), SQL parameters (aiosqlite, asyncpg, sqlalchemy), URLs with the bot token
# (httpx). They log warnings and errors only, whatever LOG_LEVEL says.
LIBRARY_LOGGERS = ("telegram", "httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy",
                   "apscheduler", "alembic", "aiohttp.access", "tornado.access")


def quiet_libraries() -> None:
    """Hold library loggers at WARNING so a DEBUG run never logs what people wrote."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _run_async(coro: Coroutine[Any, Any, int]) -> int:
    try:
        return asyncio.run(coro)
    except KeyboardInterrupt:
        return 130


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Console chat."""
    if settings.log_level.upper() == "INFO":
        # The terminal is the conversation: only warnings belong in it.
        logging.getLogger().setLevel(logging.WARNING)
    from bot.app import RecoveryBot
    from bot.channels.console import run_console

    async def main() -> int:
        app = await RecoveryBot.create(settings)
        try:
            await run_console(app, args.user, jsonl=args.jsonl)
        finally:
            await app.close()
        return 0

    return _run_async(main())


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Telegram."""
    if not settings.telegram_bot_token:
        print(
            "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather on Telegram and set it, "
            "or use `recovery-bot chat` to talk to the bot here.",
            file=sys.stderr,
        )
        return 2
    if args.webhook:
        from bot.web import run_webhook, webhook_problem

        problem = webhook_problem(settings)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        return run_webhook(settings)
    from bot.channels.telegram import run_polling

    return run_polling(settings)


def cmd_flows_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate flows, templates and each locale's data."""
    from bot.composition import compose
    from bot.engine.loader import check_engine
    from bot.locales import check_locales

    registry = compose()
    problems = check_locales(settings.locales())
    counts = []
    for locale in settings.locales():
        engine, found = check_engine(registry.actions, locale=locale)
        problems += found
        if engine is not None:
            counts.append(f"{len(engine.flows.flows)} flows and {len(engine.renderer.keys())} "
                          f"templates ({locale})")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("; ".join(counts) + " are valid.")
    return 0


def cmd_wiring(args: argparse.Namespace, settings: Settings) -> int:
    """List what every domain package registers (bot/composition.py)."""
    from bot.composition import DOMAINS, compose

    print("Domain packages, in order: " + ", ".join(name for name, _ in DOMAINS))
    for kind, names in compose().describe().items():
        print(f"\n{kind} ({len(names)}):")
        for name in names:
            print(f"  {name}")
    return 0


def cmd_understand(args: argparse.Namespace, settings: Settings) -> int:
    """One JSON object a line for each line on stdin: the kind, its score, every kind's score."""
    import json

    from bot.understanding import understand

    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        heard = understand(text, args.locale)
        scores = {kind: round(score, 4) for kind, score in
                  sorted(heard.scores.items(), key=lambda item: -item[1])}
        print(json.dumps({"text": text, "kind": heard.kind, "score": round(heard.score, 4),
                          "rule": heard.rule, "facet": heard.facet, "scores": scores},
                         ensure_ascii=False), flush=True)
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    """Train a text model from its labelled examples (needs scikit-learn: the test extra)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("Training needs scikit-learn: pip install -e '.[test]'", file=sys.stderr)
        return 1
    if args.model == "understanding":
        from bot.understanding.training import write
    else:
        from bot.safety.training import write
    from bot.textmodel import load_model

    path = write(args.locale)
    load_model.cache_clear()
    meta = load_model(path).meta
    print(f"wrote {path} ({path.stat().st_size // 1024} KB): "
          + ", ".join(f"{key} {value}" for key, value in sorted(meta.items())
                      if key != "data_hash"))
    return 0


def cmd_flows_graph(args: argparse.Namespace, settings: Settings) -> int:
    """Mermaid diagram of one flow."""
    from bot.engine.flows import load_flows
    from bot.engine.graph import mermaid
    from bot.paths import FLOWS_DIR

    flows, _ = load_flows(FLOWS_DIR)
    if args.flow not in flows:
        print(f"No flow called '{args.flow}'. Flows: {', '.join(sorted(flows.flows))}",
              file=sys.stderr)
        return 1
    print(mermaid(flows[args.flow]))
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply migrations."""
    from bot.storage.db import Database

    async def main() -> int:
        from bot.config import configure_encryption

        configure_encryption(settings)  # a migration may encrypt values already stored
        db = Database(settings.resolved_database_url(), schema=settings.database_schema)
        await db.upgrade()
        await db.dispose()
        print("Database is up to date.")
        return 0

    return _run_async(main())


def cmd_keys_new(args: argparse.Namespace, settings: Settings) -> int:
    """Print a new encryption key."""
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    """Re-encrypt every stored value under the newest key of ENCRYPTION_KEYS."""
    from bot.config import configure_encryption
    from bot.privacy.rotate import rotate_all
    from bot.storage.db import Database

    async def main() -> int:
        configure_encryption(settings)
        db = Database(settings.resolved_database_url(), schema=settings.database_schema)
        try:
            await db.upgrade()
            stats = await rotate_all(db)
        finally:
            await db.dispose()
        print(f"Re-encrypted {stats.total} values under the newest key. Older keys can now be "
              "removed from ENCRYPTION_KEYS.")
        return 0

    return _run_async(main())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="recovery-bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal (SQLite by default)")
    chat.add_argument("--user", default="me", help="who you are; other names are other people")
    chat.add_argument("--jsonl", action="store_true", help="one JSON object per reply")
    chat.set_defaults(handler=cmd_chat)

    run = sub.add_parser("run", help="run on Telegram (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true",
                     help="serve Telegram's webhook, /healthz and /metrics on PORT "
                          "(needs WEBHOOK_URL and WEBHOOK_SECRET)")
    run.set_defaults(handler=cmd_run)

    flows = sub.add_parser("flows", help="check flows or draw them")
    flows_sub = flows.add_subparsers(dest="flows_command", required=True)
    flows_sub.add_parser("check", help="validate every flow and template").set_defaults(
        handler=cmd_flows_check
    )
    graph = flows_sub.add_parser("graph", help="print a Mermaid state diagram of a flow")
    graph.add_argument("flow")
    graph.set_defaults(handler=cmd_flows_graph)

    sub.add_parser(
        "wiring", help="list every action, screen, nudge kind and command the packages add"
    ).set_defaults(handler=cmd_wiring)

    understand = sub.add_parser(
        "understand", help="read lines on stdin, print what kind of thing each says (JSON)")
    understand.add_argument("--locale", default="en")
    understand.set_defaults(handler=cmd_understand)

    train = sub.add_parser("train", help="train a text model from its labelled examples")
    train.add_argument("model", choices=["understanding", "safety"])
    train.add_argument("--locale", default="en")
    train.set_defaults(handler=cmd_train)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(handler=cmd_db_upgrade)

    keys = sub.add_parser("keys", help="encryption keys for what people write")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("new", help="print a new key for ENCRYPTION_KEYS").set_defaults(
        handler=cmd_keys_new
    )
    keys_sub.add_parser(
        "rotate", help="re-encrypt everything under the newest key in ENCRYPTION_KEYS"
    ).set_defaults(handler=cmd_keys_rotate)

    # Domain packages add their own subcommands (`registry.commands(...)` in their wiring.py).
    from bot.composition import compose

    for add_subcommands in compose().subcommands:
        add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `recovery-bot` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings)
    handler: Handler = args.handler
    from bot.errors import ConfigurationError

    try:
        return handler(args, settings)
    except ConfigurationError as exc:
        print(f"Can't start: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
