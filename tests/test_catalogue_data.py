"""The provincial service catalogue (seed 002) transcribed as data, checked against the seed (SC-1..SC-5).

Standard library only: the seed is parsed here independently of whatever produced the JSON files.
"""
import json
import re
from pathlib import Path

import pytest

from .seeds import seed_or_skip

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "core" / "catalogue" / "data"
ITEMS_DIR = DATA / "items"
SEED = seed_or_skip("002_8b670d6b1c783704.txt")

MARKERS = re.compile(r"\[(?:bookmark|image): [^\]]*\]")
NUMBERING = re.compile(r"^(?:\d+[\.．]|（\d+）)\s*")
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ID3 = ["有效身份证件", "医保电子凭证", "社会保障卡"]
ID_LINE = "有效身份证件或医保电子凭证或社会保障卡"
FIVE_STEPS = ["申请", "受理", "审核", "拨付", "办结"]

# Item fields that the seed may or may not give, and the seed's section heading for each.
FIELD_HEADINGS = {
    "serves": "服务对象",
    "legal_basis": "设定依据",
    "description": "事项描述",
    "handling_modes": "办理方式",
    "accepting_units": "受理单位",
    "channels": "办理及查询方式",
    "materials": "办理材料",
    "process": "办理流程",
    "time_limit": "办理时限",
    "fee": "是否收费",
    "evaluation": "评价渠道",
    "notes": "备注",
}
ITEM_KEYS = {"code", "number", "sub_number", "name", *FIELD_HEADINGS, "local_rules_note", "process_kind",
             "absent_in_seed", "transcription_note", "seed_lines", "sub_items"}
SUB_ITEM_KEYS = ITEM_KEYS - {"sub_items"}
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.．])\s*(" + "|".join(FIELD_HEADINGS.values())
                     + r"|事项名称|流程图)$")
TIME_LIMIT_KINDS = {"IMMEDIATE", "WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS", "WORKING_DAYS", "NATURAL_DAYS",
                    "NOT_STATED"}
PROCESS_KINDS_WITH_STEPS = {"COMMON", "TRANSFER"}
CITY_NAMES = {"shenzhen": "深圳", "shanwei": "汕尾"}
LOCAL_RULES_NOTE = "部分地市按当地规定执行"
# The seed lines naming a city live in that city's plugin (issue 8): the province's data says only
# LOCAL_RULES_NOTE. The transcription checks below read core data with those lines put back.
CITY_LINES = json.loads((ROOT / "plugins" / "shenzhen" / "data" / "catalogue.json").read_text("utf-8"))["items"]

# Fields the seed gives without a section heading (its headings are missing there); every other
# present field must sit under its heading. GD-12: seed lines 364-378 have lost their headings;
# GD-32/33: the line "（以上办理资料均需加盖单位公章）" under 办理材料 is kept as a note.
UNLABELED = {
    "GD-12": {"materials", "process", "time_limit", "fee", "evaluation", "notes"},
    "GD-32": {"notes"},
    "GD-33": {"notes"},
}


def clean(line):
    return MARKERS.sub("", line).strip()


def norm(text):
    """Compare texts without whitespace and bookmark/image markers."""
    return re.sub(r"\s+", "", MARKERS.sub("", text))


def strip_numbering(line):
    return NUMBERING.sub("", line, count=1).strip()


def cn_number(text):
    """一..三十九 → int."""
    if "十" not in text:
        return CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


SEED_RAW = SEED.read_text(encoding="utf-8").split("\n")
SEED_LINES = [None] + [clean(line) for line in SEED_RAW]  # 1-based, like seed_lines
SEED_NORM = norm("\n".join(SEED_RAW))


def in_seed(text):
    return bool(text) and norm(text) in SEED_NORM


def load_items():
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(ITEMS_DIR.glob("GD-*.json"))}


ITEMS = load_items()
CORE = {}  # code -> item or sub-item exactly as core ships it
for _item in load_items().values():
    CORE[_item["code"]] = _item
    for _sub in _item.get("sub_items", []):
        CORE[_sub["code"]] = _sub
