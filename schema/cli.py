"""The `yibao` command: serve, db upgrade, token, institutions import, schema export.

It assembles the HTTP application, so it lives in the schema layer: core never imports the schema.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from yibao.core.auth import Role, issue_token
from yibao.core.platform import Call, Platform, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yibao", description="Guangdong medical-insurance GraphQL platform")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve GraphQL and GraphiQL at /graphql")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create and migrate the database, load reference data")

    token = sub.add_parser("token", help="print a bearer token")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--city")
    token.add_argument("--person", help="ID number of the person (person and proxy roles)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds (default 3600)")

    inst = sub.add_parser("institutions", help="institution reference data")
    inst_sub = inst.add_subparsers(dest="inst_command", required=True)
    imp = inst_sub.add_parser("import", help="import institutions from a JSON file (institutions.json shape)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--city", required=True)

    persons = sub.add_parser("persons", help="insured persons")
    persons_sub = persons.add_subparsers(dest="persons_command", required=True)
    pimp = persons_sub.add_parser("import", help="import persons with their dated schemes and selections (JSON)")
    pimp.add_argument("file", type=Path)

    cal = sub.add_parser("calendar", help="the working-day calendar (SC-2)")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    cload = cal_sub.add_parser("load", help="load a year's official holiday schedule (JSON: year, source, holidays, workdays)")
    cload.add_argument("file", type=Path)

    export = sub.add_parser("schema", help="print the GraphQL SDL")
    export.add_argument("--check", type=Path, help="exit 1 when this file differs from the served schema")

    docs = sub.add_parser("docs", help="documentation generated from the code")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    dhooks = docs_sub.add_parser("hooks", help="the hook reference of docs/plugins.md, from core/hookspecs.py")
    dhooks.add_argument("--write", type=Path, help="replace the generated section of this file (e.g. docs/plugins.md)")

    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "db":
        asyncio.run(_upgrade(settings))
        print("database is at the newest revision; reference data loaded")
        return 0
    if args.command == "token":
        from yibao.core.auth import resolve_secret

        secret = settings.secret or resolve_secret(settings.database_url)
        print(issue_token(secret, Role(args.role), city=args.city, person=args.person, ttl=args.ttl))
        return 0
    if args.command == "institutions":
        count = asyncio.run(_import(settings, args.file, args.city))
        print(f"imported {count} institutions into {args.city}")
        return 0
    if args.command == "persons":
        from yibao.core.errors import Refused

        try:
            count = asyncio.run(_import_persons(settings, args.file))
        except Refused as refused:
            for e in refused.errors:
                print(f"{e.code} {'/'.join(e.field or ())}: {e.message} ({e.message_en})", file=sys.stderr)
            return 1
        print(f"imported {count} persons")
        return 0
    if args.command == "calendar":
        from yibao.core.catalogue.calendar import parse_schedule

        try:
            schedule = parse_schedule(args.file.read_text("utf-8"))
        except ValueError as exc:
            print(f"INVALID_SCHEDULE: {exc}", file=sys.stderr)
            return 1
        asyncio.run(_load_schedule(settings, schedule))
        print(f"loaded the {schedule.year} schedule: {len(schedule.holidays)} holidays, "
              f"{len(schedule.workdays)} adjusted working days")
        return 0
    if args.command == "docs":
        from . import hookdocs

        if args.write:
            hookdocs.write(args.write)
            print(f"wrote the hook reference into {args.write}")
        else:
            sys.stdout.write(hookdocs.render())
        return 0
    if args.command == "schema":
        from .build import schema

        sdl = schema.as_str() + "\n"
        if args.check:
            if not args.check.exists() or args.check.read_text("utf-8") != sdl:
                print(f"{args.check} is stale: run `yibao schema > {args.check}`", file=sys.stderr)
                return 1
            return 0
        sys.stdout.write(sdl)
        return 0
    return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    asyncio.run(_upgrade(settings))  # the first serve creates and migrates the database
    app = create_app(settings, freeze_gc=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


async def _upgrade(settings: Settings) -> None:
    platform = Platform(settings)
    try:
        await platform.start()
    finally:
        await platform.stop()


async def _import(settings: Settings, path: Path, city: str) -> int:
    from yibao.core.reference import institution_from_dict

    raw = json.loads(path.read_text("utf-8"))
    platform = Platform(settings)
    try:
        await platform.start()
        rows = raw if isinstance(raw, list) else raw.get("institutions", [])
        items = [institution_from_dict(r, city) for r in rows]
        return await platform.institutions.import_institutions(city, items, source=f"import:{path.name}")
    finally:
        await platform.stop()


async def _load_schedule(settings: Settings, schedule) -> None:  # type: ignore[no-untyped-def]
    from yibao.core.auth import Actor

    platform = Platform(settings)
    try:
        await platform.start()
        operator = Actor(role=Role.ADMIN, subject="cli-calendar")  # the operator at the console
        await platform.catalogue.load_schedule(Call(operator, platform.clock.today()), schedule)
    finally:
        await platform.stop()


async def _import_persons(settings: Settings, path: Path) -> int:
    from yibao.core.auth import Actor
    from yibao.core.services.imports import import_persons

    platform = Platform(settings)
    try:
        await platform.start()
        operator = Actor(role=Role.ADMIN, subject="cli-import")  # the operator at the console
        return await import_persons(platform.db, platform.plugins, Call(operator, platform.clock.today()), json.loads(path.read_text("utf-8")))
    finally:
        await platform.stop()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
