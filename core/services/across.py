"""Queries over several cities for integrators (issue 12): one connection, each city read through
its own single-city service.

Every city is dispatched on its own: `Persons.page` / `Institutions.search` for that city alone,
so its access checks, its plugin's city check and ID-2 masking apply exactly as in a single-city
query (a style rule: three cities asked are three dispatches, never one plugin guessing).

Order: by city code, then by the single-city connection's own key (persons by id, institutions
by code). The cities are deduplicated and sorted, so the order does not depend on how the caller
lists them. A cursor carries the city and the key of the last row seen (`city:key`); the next
page continues in that city after that key, then in the following cities from their start, so a
page may end in one city and the next begin in another with no row lost or repeated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from .. import policy
from ..call import Call
from ..domain import Institution, InstitutionLevel
from ..errors import BadArgument
from ..pagination import Page, encode_cursor, page_request
from ..plugins import PluginHost
from .institutions import CURSOR_KIND as INSTITUTION_CURSOR
from .institutions import Institutions
from .persons import CURSOR_KIND as PERSON_CURSOR
from .persons import PersonRecord, Persons

T = TypeVar("T")

PERSONS_ACROSS_CURSOR = "persons-across"
INSTITUTIONS_ACROSS_CURSOR = "institutions-across"

CityPage = Callable[[str, int, "str | None"], Awaitable[Page[T]]]
"""(city, first, the single-city connection's `after` cursor or None) -> that city's page."""


def city_order(plugins: PluginHost, cities: Sequence[str]) -> list[str]:
    """The cities asked for, each checked (UNKNOWN_CITY before anything is read), deduplicated and
    sorted by code: the connection's order."""
    if not cities:
        raise BadArgument("cities 不能为空：请至少给出一个城市代码", "`cities` may not be empty: name at least one city")
    for city in cities:
        plugins.check_city(city)
    return sorted(set(cities))


async def merged_page(order: list[str], first: int | None, after: str | None, kind: str, inner_kind: str,
                      fetch: CityPage[T], key_of: Callable[[T], object]) -> Page[tuple[str, T]]:
    """One page over the cities in `order`: (city, item) pairs with `kind` cursors."""
    request = page_request(first, after, kind)
    start = 0
    inner_after: str | None = None
    if request.after is not None:
        city, sep, key = request.after.partition(":")
        if not sep or not key or city not in order:
            raise BadArgument("after 游标无效：它不属于这些城市的列表",
                              "the `after` cursor was not issued for this list of cities", "INVALID_CURSOR")
        start, inner_after = order.index(city), encode_cursor(inner_kind, key)
    items: list[tuple[str, T]] = []
    has_next = False
    for city in order[start:]:
        remaining = request.first - len(items)
        if remaining == 0:
            # the page is full: one row in any later city means there is a next page
            if (await fetch(city, 1, None)).items:
                has_next = True
                break
            continue
        page = await fetch(city, remaining, inner_after if city == order[start] else None)
        items.extend((city, item) for item in page.items)
        if page.has_next:
            has_next = True
            break
    cursors = [encode_cursor(kind, f"{city}:{key_of(item)}") for city, item in items]
    return Page(items, cursors, has_next)


async def persons_across(persons: Persons, plugins: PluginHost, call: Call, cities: Sequence[str],
                         first: int | None, after: str | None) -> Page[PersonRecord]:
    """Persons of several cities for integrator and admin roles, each city's page read (and its
    ID numbers masked, ID-2) by the single-city service."""
    policy.require(call.actor, "query.personsAcrossCities")
    order = city_order(plugins, cities)

    def fetch(city: str, n: int, inner: str | None) -> Awaitable[Page[PersonRecord]]:
        return persons.page(call, city, n, inner)

    page = await merged_page(order, first, after, PERSONS_ACROSS_CURSOR, PERSON_CURSOR, fetch,
                             lambda rec: rec.person.id)
    return Page([rec for _, rec in page.items], page.cursors, page.has_next)


async def count_persons_across(persons: Persons, plugins: PluginHost, call: Call, cities: Sequence[str]) -> int:
    policy.require(call.actor, "query.personsAcrossCities")
    return sum([await persons.count(call, city) for city in city_order(plugins, cities)])


async def institutions_across(institutions: Institutions, plugins: PluginHost, cities: Sequence[str], *,
                              search: str | None, level: InstitutionLevel | None, category: str | None,
                              first: int | None, after: str | None) -> Page[Institution]:
    """IN-2 search over several cities (reference data: anyone may read it)."""
    order = city_order(plugins, cities)

    def fetch(city: str, n: int, inner: str | None) -> Awaitable[Page[Institution]]:
        return institutions.search(city, level=level, category=category, search=search, first=n, after=inner)

    page = await merged_page(order, first, after, INSTITUTIONS_ACROSS_CURSOR, INSTITUTION_CURSOR, fetch,
                             lambda i: i.code)
    return Page([i for _, i in page.items], page.cursors, page.has_next)


async def count_institutions_across(institutions: Institutions, plugins: PluginHost, cities: Sequence[str], *,
                                    search: str | None, level: InstitutionLevel | None, category: str | None) -> int:
    return sum([await institutions.count(city, level=level, category=category, search=search)
                for city in city_order(plugins, cities)])
