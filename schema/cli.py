"""The `yibao` command: serve, db upgrade, token, institutions and agencies import, export, schema.

It assembles the HTTP application, so it lives in the schema layer: core never imports the schema.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import jwt

from yibao.core.auth import Role, issue_token
from yibao.core.platform import Call, Platform, Settings
from yibao.core.plugins import PluginError
from yibao.core.settings import SettingsError

from .cli_args import CliError, existing_file, iso_date, no_traceback, port, positive_int, read_json


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
    imp = inst_sub.add_parser("import", help="import institutions from JSON (institutions.json shape), CSV or XLSX "
                              "as bureaus publish them (headers 机构编码, 机构名称, 等级, 类别, 镇街 … or code, name, …)")
    imp.add_argument("file", type=existing_file, help=".json (a list, or {\"institutions\": [...]}), .csv or .xlsx file")
    imp.add_argument("--city", required=True, help="city code the institutions belong to")
    imp.add_argument("--encoding", help="the CSV's encoding (default: UTF-8 with or without BOM, else GBK)")
    imp.add_argument("--full", action="store_true",
                     help="the file is the city's complete list: withdraw every current institution of the city it leaves out")
    imp.add_argument("--withdraw-missing", action="store_true",
                     help="the file lists all the city's imported institutions: withdraw those imported before and absent now")

    agencies = sub.add_parser("agencies", help="insurance agencies and service points (经办机构, IN-3)")
    agencies_sub = agencies.add_subparsers(dest="agencies_command", required=True)
    aimp = agencies_sub.add_parser("import", help="import agencies from JSON, CSV or XLSX (名称, 类型, 镇街, 办公时间, 电话)")
    aimp.add_argument("file", type=existing_file, help=".json (a list, or {\"agencies\": [...]}), .csv or .xlsx file")
    aimp.add_argument("--city", required=True, help="city code the agencies belong to")
    aimp.add_argument("--encoding", help="the CSV's encoding (default: UTF-8 with or without BOM, else GBK)")

    persons = sub.add_parser("persons", help="insured persons")
    persons_sub = persons.add_subparsers(dest="persons_command", required=True)
    pimp = persons_sub.add_parser("import", help="import persons with their dated schemes and selections (JSON)")
    pimp.add_argument("file", type=existing_file, help="JSON file: {\"persons\": [...]}")

    out = sub.add_parser("export", help="stream a city's records as NDJSON or CSV (the data of GET /export/KIND)")
    out.add_argument("kind", choices=["institutions", "persons", "selections", "filings", "applications"],
                     help="what to export")
    out.add_argument("--city", required=True, help="city code")
    out.add_argument("--format", default="ndjson", choices=["ndjson", "csv"], help="ndjson (default) or csv")
    out.add_argument("--from", dest="since", type=iso_date, help="first day (YYYY-MM-DD) of the records' date")
    out.add_argument("--to", dest="until", type=iso_date, help="last day (YYYY-MM-DD) of the records' date")
    out.add_argument("--output", type=Path, help="write to this file (default: standard output)")
    out.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM so Excel reads Chinese correctly")
    out.add_argument("--token", help="export as this bearer token's role (ID numbers shown as the API shows them to "
                                     "it); default: the operator as admin (ID numbers masked)")
    out.add_argument("--progress", type=positive_int("progress"), default=10_000,
                     help="print a progress line on stderr every N rows (default 10000)")

    cal = sub.add_parser("calendar", help="the working-day calendar (SC-2)")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    cload = cal_sub.add_parser("load", help="load a year's official holiday schedule (JSON: year, source, holidays, workdays)")
    cload.add_argument("file", type=existing_file, help="JSON file of one year's schedule")

    revoke = sub.add_parser("revoke", help="revoke a bearer token, or every token of a subject, before it expires")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--token", help="the token itself (its id and expiry are read from it)")
    which.add_argument("--jti", help="the token's id (printed by `yibao token`)")
    which.add_argument("--subject", help="every token of this subject issued up to now (printed by `yibao token`)")
    revoke.add_argument("--reason", help="why (kept with the revocation)")

    export = sub.add_parser("schema", help="print the GraphQL SDL")
    export.add_argument("--check", type=Path, help="exit 1 when this file differs from the served schema")
    export.add_argument("--federation", action="store_true",
                        help="the Apollo Federation v2 subgraph's SDL (served with YIBAO_FEDERATION=1)")

    new = sub.add_parser("new-city", help="write a new city plugin package (outside this repository)")
    new.add_argument("code", help="the city code, e.g. foshan (lower case, digits, _)")
    new.add_argument("--name", required=True, help="the city's Chinese name, e.g. 佛山市")
    new.add_argument("--division", required=True, help="GB/T 2260 division code, 6 digits, e.g. 440600")
    new.add_argument("--dir", type=Path, default=Path("."), help="where to write the package (default: here)")

    docs = sub.add_parser("docs", help="documentation generated from the code")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    dhooks = docs_sub.add_parser("hooks", help="the hook reference of docs/plugins.md, from core/hookspecs.py")
    dhooks.add_argument("--write", type=Path, help="replace the generated section of this file (e.g. docs/plugins.md)")
    dperm = docs_sub.add_parser("permissions", help="the permission matrix docs/permissions.md, from core/policy.py")
    dperm.add_argument("--write", type=Path, help="write the matrix to this file (e.g. docs/permissions.md)")

    return parser


@no_traceback
def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:  # e.g. a pooler without a direct URL for LISTEN
        print(f"yibao: cannot start: {exc}", file=sys.stderr)
        return 2
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
    if args.command == "revoke":
        print(asyncio.run(_revoke(settings, args)))
        return 0
    if args.command in ("institutions", "agencies"):
        _check_city(args.city)
        full = getattr(args, "full", False)
        result = asyncio.run(_import(settings, args.command, args.file, args.city, encoding=args.encoding, full=full,
                                     withdraw_missing=getattr(args, "withdraw_missing", False)))
        print(f"imported {result.count} {args.command} into {args.city} ({result.summary()})")
        return 0
    if args.command == "export":
        _check_city(args.city)
        return asyncio.run(_export(settings, args))
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
    if args.command == "docs" and args.docs_command == "permissions":
        from yibao.core import policydocs

        if args.write:
            policydocs.write(args.write)
            print(f"wrote the permission matrix into {args.write}")
        else:
            sys.stdout.write(policydocs.render())
        return 0
    if args.command == "docs":
        from yibao.core import hookdocs

        if args.write:
            hookdocs.write(args.write)
            print(f"wrote the hook reference into {args.write}")
        else:
            sys.stdout.write(hookdocs.render())
        return 0
    if args.command == "schema":
        from .build import served_schema

        sdl = served_schema(args.federation).as_str() + "\n"
        if args.check:
            if not args.check.exists() or args.check.read_text("utf-8") != sdl:
                flag = " --federation" if args.federation else ""
                print(f"{args.check} is stale: run `yibao schema{flag} > {args.check}`", file=sys.stderr)
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
    token = issue_token(source.secret, role, city=args.city, person=args.person, ttl=args.ttl,
                        max_ttl=settings.max_token_ttl)
    # Say which secret signed it: a server resolves it the same way only from the same
    # YIBAO_DATABASE_URL in the same folder (or with the same YIBAO_SECRET).
    if source.created:
        print(f"note: made a NEW development secret at {source.origin}; a server already running with "
              "another secret will reject this token (run `yibao token` where you run `yibao serve`, or set "
              "YIBAO_SECRET)", file=sys.stderr)
    else:
        print(f"note: signed with {source.origin}", file=sys.stderr)
    claims = jwt.decode(token, options={"verify_signature": False})
    print(f"note: token id (jti) {claims['jti']}, subject {claims['sub']}; revoke with "
          f"`yibao revoke --jti {claims['jti']}` or `yibao revoke --subject {claims['sub']}`", file=sys.stderr)
    print(token)
    return 0


async def _revoke(settings: Settings, args: argparse.Namespace) -> str:
    """core/revocations.py: the operator at the console revokes as admin (core/policy.py cli.revokeToken)."""
    from yibao.core.auth import Actor, secret_source
    from yibao.core.errors import BadArgument

    platform = Platform(settings)
    try:
        await platform.start()
        call = Call(Actor(role=Role.ADMIN, subject="cli-revoke"), platform.clock.today())
        if args.subject:
            await platform.revocations.revoke_subject(call, args.subject, args.reason)
            return f"revoked every token of subject {args.subject} issued up to now"
        jti, expires = args.jti, None
        if args.token:
            try:
                claims = jwt.decode(args.token.strip(), secret_source(settings.database_url).secret,
                                    algorithms=["HS256"], options={"verify_exp": False})
            except jwt.InvalidTokenError:
                raise BadArgument("令牌无效（签名不符）", "not a token this server signed", "INVALID_TOKEN") from None
            if "jti" not in claims:
                raise BadArgument("该令牌没有 jti，请按 --subject 吊销", "this token has no jti: revoke its --subject",
                                  "INVALID_TOKEN")
            jti, expires = claims["jti"], int(claims["exp"])
        await platform.revocations.revoke_token(call, jti, expires, args.reason)
        return f"revoked token {jti}"
    finally:
        await platform.stop()


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


def _read_table(kind: str, path: Path, encoding: str | None):  # type: ignore[no-untyped-def]
    from yibao.core import tabular
    from yibao.core.services.bulk_import import AGENCY_COLUMNS, INSTITUTION_COLUMNS

    aliases, key = (INSTITUTION_COLUMNS, "code") if kind == "institutions" else (AGENCY_COLUMNS, "name")
    try:
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raw = read_json(path)
            rows = raw if isinstance(raw, list) else raw.get(kind) if isinstance(raw, dict) else None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise CliError("BAD_ARGUMENT", f"{path} 应为列表或 {{\"{kind}\": [...]}}",
                               f"{path} must hold a list of {kind} or {{\"{kind}\": [...]}}")
            return tabular.from_records(rows, aliases)
        return tabular.read_file(path, aliases, key, encoding)
    except tabular.TableError as exc:
        raise CliError("BAD_ARGUMENT", f"{path}：{exc.zh}", f"{path}: {exc.en}") from None


async def _import(settings: Settings, kind: str, path: Path, city: str, *, encoding: str | None = None,
                  full: bool = False, withdraw_missing: bool = False):  # type: ignore[no-untyped-def]
    """Issue 12: every row checked, then all written in one transaction or nothing (a report of every bad row)."""
    from yibao.core.auth import Actor
    from yibao.core.services import bulk_import

    table = _read_table(kind, path, encoding)
    platform = Platform(settings)
    try:
        await platform.start()
        call = Call(Actor(role=Role.ADMIN, subject="cli-import"), platform.clock.today())  # the operator at the console
        try:
            if kind == "institutions":
                return await bulk_import.import_institutions(
                    platform.db, platform.plugins, call, city, table, source=f"import:{path.name}"[:40],
                    full=full, withdraw_imported=withdraw_missing)
            return await bulk_import.import_agencies(platform.db, platform.plugins, call, city, table)
        except bulk_import.BadRows as bad:
            code = "INVALID_INSTITUTIONS" if kind == "institutions" else "INVALID_AGENCIES"
            raise CliError(code, f"{path} 中 {bad.rows} 行有缺少或错误的字段，未写入任何数据",
                           f"{bad.rows} rows of {path} have a missing or wrong field; nothing was written",
                           tuple(p.line() for p in bad.problems)) from None
    finally:
        await platform.stop()


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    """Issue 12: the rows stream from the database to the file (or stdout) a chunk at a time; a
    progress line on stderr every `--progress` rows; a file is written beside and renamed when complete."""
    from yibao.core.auth import Actor, actor_from_header
    from yibao.core.services import exports

    platform = Platform(settings)
    try:
        await platform.start()
        actor = (actor_from_header(platform.secret, f"Bearer {args.token}") if args.token
                 else Actor(role=Role.ADMIN, subject="cli-export"))  # the operator at the console
        job = exports.open_export(platform.db, platform.plugins, Call(actor, platform.clock.today()), args.kind,
                                  args.city, args.since, args.until)
        count = 0
        tty = sys.stderr.isatty()
        cr, nl = ("\r", "") if tty else ("", "\n")  # on a terminal the progress line rewrites itself

        async def counted():  # type: ignore[no-untyped-def]
            nonlocal count
            async for row in job.rows():
                count += 1
                if count % args.progress == 0:
                    print(f"{cr}exported {count} {args.kind} …", end=nl, file=sys.stderr, flush=True)
                yield row

        partial = args.output.with_name(args.output.name + ".part") if args.output else None
        sink = partial.open("wb") if partial else sys.stdout.buffer
        try:
            async for chunk in exports.encode(job, args.format, bom=args.bom, rows=counted()):
                sink.write(chunk)
        finally:
            if partial:
                sink.close()
        if partial:
            partial.replace(args.output)
        sys.stdout.flush()
        where = f" to {args.output}" if args.output else ""
        print(f"{cr}exported {count} {args.kind} of {args.city}{where}", file=sys.stderr)
        return 0
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
