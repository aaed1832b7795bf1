"""Reference data of the Zhongshan and Shenzhen plugins (IN-1, ZS-5, ZS-7, SZ-5)."""
import json
import re
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
CODE_RE = re.compile(r"^H\d{11}$")
LEVELS = {"LEVEL_1_OR_BELOW", "LEVEL_2", "LEVEL_3"}
SERVICES = {"GENERAL_OUTPATIENT", "SPECIAL_DISEASE", "PRENATAL", "REMOTE"}

# ZS-7: the 23 镇街 and their 2023 codes (442000 + 3 digits).
ZS_7 = {
    "石岐街道": "442000001", "东区街道": "442000002", "中山港街道": "442000003",
    "西区街道": "442000004", "南区街道": "442000005", "五桂山街道": "442000006",
    "民众街道": "442000007", "南朗街道": "442000008",
    "黄圃镇": "442000101", "东凤镇": "442000103", "古镇镇": "442000105", "沙溪镇": "442000106",
    "坦洲镇": "442000107", "港口镇": "442000108", "三角镇": "442000109", "横栏镇": "442000110",
    "南头镇": "442000111", "阜沙镇": "442000112", "三乡镇": "442000114", "板芙镇": "442000115",
    "大涌镇": "442000116", "神湾镇": "442000117", "小榄镇": "442000118",
}

# SZ-5: Shenzhen's districts; 大鹏新区 carries the insurance region code 440343.
SZ_5 = {
    "罗湖区": "440303", "福田区": "440304", "南山区": "440305", "宝安区": "440306",
    "龙岗区": "440307", "盐田区": "440308", "龙华区": "440309", "坪山区": "440310",
    "光明区": "440311", "大鹏新区": "440343",
}


def load(city, name):
    return json.loads((PLUGINS / city / "data" / name).read_text(encoding="utf-8"))


def institutions(city):
    doc = load(city, "institutions.json")
    assert doc["city"] == city
    assert doc["source"] and doc["completeness_note"]
    return doc["institutions"]


def by_name(insts):
    return {i["name"]: i for i in insts}


# --- Zhongshan -----------------------------------------------------------------

def test_zhongshan_has_exactly_the_23_towns_of_zs7():
    towns = load("zhongshan", "towns.json")["towns"]
    assert len(towns) == 23
    assert {t["name"]: t["code"] for t in towns} == ZS_7
    for t in towns:
        assert t["kind"] in {"街道", "镇"}
        assert t["name"] == t["short"] + t["kind"]
    assert sum(t["kind"] == "街道" for t in towns) == 8


def test_zhongshan_shiqi_centre_and_town_hospital_from_seed_000():
    insts = by_name(institutions("zhongshan"))
    centre = insts["中山市石岐街道社区卫生服务中心"]
    assert centre["town"] == "石岐街道"
    assert centre["category"] == "社区卫生服务中心"
    assert centre["level"] == "LEVEL_1_OR_BELOW"
    hospital = insts["中山市苏华赞医院"]
    assert hospital["town"] == "石岐街道"
    assert "镇街医院" in hospital["tags"]


def test_zhongshan_every_town_has_its_community_centre():
    insts = institutions("zhongshan")
    centres = {i["town"] for i in insts if i["category"] == "社区卫生服务中心"}
    assert centres == set(ZS_7)


def test_zhongshan_at_most_one_town_hospital_per_town():
    towns = [i["town"] for i in institutions("zhongshan") if "镇街医院" in i["tags"]]
    assert len(towns) == len(set(towns))
    assert None not in towns


def test_zhongshan_institution_towns_are_among_the_23():
    for inst in institutions("zhongshan"):
        assert inst["town"] is None or inst["town"] in ZS_7, inst["name"]


def test_zhongshan_codes_unique_and_well_formed():
    codes = [i["code"] for i in institutions("zhongshan")]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert CODE_RE.match(code), code


def test_zhongshan_boai_keeps_its_national_code():
    insts = {i["code"]: i for i in institutions("zhongshan")}
    assert insts["H44200100009"]["name"] == "中山市博爱医院"
    assert insts["H44200100009"]["code_source"] == "domain"


def test_zhongshan_enums_are_valid():
    for inst in institutions("zhongshan"):
        assert inst["level"] in LEVELS
        assert set(inst["services"]) <= SERVICES
        assert inst["code_source"] in {"domain", "assigned"}
        assert inst["confidence"] in {"seed", "high", "medium"}


# --- Shenzhen ------------------------------------------------------------------

def test_shenzhen_has_the_10_districts_of_sz5():
    towns = load("shenzhen", "towns.json")["towns"]
    assert len(towns) == 10
    assert {t["name"]: t["code"] for t in towns} == SZ_5
    assert [t["name"] for t in towns if t["kind"] == "新区"] == ["大鹏新区"]


def test_shenzhen_institution_towns_are_districts():
    insts = institutions("shenzhen")
    assert insts
    for inst in insts:
        assert inst["town"] in SZ_5, inst["name"]
        assert inst["division_code"] == SZ_5[inst["town"]]


def test_shenzhen_codes_unique_and_well_formed():
    codes = [i["code"] for i in institutions("shenzhen")]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert CODE_RE.match(code), code


def test_shenzhen_enums_are_valid():
    for inst in institutions("shenzhen"):
        assert inst["level"] in LEVELS
        assert set(inst["services"]) <= SERVICES
        assert inst["code_source"] in {"assigned", "public"}
        assert inst["code_source"] == "assigned" or inst.get("code_note"), inst["code"]  # say where a public code is from


def test_shenzhen_settlement_networks_name_shipped_hospitals_and_five_districts_are_covered():
    # SZ-3 / SZ-5: a 社康's SETTLEMENT_HOSPITAL network id is its hospital's code; each head is in its own network
    insts = {i["code"]: i for i in institutions("shenzhen")}
    heads = {n["id"] for i in insts.values() for n in i.get("networks", []) if n["kind"] == "SETTLEMENT_HOSPITAL"}
    for code in heads:
        assert code in insts and insts[code]["category"] != "社区健康服务中心", code
        assert {"kind": "SETTLEMENT_HOSPITAL", "id": code, "name": insts[code]["name"]} in insts[code]["networks"]
    shekang = [i for i in insts.values() if i["category"] == "社区健康服务中心"]
    assert insts["H44030302178"]["name"] == "深圳市罗湖医院集团长岭社区健康服务中心"
    assert insts["H44030302178"]["code_source"] == "public"
    assert any(n["kind"] == "SETTLEMENT_HOSPITAL" for i in shekang for n in i["networks"])
    assert len({i["town"] for i in insts.values()}) >= 5
    note = load("shenzhen", "institutions.json")["completeness_note"]
    for gap in ("盐田区", "龙华区", "坪山区", "大鹏新区", "GAPS"):
        assert gap in note
