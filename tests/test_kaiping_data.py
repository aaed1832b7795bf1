"""Reference data of the Jiangmen-Kaiping plugin checked against the seeds (IN-1..3, KP-1, KP-7, KP-8)."""
import json
import re
from pathlib import Path

from .seeds import seed_or_skip

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "plugins" / "jiangmen_kaiping" / "data"
SEED_001 = "001_b4025871a63b9c41.txt"
SEED_003 = "003_20d0d228322082da.txt"

CODE_RE = re.compile(r"^H\d{11}$")
PHONE_RE = re.compile(r"(?<!\d)\d{7}(?!\d)")


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def seed_text(name):
    """The seed's text; the calling test skips, saying why, where the seeds are not available."""
    return seed_or_skip(name).read_text(encoding="utf-8")


def seed_001_groups():
    """Parse the A/B table of seed 001: {"A": {index: name}, "B": {index: name}}."""
    text = seed_text(SEED_001)
    start = text.index("开平市普通门诊定点医疗机构范围分类（2023年）")
    groups = {"A": {}, "B": {}}
    for line in text[start:].splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if not cells or not cells[0].isdigit():
            continue
        groups["A"][int(cells[0])] = cells[1]
        if len(cells) >= 4 and cells[2].isdigit() and cells[3]:
            groups["B"][int(cells[2])] = cells[3]
    return groups


def seed_003_contacts():
    """Section 五、咨询电话 of seed 003, from its heading up to the 备注 line."""
    text = seed_text(SEED_003)
    start = text.index("五、咨询电话")
    end = text.index("备注", start)
    return text[start:end], text[end:].splitlines()[0]


# --- towns (KP-8) -----------------------------------------------------------

def test_towns_are_the_16_of_kp8():
    towns = load("towns.json")["towns"]
    names = [t["name"] for t in towns]
    assert len(names) == 16 and len(set(names)) == 16
    assert [t["name"] for t in towns if t["kind"] == "街道"] == ["三埠街道", "长沙街道"]
    assert len([t for t in towns if t["kind"] == "镇"]) == 13
    assert [t["name"] for t in towns if t["kind"] == "新区"] == ["翠山湖新区"]
    for t in towns:
        assert t["code"] is None or re.fullmatch(r"440783\d{3}", t["code"])


# --- institutions (IN-1, KP-1) ----------------------------------------------

def test_institutions_match_seed_001_groups():
    doc = load("institutions.json")
    assert doc["city"] == "jiangmen_kaiping"
    insts = doc["institutions"]
    groups = seed_001_groups()
    assert len(groups["A"]) == 27 and len(groups["B"]) == 3
    assert len(insts) == 30
    assert sum(i["group"] == "A" for i in insts) == 27
    assert sum(i["group"] == "B" for i in insts) == 3
    seed = seed_text(SEED_001)
    for inst in insts:
        assert inst["name"] in seed
        assert groups[inst["group"]][inst["seed_group_index"]] == inst["name"], inst["name"]
    # seed order: A 1-27 then B 1-3
    assert [(i["group"], i["seed_group_index"]) for i in insts] == (
        [("A", n) for n in range(1, 28)] + [("B", n) for n in range(1, 4)]
    )
    assert {i["name"] for i in insts if i["group"] == "B"} == {"开平市中心医院", "开平市中医院", "开平市第二人民医院"}


def test_institution_codes_unique_and_well_formed():
    insts = load("institutions.json")["institutions"]
    codes = [i["code"] for i in insts]
    assert len(set(codes)) == len(codes)
    for c in codes:
        assert len(c) == 12 and CODE_RE.match(c), c


def test_institution_levels_towns_and_fields():
    insts = load("institutions.json")["institutions"]
    towns = {t["name"] for t in load("towns.json")["towns"]}
    for i in insts:
        assert i["division_code"] == "440783"
        assert i["town"] is None or i["town"] in towns, i["name"]
        assert i["town_basis"]
        assert i["level_basis"]
        if i["group"] == "A":
            assert i["level"] == "LEVEL_1_OR_BELOW"
        else:
            assert i["level"] in ("LEVEL_2", "LEVEL_3")
        assert "GENERAL_OUTPATIENT" in i["services"]
        assert i["category"]
        # no children's specialty institution in seed 001
        assert not any("儿" in s for s in i["specialties"] + i["tags"])


# --- agencies and phones (IN-3, KP-7) ---------------------------------------

def test_agencies_and_phones_match_seed_003():
    doc = load("agencies.json")
    agencies = doc["agencies"]
    section, _ = seed_003_contacts()
    towns = {t["name"] for t in load("towns.json")["towns"]}
    assert len(agencies) == 17
    names = [a["name"] for a in agencies]
    positions = [section.index(n) for n in names]  # every name appears in the table
    assert positions == sorted(positions)  # and in seed order
    data_numbers = []
    for k, a in enumerate(agencies):
        assert a["town"] is None or a["town"] in towns
        block_end = positions[k + 1] if k + 1 < len(positions) else len(section)
        block = section[positions[k]:block_end]
        for p in a["phones"]:
            assert p["number"] in block, (a["name"], p["number"])
            if p["purpose"] is not None:
                assert "（" + p["purpose"] + "）" in block, (a["name"], p["purpose"])
            data_numbers.append(p["number"])
    assert len(data_numbers) == len(set(data_numbers))
    assert sorted(data_numbers) == sorted(PHONE_RE.findall(section))


def test_hours_come_from_seed_003():
    doc = load("agencies.json")
    _, remark = seed_003_contacts()
    normalised = remark.replace("：", ":")
    assert doc["hours"] in normalised
    assert all(a["hours"] == doc["hours"] for a in doc["agencies"])