ALL = {}  # code -> item or sub-item, with the city plugin's seed lines put back where the seed has them
for _item in ITEMS.values():
    ALL[_item["code"]] = _item
    for _sub in _item.get("sub_items", []):
        ALL[_sub["code"]] = _sub
for _line in CITY_LINES:
    ALL[_line["code"]][_line["seed_field"]].insert(_line["position"], _line["text"])
CODES = sorted(ALL)
TOP_CODES = sorted(ITEMS)
# Parametrized checks run over the codes that have what they check, so every case asserts
# (the every_case_asserts marker below makes a case that runs no assertion fail).
MATERIAL_CODES = [c for c in CODES if ALL[c]["materials"]]
LEGAL_CODES = [c for c in CODES if ALL[c]["legal_basis"]]
STEP_CODES = [c for c in CODES if ALL[c]["process"]]
DEADLINE_CODES = [c for c in CODES if re.search(r"\d+个工作日", "".join(ALL[c]["process"]))]
NOTE_CODES = [c for c in CODES if ALL[c]["notes"]]
CONDITIONAL_CODES = [c for c in CODES
                     if any(m["condition"] and m["condition"]["code"] in ("proxy", "first_payment")
                            for m in ALL[c]["materials"])]

COMMON_CONDITIONS = ("proxy", "first_payment")

pytestmark = pytest.mark.every_case_asserts


def own_lines(item):
    """(line number, cleaned text) of the item's seed range, without its sub-items' ranges."""
    start, end = item["seed_lines"]
    skip = set()
    for sub in item.get("sub_items", []):
        skip.update(range(sub["seed_lines"][0], sub["seed_lines"][1] + 1))
    return [(i, SEED_LINES[i]) for i in range(start, end + 1) if i not in skip and SEED_LINES[i]]


def seed_sections(item):
    """{heading: [content lines]} of the item's own seed range."""
    sections, current = {}, None
    for _, line in own_lines(item):
        m = HEADING.match(line)
        if m:
            current = m.group(1)
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def is_empty(field, value):
    if field == "time_limit":
        return value["kind"] == "NOT_STATED"
    return value is None or value == []


def expected_time_limit(text):
    """(kind, days, exceptions) read from a 办理时限 text."""
    if text is None:
        return "NOT_STATED", None, []
    if text == "即时办结":
        return "IMMEDIATE", None, []
    m = re.fullmatch(r"窗口即时办结/线上不超过(\d+)个工作日", text)
    if m:
        return "WINDOW_IMMEDIATE_ONLINE_WORKING_DAYS", int(m.group(1)), []
    m = re.fullmatch(r"(?:不超过)?(\d+)个(工作日|自然日)(?:（其中，(.+?)(\d+)个工作日）)?", text)
    assert m, f"unrecognised time limit {text!r}"
    kind = "WORKING_DAYS" if m.group(2) == "工作日" else "NATURAL_DAYS"
    exceptions = []
    if m.group(3):
        exceptions = [{"applies_to": m.group(3), "kind": "WORKING_DAYS", "days": int(m.group(4))}]
    return kind, int(m.group(1)), exceptions


def strings_of_item(item):
    """Every transcribed string other than materials, process steps and notes."""
    out = []
    for key in ("name", "serves", "fee", "evaluation"):
        if item[key]:
            out.append(item[key])
    if item["description"]:
        out.extend(item["description"].split("\n"))
    out.extend(item["handling_modes"])
    out.extend(item["accepting_units"])
    if item["channels"]:
        out.extend(item["channels"]["window"] + item["channels"]["online"])
        out.extend(item["channels"]["text"].split("\n"))
    if item["time_limit"]["text"]:
        out.append(item["time_limit"]["text"])
    return out


# --- presence and identity (SC-1) ---------------------------------------------

def test_all_35_items_present():
    assert sorted(ITEMS) == [f"GD-{n:02d}" for n in range(1, 36)]
    for stem, item in ITEMS.items():
        assert item["code"] == stem
        assert item["number"] == int(stem[3:])
        assert item["sub_number"] is None
        for k, sub in enumerate(item["sub_items"], 1):
            assert sub["code"] == f"{stem}-{k}"
            assert (sub["number"], sub["sub_number"]) == (item["number"], k)
    # 二、职工参保登记 has the four sub-items （一）..（四）; no other item has sub-items.
    assert [s["name"] for s in ITEMS["GD-02"]["sub_items"]] == [
        "职工参保登记", "职工医保退休待遇核定", "个人账户申办/变更/资金归集", "个人账户家庭共济关系绑定/解绑"]
    assert all(not item["sub_items"] for stem, item in ITEMS.items() if stem != "GD-02")


