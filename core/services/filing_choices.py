"""RF-4: the outpatient choices a long-term filing carries, resolved against the platform's data.

Where the destination is a city this platform serves, a choice is a designated institution of that
city by its code (checked by the city's data); elsewhere the person writes the institution in the
remarks (seed 003, 温馨提示 2), so a name with its level is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain import InstitutionLevel, SelectionKind
from ..errors import UserError
from ..filings.destinations import region_prefix
from ..filings.domain import Destination, OutpatientChoice
from ..plugins import PluginHost
from ..storage.tables import InstitutionRow


@dataclass(frozen=True, slots=True)
class ChoiceInput:
    """RF-4: an institution at the destination by code, or by name and level (remarks)."""

    institution_code: str | None = None
    name: str | None = None
    level: InstitutionLevel | None = None



async def resolve_choices(session: AsyncSession, plugins: PluginHost, given: tuple[ChoiceInput, ...],
                          destination: Destination | None) -> tuple[list[OutpatientChoice], list[UserError]]:
    """RF-4: codes of a city this platform serves are checked by its data; elsewhere a name and level."""
    served = served_city(plugins, destination)
    out: list[OutpatientChoice] = []
    errors: list[UserError] = []
    field = ("outpatientInstitutionCodes",)
    for choice in given:
        code = (choice.institution_code or "").strip().upper()
        if code:
            inst = await session.scalar(select(InstitutionRow).where(InstitutionRow.code == code))
            if inst is None:
                errors.append(UserError("NOT_FOUND", f"未找到定点医疗机构：{code}", f"institution {code} not found",
                                        field))
            elif destination is not None and (inst.city != served or not inst.division_code.startswith(
                    destination.prefix[:4] if destination.level == "COUNTY" else destination.prefix)):
                errors.append(UserError(
                    "REMOTE_CHOICE_OUTSIDE_DESTINATION", f"{inst.name}不在备案就医地{destination.name}",
                    f"{code} is not an institution of the destination {destination.code}", field))
            elif SelectionKind.GENERAL_OUTPATIENT.value not in (inst.services or ()):
                errors.append(UserError("INSTITUTION_NOT_ELIGIBLE", f"{inst.name}不提供普通门诊定点服务",
                                        f"{code} offers no general-outpatient service", field))
            else:
                out.append(OutpatientChoice(level=InstitutionLevel(inst.level), name=inst.name,
                                            institution_code=inst.code, institution_id=inst.id, city=inst.city))
            continue
        name = (choice.name or "").strip()
        if served is not None:
            errors.append(UserError(
                "INSTITUTION_CODE_REQUIRED", "就医地由本平台服务，请填写定点医疗机构代码",
                "the destination is a city this platform serves: name the institution by its code", field))
        elif not name or choice.level is None or len(name) > 200 or "\x00" in name:
            errors.append(UserError(
                "REMOTE_CHOICE_INVALID", "请填写就医地定点医疗机构的名称（200字以内）及其级别",
                "give the institution's name (at most 200 characters) and its level", field))
        else:
            out.append(OutpatientChoice(level=choice.level, name=name))
    return out, errors

def served_city(plugins: PluginHost, destination: Destination | None) -> str | None:
    """The platform's city whose area holds the destination, if any (RF-4)."""
    if destination is None:
        return None
    for info in plugins.cities:
        region = region_prefix(info.division_code)
        if destination.prefix.startswith(region):
            return info.code
    return None

