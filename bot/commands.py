"""Service-side commands of `python -m bot`: serve, and managing agent and admin tokens."""

from __future__ import annotations

import argparse
import os

from bot.config import load_settings
from bot.storage.api_tokens import TokenStore
from bot.storage.db import Database


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate the database, then serve HTTP and WebSocket with uvicorn."""
    import uvicorn

    if args.config:
        os.environ["BOT_CONFIG"] = str(args.config)
    settings = load_settings()
    Database(settings.storage.database_url).migrate()   # once here, before any worker starts
    host = args.host or settings.service.host
    port = args.port or settings.service.port
    print(f"serving on http://{host}:{port}/ (API docs at /docs)", flush=True)
    uvicorn.run("bot.service.factory:app_from_env", factory=True, host=host, port=port, workers=args.workers,
                log_config=None, access_log=False, ws_max_size=settings.service.max_body_bytes)
    return 0


def _tokens(args: argparse.Namespace) -> TokenStore:
    database = Database(load_settings(args.config).storage.database_url)
    database.migrate()
    return TokenStore(database)


def cmd_tokens(args: argparse.Namespace) -> int:
    """create / list / revoke agent or admin tokens; `create` prints the token on its last line."""
    store = _tokens(args)
    if args.action == "create":
        principal, token = store.create(args.name, args.role)
        print(f"created {principal.role} token #{principal.id} for {principal.name}; it is shown only once:")
        print(token)
    elif args.action == "list":
        for principal in store.list(args.role):
            state = "revoked" if principal.revoked else "active"
            print(f"{principal.id}\t{principal.name}\t{principal.role}\t{state}\t{principal.created_at:%Y-%m-%d}")
    else:
        count = store.revoke(args.name, args.role)
        print(f"revoked {count} token(s) of {args.name}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `serve`, `agents` and `admins` to the `python -m bot` parser."""
    serve = sub.add_parser("serve", help="serve the chat API, WebSocket and widget")
    serve.add_argument("--host", help="address to bind (default: service.host)")
    serve.add_argument("--port", type=int, help="port (default: $PORT or service.port)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.set_defaults(func=cmd_serve)
    for name, role in (("agents", "agent"), ("admins", "admin")):
        group = sub.add_parser(name, help=f"manage {role} tokens")
        group.set_defaults(func=cmd_tokens, role=role)
        actions = group.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=f"create an {role} token (printed on the last line)")
        create.add_argument("name")
        actions.add_parser("list", help=f"list {role} tokens")
        revoke = actions.add_parser("revoke", help=f"revoke an {role}'s tokens")
        revoke.add_argument("name", help="name or token id")