@pytest.mark.parametrize("code", TOP_CODES)
def test_item_name_is_the_seed_name(code):
    item = ALL[code]
    lines = own_lines(item)
    names = [lines[k + 1][1] for k, (_, line) in enumerate(lines) if HEADING.match(line)
             and HEADING.match(line).group(1) == "事项名称"]
    assert names == [item["name"]]


@pytest.mark.parametrize("code", [c for c in CODES if c.count("-") == 2])
def test_sub_item_name_is_the_seed_heading(code):
    sub = ALL[code]
    first = SEED_LINES[sub["seed_lines"][0]]
    numeral = "一二三四五六七八九十"[sub["sub_number"] - 1]
    assert first == f"（{numeral}）{sub['name']}。"


@pytest.mark.parametrize("code", TOP_CODES)
def test_item_heading_number_and_name(code):
    """The seed's "N、name" heading (possibly split over two lines) matches; a missing one is explained."""
    item = ALL[code]
    lines = own_lines(item)
    first = lines[0][1]
    m = re.fullmatch(r"([一二三四五六七八九十]+)、(.+)", first)
    if m and m.group(2) != "事项名称":
        assert cn_number(m.group(1)) == item["number"]
        heading = m.group(2)
        if heading != item["name"]:
            heading += lines[1][1]
        assert heading == item["name"]
    else:
        assert first == "一、事项名称"
        assert "heading" in item["transcription_note"] and str(item["number"]) in item["transcription_note"]


def test_seed_ranges_are_ordered_and_end_before_common_rules():
    previous_end = 0
    for stem in TOP_CODES:
        start, end = ITEMS[stem]["seed_lines"]
        assert previous_end < start <= end
        for sub in ITEMS[stem]["sub_items"]:
            assert start <= sub["seed_lines"][0] <= sub["seed_lines"][1] <= end
        previous_end = end
    common_start = json.loads((DATA / "common.json").read_text(encoding="utf-8"))["seed_lines"][0]
    assert previous_end < common_start and SEED_LINES[common_start] == "三十六、备注"


@pytest.mark.parametrize("code", CODES)
def test_required_fields_present(code):
    item = ALL[code]
    assert set(item) == (SUB_ITEM_KEYS if item["sub_number"] else ITEM_KEYS)
    assert set(item["absent_in_seed"]) <= set(FIELD_HEADINGS)
    for field in FIELD_HEADINGS:
        assert is_empty(field, item[field]) == (field in item["absent_in_seed"]), field
    assert set(item["time_limit"]) == {"kind", "days", "text", "exceptions"}
    assert item["time_limit"]["kind"] in TIME_LIMIT_KINDS
    if item["channels"] is not None:
        assert set(item["channels"]) == {"window", "online", "text"}
    for lb in item["legal_basis"]:
        assert set(lb) == {"title", "document_number", "articles", "text"}
    assert item["local_rules_note"] in (None, LOCAL_RULES_NOTE)


@pytest.mark.parametrize("code", CODES)
def test_absent_fields_have_no_seed_section(code):
    item = ALL[code]
    sections = seed_sections(item)
    for field in item["absent_in_seed"]:
        assert FIELD_HEADINGS[field] not in sections, field


@pytest.mark.parametrize("code", CODES)
def test_present_fields_have_seed_section(code):
    item = ALL[code]
    sections = seed_sections(item)
    for field in set(FIELD_HEADINGS) - set(item["absent_in_seed"]) - UNLABELED.get(code, set()):
        assert FIELD_HEADINGS[field] in sections, field
    for field in UNLABELED.get(code, set()):
        assert FIELD_HEADINGS[field] not in sections and field not in item["absent_in_seed"]


