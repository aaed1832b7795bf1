"""Root fields over several cities for integrators (issue 12): thin resolvers over
core/services/across.py, which reads each city through its own single-city service."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry
from strawberry.types import Info

from yibao.core.services import across

from .context import ctx
from .permissions import policy_for
from .types import (
    Institution,
    InstitutionConnection,
    InstitutionEdge,
    InstitutionLevel,
    PageInfo,
    Person,
    PersonConnection,
    PersonEdge,
)

CITIES = ("城市代码列表（见 cities 查询），至少一个；结果按城市代码排序，与列出顺序无关，重复的只算一次。"
          "City codes (see the `cities` query), at least one; results are ordered by city code whatever "
          "order they are listed in, and a repeated code counts once.")
AFTER = ("从此游标之后开始（本查询上一页的 pageInfo.endCursor，且城市列表相同）。Start after this cursor (the "
         "previous page's pageInfo.endCursor of this query, with the same cities).")

Cities = Annotated[list[str], strawberry.argument(description=CITIES)]
After = Annotated[Optional[str], strawberry.argument(description=AFTER)]


async def persons_across_cities(info: Info, cities: Cities, first: Optional[int] = None,
                                after: After = None) -> PersonConnection:
    c = ctx(info)
    platform = c.platform
    page = await across.persons_across(platform.persons, platform.plugins, c.call, cities, first, after)
    return PersonConnection(
        edges=[PersonEdge(cursor=cur, node=Person.from_record(r, c.call.today, c.cities))
               for r, cur in zip(page.items, page.cursors)],
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
        _count=lambda: across.count_persons_across(platform.persons, platform.plugins, c.call, cities),
    )


async def institutions_across_cities(
    info: Info, cities: Cities, search: Optional[str] = None, level: Optional[InstitutionLevel] = None,
    category: Optional[str] = None, first: Optional[int] = None, after: After = None,
) -> InstitutionConnection:
    c = ctx(info)
    c.check_request()
    platform = c.platform
    page = await across.institutions_across(platform.institutions, platform.plugins, cities, search=search,
                                            level=level, category=category, first=first, after=after)
    return InstitutionConnection(
        edges=[InstitutionEdge(cursor=cur, node=Institution.from_domain(i, c.cities))
               for i, cur in zip(page.items, page.cursors)],
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
        _count=lambda: across.count_institutions_across(platform.institutions, platform.plugins, cities,
                                                        search=search, level=level, category=category),
    )


persons_field = strawberry.field(
    resolver=persons_across_cities, permission_classes=policy_for("personsAcrossCities"),
    description="多个城市的参保人，合为一个分页列表（按城市代码、再按登记顺序）；每个城市由其本市插件和规则处理，"
                "证件号码按角色遮蔽（ID-2）。供数据对接方和管理员使用。Persons of several cities in one connection "
                "(ordered by city code, then by registration), each city read by its own plugin and rules, ID "
                "numbers masked per role (ID-2). For integrator and admin roles.")

institutions_field = strawberry.field(
    resolver=institutions_across_cities, permission_classes=policy_for("institutionsAcrossCities"),
    description="多个城市的定点医疗机构，合为一个分页列表（按城市代码、再按机构代码）；任何人可查（IN-2）。"
                "Designated institutions of several cities in one connection (ordered by city code, then by "
                "institution code); anyone may read them (IN-2).")
