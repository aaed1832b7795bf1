"""The hot reads as services: the same permissions, masking and pages as Persons/Institutions,
loaded through core/services/reads.py (a constant number of statements, no ORM entities).

The GraphQL fast path (schema/fastpath) and the resolvers may both call these.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import access
from ..domain import Institution, InstitutionLevel, NetworkRef
from ..pagination import Page, after_id, keyed_page, page_request
from . import reads
from .institutions import CJK
from .institutions import CURSOR_KIND as INSTITUTION_CURSOR
from .persons import CURSOR_KIND as PERSON_CURSOR
from .persons import PersonRecord

if TYPE_CHECKING:
    from ..call import Call
    from ..plugins import PluginHost
    from ..storage.database import Database


async def persons_page(db: Database, plugins: PluginHost, call: Call, city: str, first: int | None, after: str | None, *,
                       selections: bool, lists: bool, total: bool) -> Page[PersonRecord]:
    """Persons of a city for listing roles, ID numbers masked per ID-2; one statement (two with total)."""
    access.check_city(call.actor, "query.persons", city)
    plugins.check_city(city)
    request = page_request(first, after, PERSON_CURSOR)
    start = after_id(request)

    async def work(reader: reads.Reader) -> tuple[tuple[list[reads.Folded], bool], int | None]:
        found = await reads.person_page(reader, city, start, request.first, selections=selections, lists=lists)
        count = await reads.count_persons(reader, city) if total else None
        return found, count

    (people, has_next), count = await db.run_read(work)
    actor, shown = call.actor, access.shown_id_number
    records = [PersonRecord(p, shown(actor, p.city, p.id_number), sels) for p, sels in people]
    return keyed_page(records, has_next, PERSON_CURSOR, [p.id for p, _ in people], count)


def institution_query(city: str, town: str | None, level: InstitutionLevel | str | None, category: str | None,
                      search: str | None, include_withdrawn: bool = False,
                      network: NetworkRef | None = None) -> reads.InstitutionQuery:
    term = re.sub(r"[\s']+", "", search or "").lower()
    return reads.InstitutionQuery(city=city, town=town or None,
                                  level=InstitutionLevel(level).value if level else None,
                                  category=category or None, term=term or None, cjk=bool(CJK.search(term)),
                                  include_withdrawn=bool(include_withdrawn),
                                  network=(network.kind.value, network.id) if network is not None else None)


async def institutions_page(db: Database, plugins: PluginHost, q: reads.InstitutionQuery, first: int | None, after: str | None, *,
                            lists: bool, total: bool) -> Page[Institution]:
    """IN-2 search: one statement (two with total)."""
    plugins.check_city(q.city)
    request = page_request(first, after, INSTITUTION_CURSOR)
    found, count = await db.run_read(
        lambda reader: reads.institution_page(reader, q, request.after, request.first + 1, lists=lists, total=total))
    has_next = len(found) > request.first
    del found[request.first:]
    return keyed_page(found, has_next, INSTITUTION_CURSOR, [i.code for i in found], count)