@pytest.mark.parametrize("code", CODES)
def test_fields_equal_their_seed_sections(code):
    item = ALL[code]
    sections = seed_sections(item)
    lines = lambda heading: sections.get(heading, [])
    if "服务对象" in sections:
        assert lines("服务对象") == [item["serves"]]
    if "受理单位" in sections:
        assert lines("受理单位") == ["，".join(item["accepting_units"])]
    if "办理及查询方式" in sections:
        # GD-12's unlabeled blocks follow this section in the seed: take the two channel lines only.
        channel_lines = [s for s in lines("办理及查询方式") if re.match(r"\d+\.(窗口|线上)方式：", s)]
        assert "\n".join(channel_lines) == item["channels"]["text"]
    if "办理方式" in sections:
        assert [strip_numbering(s) for s in lines("办理方式")] == item["handling_modes"]
    if "办理流程" in sections:
        assert [strip_numbering(s) for s in lines("办理流程")] == item["process"]
    if "是否收费" in sections:
        assert lines("是否收费") == [item["fee"]] == ["否"]
    if "评价渠道" in sections:
        assert lines("评价渠道") == [item["evaluation"]]
    if "事项描述" in sections and item["number"] != 2:  # GD-02's description is its sub-items
        assert "\n".join(lines("事项描述")) == item["description"]


# --- legal basis --------------------------------------------------------------

def test_items_without_legal_basis_have_no_seed_section():
    assert set(CODES) - set(LEGAL_CODES) == {c for c in CODES if "legal_basis" in ALL[c]["absent_in_seed"]}
    assert len(LEGAL_CODES) > 30


@pytest.mark.parametrize("code", LEGAL_CODES)
def test_legal_basis_titles_and_numbers_verbatim(code):
    for lb in ALL[code]["legal_basis"]:
        assert lb["title"].startswith("《") and lb["title"].endswith("》")
        assert in_seed(lb["title"]) and in_seed(lb["text"])
        assert lb["text"].startswith(lb["title"])
        if lb["document_number"] is not None:
            assert in_seed(lb["document_number"])
            assert lb["document_number"] in lb["text"]
        for article in lb["articles"]:
            assert re.fullmatch(r"第[一二三四五六七八九十百]+条", article) and article in lb["text"]


@pytest.mark.parametrize("code", TOP_CODES)
def test_legal_basis_lists_every_seed_line(code):
    item = ALL[code]
    seed = [strip_numbering(s) for s in seed_sections(item).get("设定依据", [])]
    assert seed and [lb["text"] for lb in item["legal_basis"]] == seed


# --- materials (SC-4, SC-5) ---------------------------------------------------

def test_items_without_materials_have_no_seed_section():
    assert set(CODES) - set(MATERIAL_CODES) == {c for c in CODES if "materials" in ALL[c]["absent_in_seed"]}
    assert len(MATERIAL_CODES) > 30


@pytest.mark.parametrize("code", MATERIAL_CODES)
def test_material_strings_appear_in_seed(code):
    assert ALL[code]["materials"]
    for m in ALL[code]["materials"]:
        assert in_seed(m["text"]), m["id"]
        for name in m["any_of"]:
            assert in_seed(name), (m["id"], name)
        for s in m["substitutes"]:
            assert set(s) == {"name", "consequence"} and in_seed(s["name"])
            assert s["consequence"] is None or in_seed(s["consequence"])
        if m["condition"] is not None:
            assert set(m["condition"]) == {"code", "text"}
            assert re.fullmatch(r"[a-z][a-z0-9_]*", m["condition"]["code"])
            assert in_seed(m["condition"]["text"])


@pytest.mark.parametrize("code", CODES)
def test_material_ids_unique_and_names_given(code):
    materials = ALL[code]["materials"]
    ids = [m["id"] for m in materials]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"m\d+", i) for i in ids)
    for m in materials:
        # Only "根据…签订的协议执行" (GD-34/35) names no document.
        assert m["any_of"] or m["text"].endswith("协议执行")


