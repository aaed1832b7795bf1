"""A change is judged by the rules in force when it takes effect (KP-3, KP-4), through GraphQL on
SQLite and PostgreSQL: a change made in Kaiping's October-December 2022 window takes effect on
1 January 2023 and is judged by the 2023 rules (slots, groups, eligibility), not by today's."""

from __future__ import annotations

from datetime import date

from yibao.core.auth import Actor, Role
from yibao.core.platform import Call
from yibao.core.services.imports import import_persons

from .support import counts, snapshot
from .test_kaiping_rules import A_CHANGSHA, A_SHATANG, B_CENTRAL, codes


async def imported_2022(kaiping, pid: str, scheme: str, code: str) -> dict:
    """A record of 2022, imported as it was (KP-9: the 2022 rules are not public)."""
    payload = {"persons": [{"idNumber": pid, "name": "二〇二二年参保人", "city": "jiangmen_kaiping",
                            "schemes": [{"scheme": scheme, "validFrom": "2022-01-01"}],
                            "selections": [{"institutionCode": code, "slot": "GENERAL", "scheme": scheme,
                                            "effectiveFrom": "2022-03-01"}]}]}
    admin = Call(Actor(role=Role.ADMIN, subject="test"), today=date(2022, 9, 1))
    assert await import_persons(kaiping.client.platform.db, kaiping.client.platform.plugins, admin, payload) == 1
    [record] = await kaiping.selections(pid, on="2022-10-10")
    return record


async def test_kp3_kp4_a_resident_cannot_lock_in_a_level_2_hospital_for_next_year(kaiping, yibao_platform, new_id):
    pid = new_id("440783")
    first = await imported_2022(kaiping, pid, "RESIDENT", A_SHATANG)
    rows, state = await counts(yibao_platform), await snapshot(yibao_platform)
    # in the 2022 window, for 2023: the 2023 rules give residents level 1 or children's institutions only
    body = await kaiping.select(pid, B_CENTRAL, on="2022-10-10", replaces=first["id"])
    assert codes(body) == ["INSTITUTION_NOT_ELIGIBLE"]
    assert "一级及以下" in body["errors"][0]["message"]
    assert await counts(yibao_platform) == rows and await snapshot(yibao_platform) == state
    ok = await kaiping.select(pid, A_CHANGSHA, on="2022-10-10", replaces=first["id"])
    assert ok["errors"] == []
    assert (ok["selection"]["effectiveFrom"], ok["selection"]["slot"]) == ("2023-01-01", "GENERAL")


async def test_kp2_kp4_a_change_for_next_year_fills_next_years_slot(kaiping, new_id):
    pid = new_id("440783")
    first = await imported_2022(kaiping, pid, "EMPLOYEE", A_SHATANG)
    change = (await kaiping.select(pid, B_CENTRAL, on="2022-11-15", replaces=first["id"]))["selection"]
    assert (change["effectiveFrom"], change["slot"]) == ("2023-01-01", "B")  # the 2023 slot, not the record's
