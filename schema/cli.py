"""The `yibao` command: serve, db upgrade, token, institutions import, schema export.

It assembles the HTTP application, so it lives in the schema layer: core never imports the schema.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from yibao.core.auth import Role, issue_token
from yibao.core.platform import Call, Platform, Settings
from yibao.core.plugins import PluginError

from .cli_args import CliError, existing_file, no_traceback, port, positive_int, read_json


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yibao", description="Guangdong medical-insurance GraphQL platform")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve GraphQL and GraphiQL at /graphql")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=port, default=8000, help="TCP port, 1-65535 (default 8000)")
    serve.add_argument("--workers", type=positive_int("workers"), default=1, help="worker processes (default 1)")
    serve.add_argument("--access-log", action="store_true", help="log every request (off: it costs CPU per request)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create and migrate the database, load reference data")

    token = sub.add_parser("token", help="print a bearer token (signed with the same secret the server uses)")
    token.add_argument("--role", required=True, choices=[r.value for r in Role], help="the token's role")
    token.add_argument("--city", help="city code (institution and agency roles); `yibao cities` style codes as served by the cities query")
    token.add_argument("--person", help="ID number of the person (person and proxy roles)")
    token.add_argument("--ttl", type=positive_int("ttl"), default=3600, help="lifetime in seconds, positive (default 3600)")

    inst = sub.add_parser("institutions", help="institution reference data")
    inst_sub = inst.add_subparsers(dest="inst_command", required=True)
    imp = inst_sub.add_parser("import", help="import institutions from JSON (institutions.json shape) or CSV (.csv)")
    imp.add_argument("file", type=existing_file, help="JSON file (a list, or {\"institutions\": [...]}) or CSV file")
    imp.add_argument("--city", required=True, help="city code the institutions belong to")
    imp.add_argument("--withdraw-missing", action="store_true",
                     help="the file lists all the city's imported institutions: withdraw those imported before and absent now")

    persons = sub.add_parser("persons", help="insured persons")
    persons_sub = persons.add_subparsers(dest="persons_command", required=True)
    pimp = persons_sub.add_parser("import", help="import persons with their dated schemes and selections (JSON)")
    pimp.add_argument("file", type=existing_file, help="JSON file: {\"persons\": [...]}")

    cal = sub.add_parser("calendar", help="the working-day calendar (SC-2)")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    cload = cal_sub.add_parser("load", help="load a year's official holiday schedule (JSON: year, source, holidays, workdays)")
    cload.add_argument("file", type=existing_file, help="JSON file of one year's schedule")

    export = sub.add_parser("schema", help="print the GraphQL SDL")
    export.add_argument("--check", type=Path, help="exit 1 when this file differs from the served schema")

    new = sub.add_parser("new-city", help="write a new city plugin package (outside this repository)")
    new.add_argument("code", help="the city code, e.g. foshan (lower case, digits, _)")
    new.add_argument("--name", required=True, help="the city's Chinese name, e.g. 佛山市")
    new.add_argument("--division", required=True, help="GB/T 2260 division code, 6 digits, e.g. 440600")
    new.add_argument("--dir", type=Path, default=Path("."), help="where to write the package (default: here)")

    docs = sub.add_parser("docs", help="documentation generated from the code")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    dhooks = docs_sub.add_parser("hooks", help="the hook reference of docs/plugins.md, from core/hookspecs.py")
    dhooks.add_argument("--write", type=Path, help="replace the generated section of this file (e.g. docs/plugins.md)")

    return parser


@no_traceback
def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return _run(args, settings)
    except PluginError as exc:  # e.g. a plugin setting of the wrong type: a clear start-up error
        print(f"yibao: cannot start: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "db":
        asyncio.run(_upgrade(settings))
        print("database is at the newest revision; reference data loaded")
        return 0
    if args.command == "token":
        return _token(settings, args)
    if args.command == "institutions":
        _check_city(args.city)
        try:
            count = asyncio.run(_import(settings, args.file, args.city, args.withdraw_missing))
        except (KeyError, TypeError, ValueError) as exc:  # a missing column or a value outside its set
            raise CliError("INVALID_INSTITUTIONS", f"{args.file} 中的机构缺少或有错误的字段：{exc}",
                           f"an institution in {args.file} has a missing or wrong field: {exc}") from None
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
        except (ValueError, UnicodeDecodeError) as exc:
            print(f"INVALID_SCHEDULE: {exc}", file=sys.stderr)
            return 1
        asyncio.run(_load_schedule(settings, schedule))
        print(f"loaded the {schedule.year} schedule: {len(schedule.holidays)} holidays, "
              f"{len(schedule.workdays)} adjusted working days")
        return 0
    if args.command == "new-city":
        return _new_city(args)
    if args.command == "docs":
        from yibao.core import hookdocs

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


def _new_city(args: argparse.Namespace) -> int:
    from yibao.core import scaffold
    from yibao.core.plugins import PluginHost

    city = scaffold.NewCity(code=args.code, name=args.name, division=args.division)
    errors = scaffold.check(city, [c.code for c in PluginHost.load().cities])
    if not errors:
        try:
            target = scaffold.write(city, args.dir)
        except scaffold.ScaffoldError as exc:
            errors = [exc]
    if errors:
        for e in errors:
            print(f"{e.code}: {e.message} ({e.message_en})", file=sys.stderr)
        return 1
    print(f"wrote {target}\nnext: pip install -e \"{target}[test]\" && python -m pytest {target}")
    return 0


def _check_city(city: str | None) -> None:
    """The city must be one a loaded plugin serves (UNKNOWN_CITY otherwise)."""
    if city is not None:
        from yibao.core.plugins import PluginHost

        PluginHost.load().check_city(city)


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from yibao.core import ids
    from yibao.core.auth import secret_source
    from yibao.core.errors import Refused

    _check_city(args.city)
    if args.person is not None:
        errors = ids.check_document(args.person)
        if errors:
            raise Refused([errors[0]])
    role = Role(args.role)
    source = secret_source(settings.database_url)
    token = issue_token(source.secret, role, city=args.city, person=args.person, ttl=args.ttl)
    # Say which secret signed it: a server resolves it the same way only from the same
    # YIBAO_DATABASE_URL in the same folder (or with the same YIBAO_SECRET).
    if source.created:
        print(f"note: made a NEW development secret at {source.origin}; a server already running with "
              "another secret will reject this token (run `yibao token` where you run `yibao serve`, or set "
              "YIBAO_SECRET)", file=sys.stderr)
    else:
        print(f"note: signed with {source.origin}", file=sys.stderr)
    print(token)
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    from yibao.core.platform import ConfigurationError

    try:
        Platform(settings)  # refuses a weak secret in production before anything starts
    except ConfigurationError as exc:
        print(f"CONFIGURATION: {exc}", file=sys.stderr)
        return 2
    asyncio.run(_upgrade(settings))  # the first serve creates and migrates the database
    # uvicorn's access log prints query strings (a GET may carry an ID number): ours (yibao.access) does not.
    # --access-log switches ours on (off by default: a line per request costs CPU).
    log_config = {**uvicorn.config.LOGGING_CONFIG, "loggers": {
        **uvicorn.config.LOGGING_CONFIG["loggers"],
        "yibao": {"handlers": ["default"], "level": "INFO", "propagate": False},
        "yibao.access": {"level": "INFO" if args.access_log else "WARNING"}}}
    workers = getattr(args, "workers", 1) or 1
    if workers > 1:  # N processes, each with its own app built from the same environment
        uvicorn.run("yibao.schema.app:serve_app", factory=True, workers=workers, host=args.host, port=args.port,
                    log_level="info", access_log=False, log_config=log_config)
        return 0
    app = create_app(settings, freeze_gc=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False, log_config=log_config)
    return 0


async def _upgrade(settings: Settings) -> None:
    platform = Platform(settings)
    try:
        await platform.start()
    finally:
        await platform.stop()


async def _import(settings: Settings, path: Path, city: str, withdraw_missing: bool = False) -> int:
    from yibao.core.reference import institution_from_dict, institutions_from_csv

    if path.suffix.lower() == ".csv":
        items = institutions_from_csv(path.read_text("utf-8"), city)
    else:
        raw = read_json(path)
        rows = raw if isinstance(raw, list) else raw.get("institutions") if isinstance(raw, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise CliError("BAD_ARGUMENT", f"{path} 应为机构列表或 {{\"institutions\": [...]}}",
                           f"{path} must hold a list of institutions or {{\"institutions\": [...]}}")
        try:
            items = [institution_from_dict(r, city) for r in rows]
        except (KeyError, TypeError, ValueError) as exc:
            raise CliError("INVALID_INSTITUTIONS", f"{path} 中的机构缺少或有错误的字段：{exc}",
                           f"an institution in {path} has a missing or wrong field: {exc}") from None
    platform = Platform(settings)
    try:
        await platform.start()
        return await platform.institutions.import_institutions(
            city, items, source=f"import:{path.name}"[:40],
            withdraw_missing=platform.clock.today() if withdraw_missing else None)
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
        return await import_persons(platform.db, platform.plugins, Call(operator, platform.clock.today()), read_json(path))
    finally:
        await platform.stop()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