def check_materials_cover_seed(item):
    """Every line of the item's 办理材料 section is a material (or a note), and every material
    text is a line of the item's own seed range: a dropped or an invented material fails."""
    lines = seed_sections(item).get("办理材料")
    if lines is None:  # GD-12: the heading is lost in the seed; its materials are checked line by line
        assert "materials" in UNLABELED.get(item["code"], set())
        own = {strip_numbering(line) for _, line in own_lines(item)}
        assert {m["text"] for m in item["materials"]
                if not m["condition"] or m["condition"]["code"] not in COMMON_CONDITIONS} <= own
        return
    texts = {m["text"] for m in item["materials"]}
    for line in lines:
        assert strip_numbering(line) in texts or line in item["notes"], line
    # Conditional materials may sit in the item's notes; the proxy and first-payment materials
    # come from 三十六、备注 (test_common_rule_materials_match_common_json checks those).
    own = {m["text"] for m in item["materials"] if not m["condition"] or m["condition"]["code"] not in COMMON_CONDITIONS}
    assert own <= {strip_numbering(line) for _, line in own_lines(item)}


@pytest.mark.parametrize("code", MATERIAL_CODES)
def test_material_list_covers_seed_section(code):
    check_materials_cover_seed(ALL[code])


def check_substitutes(item):
    """Both directions (SC-5): every substitute the data gives is named in the item's own seed
    lines, and every material line offering 个人承诺书 gives it as a substitute."""
    own = norm("".join(line for _, line in own_lines(item)))
    invented = [(m["id"], s["name"]) for m in item["materials"] for s in m["substitutes"] if norm(s["name"]) not in own]
    assert invented == [], (item["code"], invented)
    # offered instead of the documents ("…或个人承诺书", "无法提供的应填写个人承诺书"); GD-12 m3's
    # 个人承诺书 stands for death information, not for the heir's documents, and is not a substitute
    offered = {m["id"] for m in item["materials"] if re.search(r"或个人承诺书|无法提供的应填写个人承诺书", m["text"])}
    given = {m["id"] for m in item["materials"] if "个人承诺书" in [s["name"] for s in m["substitutes"]]}
    assert offered == given, (item["code"], sorted(offered ^ given))


@pytest.mark.parametrize("code", MATERIAL_CODES)
def test_substitutes_both_directions(code):
    check_substitutes(ALL[code])


@pytest.mark.parametrize("code", MATERIAL_CODES)
def test_alternatives_and_substitutes_follow_wording(code):
    assert ALL[code]["materials"]
    for m in ALL[code]["materials"]:
        if m["text"] == ID_LINE:
            assert m["any_of"] == ID3
        if "任选其一" in m["text"]:
            assert m["any_of"] == m["text"].split("任选其一")[0].split("、")
        plain = not any(c in m["text"] for c in "、，（及")  # 及: a compound line, read by hand
        if plain and "或" in m["text"] and m["condition"] is None:
            # "A或B或C(复印件)": any one of them
            assert m["any_of"] == m["text"].removesuffix("复印件").split("或")
        if m["text"].endswith("或个人承诺书"):
            assert "个人承诺书" in [s["name"] for s in m["substitutes"]]
        for name in m["any_of"]:
            assert name in m["text"] or m["condition"] is not None, name


def test_identity_documents_always_offered_to_persons():
    """Every item a person applies for with materials accepts an identity document (SC-5)."""
    for code, item in ALL.items():
        if not item["materials"] or item["serves"] in {"医疗机构", "零售药店", "职工基本医疗保险参保单位"}:
            continue
        if code in {"GD-30", "GD-32", "GD-33", "GD-34", "GD-35"}:  # 救助对象身份证明 / institutions
            continue
        unconditional = [m for m in item["materials"] if m["condition"] is None]
        assert any("有效身份证件" in m["any_of"] for m in unconditional), code


def test_conditional_materials_are_found():
    assert "GD-22" in CONDITIONAL_CODES and len(CONDITIONAL_CODES) > 20


@pytest.mark.parametrize("code", CONDITIONAL_CODES)
def test_common_rule_materials_match_common_json(code):
    common = {r["id"]: r for r in json.loads((DATA / "common.json").read_text(encoding="utf-8"))["rules"]}
    by_code = {"proxy": common["proxy"], "first_payment": common["first_payment_bank_account"]}
    item = ALL[code]
    assert any(m["condition"] and m["condition"]["code"] in by_code for m in item["materials"])
    for cond_code, rule in by_code.items():
        got = [m for m in item["materials"] if m["condition"] and m["condition"]["code"] == cond_code]
        if got:
            strip = lambda ms: [{k: v for k, v in m.items() if k != "id"} for m in ms]
            assert strip(got) == strip(rule["materials"])
    if any(m["condition"] and m["condition"]["code"] == "first_payment" for m in item["materials"]):
        assert "拨付" in "".join(item["process"]) or "报销" in item["name"]


