"""Kaiping's remote-treatment filing rules (seed 003, 异地就医备案办事指南; DOMAIN.md RF-1..6).

The province's rules (seed 002 items 14-19) are the defaults in core/filings/province.py; this
module holds only where seed 003 says something of its own:
  - RF-1 (dated): "我市参保人从2023年7月1日起省内异地临时外出就医无须办理异地就医备案";
  - RF-1 materials in seed 003's wording, as overrides of the catalogue items (yibao_service_item):
    a temporary filing needs only an ID, a referral the referral certificate without the form, a
    stationed worker one of 参保地工作单位派出证明 / 异地工作单位证明 / 工作合同. The province's names
    stay accepted beside Kaiping's (they name the same documents);
  - the insured area: Jiangmen pools its insurance city-wide (KP-3: a selection anywhere in
    Jiangmen), so a destination inside 江门市 is not 异地.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from yibao.core.catalogue.items import LocalRule, MaterialRequirement, ServiceItem
from yibao.core.domain import CityInfo, Person
from yibao.core.filings.domain import FilingRequest, FilingRequirement, FilingType
from yibao.core.hookspecs import hookimpl
from yibao.core.rulesets import RuleSet

CITY = "jiangmen_kaiping"
TEMPORARY_IN_PROVINCE_FREE_FROM = date(2023, 7, 1)
FILING_RULES = RuleSet(
    id="kaiping-filing-2023-07", city=CITY, valid_from=TEMPORARY_IN_PROVINCE_FREE_FROM, valid_to=None,
    source="seed 003: 我市参保人从2023年7月1日起省内异地临时外出就医无须办理异地就医备案",
    rules=("RF-1",),
)
SEED_003 = "seed 003（开平市异地就医备案办事指南）"
IDENTITY_TEXT = "医保电子凭证或有效身份证或社保卡"


@hookimpl
def yibao_insured_region(person: Person, city: CityInfo) -> str:
    return "4407"  # 江门市: city-wide pooling (KP-3); seed 003 speaks of "我市参保人"


@hookimpl
def yibao_filing_required(request: FilingRequest) -> FilingRequirement | None:
    # RF-1 (seed 003, dated): judged as of the day the treatment starts.
    if (request.type is FilingType.TEMPORARY and request.in_province
            and request.start_on >= TEMPORARY_IN_PROVINCE_FREE_FROM):
        return FilingRequirement(
            required=False,
            reason="开平（江门）参保人自2023年7月1日起省内异地临时外出就医无须办理异地就医备案，可直接结算",
            reason_en="since 2023-07-01 insured persons of Kaiping (Jiangmen) need no filing for temporary "
                      "treatment elsewhere in Guangdong; costs are settled directly",
            rule="RF-1")
    return None


def _req(id_: str, text: str, names: tuple[str, ...], like: MaterialRequirement | None = None) -> MaterialRequirement:
    return MaterialRequirement(id_, text, names, like.substitutes if like else (), like.condition if like else None)


def _by_id(item: ServiceItem) -> dict[str, MaterialRequirement]:
    return {m.id: m for m in item.materials}


def _conditional(item: ServiceItem) -> tuple[MaterialRequirement, ...]:
    return tuple(m for m in item.materials if m.condition is not None)


def _identity(item: ServiceItem) -> MaterialRequirement:
    m1 = _by_id(item)["m1"]
    return dataclasses.replace(m1, text=IDENTITY_TEXT)


def _kaiping_materials(item: ServiceItem) -> tuple[MaterialRequirement, ...] | None:
    by_id = _by_id(item)
    form = by_id.get("m2")
    item_no = item.code  # a catalogue item number, not an error code
    if item_no == "GD-14":
        m3 = by_id["m3"]
        return (_identity(item), form, _req("m3", "户口簿首页和本人常住人口登记卡或个人承诺书",  # type: ignore[return-value]
                                            ("户口簿首页和本人常住人口登记卡", *m3.any_of), m3), *_conditional(item))
    if item_no == "GD-15":
        m3 = by_id["m3"]
        return (_identity(item), form, dataclasses.replace(  # type: ignore[return-value]
            m3, text="居住证、居民户口簿（户口簿首页和本人常住人口登记卡）、房产证、就读证明任选其一，或个人承诺书"),
            *_conditional(item))
    if item_no == "GD-16":
        m3 = by_id["m3"]
        return (_identity(item), form, _req(  # type: ignore[return-value]
            "m3", "参保地工作单位派出证明、异地工作单位证明、工作合同任选其一或个人承诺书",
            ("参保地工作单位派出证明", "异地工作单位证明", "工作合同", *m3.any_of), m3), *_conditional(item))
    if item_no == "GD-17":  # no form: ID and the referral certificate
        m3 = by_id["m3"]
        return (_identity(item), _req("m3", "具有转诊资质的定点医疗机构开具的转诊转院证明材料",
                                      ("具有转诊资质的定点医疗机构开具的转诊转院证明材料", *m3.any_of), m3),
                *_conditional(item))
    if item_no == "GD-18":  # 非急诊且未转诊的临时外出就医人员: an ID only
        return (_identity(item), *_conditional(item))
    if item_no == "GD-19":
        return (_identity(item), form, *_conditional(item))  # type: ignore[return-value]
    return None


NOTES = {
    "GD-14": "异地长期备案成功办理后，原则上6个月内不能取消或变更。",
    "GD-15": "异地长期备案成功办理后，原则上6个月内不能取消或变更。",
    "GD-16": "异地长期备案成功办理后，原则上6个月内不能取消或变更。",
    "GD-17": "原则上由符合条件的定点医疗机构办理。",
    "GD-18": "省内可免备案直接结算（我市参保人从2023年7月1日起），跨省异地就医备案有效期为六个月。",
    "GD-19": "目前暂支持省内备案，跨省无法进行异地生育备案。",
}


@hookimpl
def yibao_service_item(item: ServiceItem) -> ServiceItem:
    materials = _kaiping_materials(item)
    if materials is None:
        return item
    rule = LocalRule(city=CITY, text=f"{SEED_003}：{NOTES[item.code]}")
    return dataclasses.replace(item, materials=materials, local_rules=(*item.local_rules, rule))
