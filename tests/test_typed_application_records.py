"""Typed application records (issue 13, migration 0006): substitutes used are rows, the time-limit
case and a reviewer's decision are columns, the catalogue's version has its own table; the
migration carries existing data over and back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text

from yibao.core.services.application_records import ReviewDecision, SelectionRequestDetails, SubmissionDetails
from yibao.core.storage import tables
from yibao.core.storage.migrate import alembic_config

from .support import IDENTITY, SHIQI_CENTRE, review, submit

FILING_FORM = "《广东省异地就医登记备案表》"


async def _one(platform, stmt):
    async with platform.db.read() as session:
        return (await session.execute(stmt)).all()


async def test_substitutes_and_decisions_are_stored_typed(zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    body = (await submit(zhongshan, pid, "GD-14", [IDENTITY, FILING_FORM, "个人承诺书"], on="2026-03-02")).data
    app = body["submitApplication"]["application"]
    assert [s["substitute"] for s in app["substitutions"]] == ["个人承诺书"]
    rows = await _one(yibao_platform, select(tables.ApplicationSubstitutionRow.substitute,
                                             tables.ApplicationSubstitutionRow.replaces))
    assert [(r.substitute, r.replaces) for r in rows] == [("个人承诺书", ["居民户口簿（户口簿首页和本人常住人口登记卡）"])]

    rejected = (await review(zhongshan, app["id"], "REJECT", on="2026-03-03", reason="材料不实")).data
    assert rejected["reviewApplication"]["application"]["status"] == "REJECTED"
    events = await _one(yibao_platform, select(tables.ApplicationEventRow.status, tables.ApplicationEventRow.decision)
                        .order_by(tables.ApplicationEventRow.id))
    assert [(e.status, e.decision) for e in events] == [("SUBMITTED", None), ("REJECTED", "REJECT")]


async def test_a_portal_selection_approved_by_review_records_the_decision_and_links_the_selection(
        zhongshan, yibao_platform, new_id):
    pid = new_id()
    await zhongshan.register(pid, on="2026-03-02")
    filed = await zhongshan.select(pid, SHIQI_CENTRE, on="2026-03-02", channel="GD_GOV_PORTAL")  # ZS-6
    assert filed["errors"] == [] and filed["selection"] is None
    apps = await _one(yibao_platform, select(tables.ApplicationRow.id, tables.ApplicationRow.details))
    request = SelectionRequestDetails.from_json(apps[0].details)
    assert (request.institution_code, request.kind.value) == (SHIQI_CENTRE, "GENERAL_OUTPATIENT")
    from yibao.schema.globalid import encode

    approved = (await review(zhongshan, encode("Application", apps[0].id), "APPROVE", on="2026-03-03")).data
    application = approved["reviewApplication"]["application"]
    assert application["status"] == "APPROVED" and application["selectionId"]
    events = await _one(yibao_platform, select(tables.ApplicationEventRow.decision).order_by(tables.ApplicationEventRow.id))
    assert [e.decision for e in events] == [None, "APPROVE"]


def test_submission_details_are_typed_at_the_boundary():
    details = SubmissionDetails.from_json({"facts": ["proxy", 3], "firstPayment": True, "case": "个人账户申办",
                                           "unknown": {"x": 1}})
    assert details == SubmissionDetails(facts=("proxy",), proxy=False, first_payment=True, case="个人账户申办")
    assert SubmissionDetails.from_json({"facts": "proxy", "case": "  "}) == SubmissionDetails()
    assert ReviewDecision("RETURN") is ReviewDecision.RETURN


async def test_the_catalogue_version_is_not_a_city(yibao_platform):
    cities = await _one(yibao_platform, select(tables.ReferenceVersionRow.city))
    assert {c.city for c in cities} <= {c.code for c in yibao_platform.plugins.cities}
    assert len(await _one(yibao_platform, select(tables.CatalogueVersionRow.digest))) == 1


def test_migration_0006_carries_data_over_and_back(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    before = ScriptDirectory.from_config(alembic_config()).get_revision("0006").down_revision

    def migrate(fn, target):
        with engine.begin() as conn:
            fn(alembic_config(conn), target)

    migrate(command.upgrade, before)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO persons (id, id_number, document_type, name, city, insured_since, created_at, "
                          "created_by) VALUES (1, '442000199001011233', 'RESIDENT_ID', '张三', 'zhongshan', :d, :t, 'x')"),
                     {"d": date(2026, 1, 1), "t": now})
        conn.execute(text(
            "INSERT INTO applications (id, person_id, city, item_code, channel, status, submitted_on, details, "
            "created_at, created_by, materials, facts, substitutions, calendar_fallback) VALUES (7, 1, 'zhongshan', "
            "'GD-02-3', 'WINDOW', 'SUBMITTED', :d, :details, :t, 'x', '[]', '[]', :subs, 0)"),
            {"d": date(2026, 3, 2), "t": now, "details": json.dumps({"case": "个人账户申办"}),
             "subs": json.dumps([{"requirement": "m3", "substitute": "个人承诺书", "consequence": None,
                                  "replaces": ["居民户口簿"]}], ensure_ascii=False)})
        conn.execute(text("INSERT INTO reference_versions (city, digest, loaded_at) VALUES ('__catalogue__', 'abc', :t)"),
                     {"t": now})

    migrate(command.upgrade, "0006")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT time_limit_case FROM applications")).scalar() == "个人账户申办"
        subs = conn.execute(text("SELECT application_id, position, requirement, substitute, replaces "
                                 "FROM application_substitutions")).all()
        assert [tuple(r[:4]) + (json.loads(r[4]),) for r in subs] == [(7, 0, "m3", "个人承诺书", ["居民户口簿"])]
        assert conn.execute(text("SELECT count(*) FROM reference_versions")).scalar() == 0
        assert conn.execute(text("SELECT digest FROM catalogue_versions")).scalar() == "abc"

    migrate(command.downgrade, before)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT details, substitutions FROM applications")).one()
        assert json.loads(row.details) == {"case": "个人账户申办"}
        assert json.loads(row.substitutions) == [{"requirement": "m3", "substitute": "个人承诺书", "consequence": None,
                                                  "replaces": ["居民户口簿"]}]
        assert conn.execute(text("SELECT city, digest FROM reference_versions")).one() == ("__catalogue__", "abc")
    engine.dispose()