# --- process and notes (SC-3) -------------------------------------------------

@pytest.mark.parametrize("code", STEP_CODES)
def test_process_steps_appear_in_seed(code):
    assert ALL[code]["process"]
    for step in ALL[code]["process"]:
        assert in_seed(step), step


@pytest.mark.parametrize("code", CODES)
def test_process_kind_matches_steps(code):
    item = ALL[code]
    kind, steps = item["process_kind"], item["process"]
    assert bool(steps) == (kind in PROCESS_KINDS_WITH_STEPS)
    if kind == "COMMON":
        # submit → check materials (一次性告知) → review → result fed back
        assert len(steps) == 3
        assert "申请材料" in steps[0]
        assert "材料不符合的，一次性告知" in steps[1]
        assert "反馈办理结果" in steps[2]
    if kind == "TRANSFER":
        assert len(steps) == 2 and "转出地经办机构" in steps[0] and "转入地经办机构" in steps[1]
    if kind == "SUB_ITEMS":
        assert item["sub_items"]


def test_items_without_notes_have_no_seed_notes():
    for code in set(CODES) - set(NOTE_CODES):
        assert "备注" not in seed_sections(ALL[code]), code
    assert NOTE_CODES


@pytest.mark.parametrize("code", NOTE_CODES)
def test_notes_appear_in_seed(code):
    item = ALL[code]
    assert item["notes"]
    for note in item["notes"]:
        assert in_seed(note), note
    seed_notes = seed_sections(item).get("备注")
    if seed_notes is not None:
        assert [strip_numbering(s) for s in seed_notes] == item["notes"]


@pytest.mark.parametrize("code", CODES)
def test_other_strings_appear_in_seed(code):
    for text in strings_of_item(ALL[code]):
        assert in_seed(text), text


# --- time limits (SC-2) -------------------------------------------------------

@pytest.mark.parametrize("code", CODES)
def test_time_limit_kind_and_days_agree_with_text(code):
    tl = ALL[code]["time_limit"]
    kind, days, exceptions = expected_time_limit(tl["text"])
    assert (tl["kind"], tl["days"], tl["exceptions"]) == (kind, days, exceptions)


@pytest.mark.parametrize("code", CODES)
def test_time_limit_text_is_the_seed_line(code):
    item = ALL[code]
    seed = seed_sections(item).get("办理时限")
    if seed is not None:
        assert seed == [item["time_limit"]["text"]]
    elif "time_limit" in UNLABELED.get(code, set()):  # GD-12: the heading is lost; the line is there
        assert item["time_limit"]["text"] and in_seed(item["time_limit"]["text"])
    else:
        assert item["time_limit"]["text"] is None


def test_deadline_codes_are_found():
    assert DEADLINE_CODES and set(DEADLINE_CODES) <= set(STEP_CODES)


@pytest.mark.parametrize("code", DEADLINE_CODES)
def test_process_deadlines_within_time_limit(code):
    item = ALL[code]
    days = item["time_limit"]["days"]
    deadlines = [(step, int(n)) for step in item["process"] for n in re.findall(r"(\d+)个工作日", step)]
    assert deadlines
    for step, n in deadlines:
        assert days is not None and n <= days, step


# --- city overrides -----------------------------------------------------------

@pytest.mark.parametrize("code", CODES)
def test_city_lines_live_in_the_city_plugin_and_the_province_says_local_rules_apply(code):
    core, lines = CORE[code], [line for line in CITY_LINES if line["code"] == code]
    seed_city_lines = [strip_numbering(line) for _, line in own_lines(ALL[code])
                       if any(name in line for name in CITY_NAMES.values())]
    assert [line["text"] for line in lines] == seed_city_lines  # every seed line naming a city, in the plugin
    assert core["local_rules_note"] == (LOCAL_RULES_NOTE if lines else None)
    core_text = json.dumps(core, ensure_ascii=False)
    assert not any(name in core_text for name in CITY_NAMES.values())  # the province's data names no city
    for line in lines:
        assert CITY_NAMES["shenzhen"] in line["text"]
        assert set(line["also_names"]) <= set(CITY_NAMES) - {"shenzhen"}
        assert all(CITY_NAMES[c] in line["text"] for c in line["also_names"])
        if "－".join(FIVE_STEPS) in line["text"]:
            assert (line["process_kind"], line["steps"]) == ("APPLY_ACCEPT_REVIEW_PAY_CLOSE", FIVE_STEPS)
        else:  # only "按当地规定执行": nothing invented
            assert line["text"].endswith("按当地规定执行")
            assert (line["process_kind"], line["steps"]) == ("LOCAL_RULES", [])


def test_shenzhen_overrides_where_domain_section_7_expects_them():
    assert sorted(line["code"] for line in CITY_LINES) == ["GD-01", "GD-02-1", "GD-02-3", "GD-04", "GD-05", "GD-12"]
    also = {line["code"]: line["also_names"] for line in CITY_LINES}
    assert also["GD-02-3"] == also["GD-12"] == ["shanwei"]


# --- 三十六、备注: common rules ------------------------------------------------

def test_common_rules():
    common = json.loads((DATA / "common.json").read_text(encoding="utf-8"))
    rules = {r["id"]: r for r in common["rules"]}
    assert list(rules) == ["valid_identity_documents", "proxy", "first_payment_bank_account"]
    start, end = common["seed_lines"]
    seed_rules = [SEED_LINES[i] for i in range(start + 1, end + 1) if SEED_LINES[i]]
    assert [f"{n}、{r['text']}" for n, r in zip("一二三", common["rules"])] == seed_rules
    ids = rules["valid_identity_documents"]
    assert ids["documents"] == ["身份证", "户口簿", "护照", "港澳居民来往内地通行证", "港澳台居民居住证",
                                "外国人永久居留证"]
    assert all(d in ids["text"] for d in ids["documents"]) and ids["text"].endswith("等")
    assert [m["any_of"] for m in rules["proxy"]["materials"]] == [["委托人及代理人身份证件原件"], ["授权委托书"]]
    assert [m["any_of"] for m in rules["first_payment_bank_account"]["materials"]] == [["参保人银行账户信息"]]
    for rule_id, code in (("proxy", "proxy"), ("first_payment_bank_account", "first_payment")):
        rule = rules[rule_id]
        assert rule["condition"]["code"] == code and rule["text"].startswith(rule["condition"]["text"])
        for m in rule["materials"]:
            assert m["condition"] == rule["condition"] and m["text"] == rule["text"]
            assert all(name in rule["text"] for name in m["any_of"])


# --- the checks can fail: mutations of a copy of the data are caught --------------------------

def _copy(code):
    return json.loads(json.dumps(ALL[code], ensure_ascii=False))


def test_an_invented_substitute_for_gd22_is_caught():
    item = _copy("GD-22")
    check_substitutes(item)  # the real data passes
    item["materials"][1]["substitutes"].append({"name": "个人承诺书", "consequence": None})
    with pytest.raises(AssertionError, match="GD-22"):
        check_substitutes(item)


def test_a_missing_substitute_is_caught():
    item = _copy("GD-14")
    check_substitutes(item)
    offered = next(m for m in item["materials"] if m["substitutes"])
    offered["substitutes"] = []
    with pytest.raises(AssertionError, match="GD-14"):
        check_substitutes(item)


@pytest.mark.parametrize("code", ["GD-22", "GD-14", "GD-23"])
def test_a_dropped_material_is_caught(code):
    item = _copy(code)
    check_materials_cover_seed(item)
    dropped = next(m for m in item["materials"] if not m["condition"])
    item["materials"] = [m for m in item["materials"] if m is not dropped]
    with pytest.raises(AssertionError):
        check_materials_cover_seed(item)


def test_an_invented_material_is_caught():
    item = _copy("GD-22")
    item["materials"].append({"id": "m9", "text": "户口簿", "any_of": ["户口簿"], "substitutes": [], "condition": None})
    with pytest.raises(AssertionError):
        check_materials_cover_seed(item)
