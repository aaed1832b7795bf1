"""FHIR R4 reads and searches (issue 12): Organization, Patient, Coverage for persons of every
city, masking per role (ID-2), searchset Bundles and OperationOutcome errors. Every resource is
validated with fhir.resources (R4 4.0.1)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from yibao.core.domain import Institution, InstitutionLevel
from yibao.core.fhir import codes
from yibao.core.ids import mask

from .filing_support import BEIJING, LONG_TERM, approved
from .fhir_support import fhir, get, outcome_code, validated
from .support import SHIQI_CENTRE, City

DAY = "2026-03-02"
A_SANBU = "H44078300002"  # KP-1 group A
B_CENTRAL = "H44078300101"  # KP-1 group B
HKU = "H44030000004"  # settlement hospital (SZ-3)
HKU_SHEKANG = "H44030000022"  # its 社康
RID = quote(codes.RESIDENT_ID_SYSTEM, safe="")


@pytest.fixture
async def people(yibao_client, new_id) -> dict:
    """One person per city with general-outpatient selections; the Zhongshan one with an approved
    long-term remote filing (RF-1)."""
    zs, kp, sz = (City(yibao_client, c) for c in ("zhongshan", "jiangmen_kaiping", "shenzhen"))
    out = {"zs": new_id("442000", "19850612"), "kp": new_id("440783", "19700101"), "sz": new_id("440303", "20000229")}
    await zs.register(out["zs"], "EMPLOYEE", on=DAY, name="张三")
    assert (await zs.select(out["zs"], SHIQI_CENTRE, on=DAY))["errors"] == []
    await kp.register(out["kp"], "EMPLOYEE", on=DAY, name="李四")
    assert (await kp.select(out["kp"], A_SANBU, on=DAY))["errors"] == []
    assert (await kp.select(out["kp"], B_CENTRAL, on=DAY))["errors"] == []
    await sz.register(out["sz"], "EMPLOYEE", on=DAY, tier=2, name="王五")
    assert (await sz.select(out["sz"], HKU_SHEKANG, on=DAY))["errors"] == []
    out["filing"] = await approved(zs, out["zs"], "LONG_TERM_RESIDENT", BEIJING, LONG_TERM, on=DAY)
    out["cities"] = {"zs": zs, "kp": kp, "sz": sz}
    return out


async def patient_of(client, id_number: str, token: str) -> dict:
    bundle = await fhir(client, f"/fhir/Patient?identifier={RID}|{id_number}", token=token, today=DAY)
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    return bundle["entry"][0]["resource"]


# -- Organization ----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "city", "town", "level"), [
    (SHIQI_CENTRE, "442000", "石岐街道", "LEVEL_1_OR_BELOW"),
    (A_SANBU, "440783", "三埠街道", "LEVEL_1_OR_BELOW"),
    (HKU_SHEKANG, "440307", "龙岗区", "LEVEL_1_OR_BELOW"),
    (HKU, "440304", "福田区", "LEVEL_3"),
])
async def test_organization_of_each_city_is_readable_anonymously(yibao_client, code, city, town, level):
    org = await fhir(yibao_client, f"/fhir/Organization/{code}")
    assert org["id"] == code and org["active"] is True  # IN-1: the id is the 12-character code
    assert org["identifier"] == [{"use": "official", "system": codes.INSTITUTION_CODE_SYSTEM, "value": code}]
    levels = [c["code"] for t in org["type"] for c in t["coding"] if c["system"] == codes.INSTITUTION_LEVEL]
    assert levels == [level]
    assert any(c["system"] == codes.INSTITUTION_CATEGORY for t in org["type"] for c in t["coding"])
    address = org["address"][0]
    assert address["district"] == town and address["country"] == "CN"
    division = [e["valueCoding"]["code"] for e in address["extension"] if e["url"] == codes.EXT_DIVISION]
    assert division and division[0].startswith(city[:4])  # GB/T 2260 (county level where the data has it)


async def test_organization_town_code_and_settlement_hospital(yibao_client):
    shiqi = await fhir(yibao_client, f"/fhir/Organization/{SHIQI_CENTRE}")
    town = [e["valueCoding"] for e in shiqi["address"][0]["extension"] if e["url"] == codes.EXT_TOWN_CODE]
    assert town == [{"system": codes.DIVISION, "code": "442000001", "display": "石岐街道"}]  # ZS-7
    shekang = await fhir(yibao_client, f"/fhir/Organization/{HKU_SHEKANG}")
    assert shekang["partOf"]["reference"] == f"Organization/{HKU}"  # SZ-3: settles through HKU
    hospital = await fhir(yibao_client, f"/fhir/Organization/{HKU}")
    assert "partOf" not in hospital  # heads its own network
    assert any(e["url"] == codes.EXT_NETWORK for e in hospital["extension"])


async def test_withdrawn_organization_is_inactive(yibao_client, yibao_platform):
    item = Institution(code="H44200199901", name="测试用撤销诊所", city="zhongshan",
                       level=InstitutionLevel.LEVEL_1_OR_BELOW, category="诊所", division_code="442000", town="东区街道")
    await yibao_platform.institutions.import_institutions("zhongshan", [item], "import:test")
    assert (await fhir(yibao_client, "/fhir/Organization/H44200199901"))["active"] is True
    from datetime import date
    await yibao_platform.institutions.import_institutions("zhongshan", [], "import:test",
                                                          withdraw_missing=date(2026, 3, 1))
    assert (await fhir(yibao_client, "/fhir/Organization/H44200199901"))["active"] is False


async def test_organization_search_by_identifier(yibao_client):
    system = quote(codes.INSTITUTION_CODE_SYSTEM, safe="")
    bundle = await fhir(yibao_client, f"/fhir/Organization?identifier={system}|{A_SANBU}")
    assert bundle["total"] == 1 and bundle["entry"][0]["resource"]["id"] == A_SANBU
    assert bundle["entry"][0]["fullUrl"].endswith(f"/fhir/Organization/{A_SANBU}")
    assert (await fhir(yibao_client, f"/fhir/Organization?identifier={A_SANBU.lower()}"))["total"] == 1  # any system
    assert (await fhir(yibao_client, f"/fhir/Organization?identifier=urn:other|{A_SANBU}"))["total"] == 0
    assert (await fhir(yibao_client, "/fhir/Organization?identifier=H00000000000"))["total"] == 0


# -- Patient and Coverage --------------------------------------------------------------------

async def test_patient_of_each_city(yibao_client, people):
    zs = await patient_of(yibao_client, people["zs"], people["cities"]["zs"].agency)
    assert zs["birthDate"] == "1985-06-12" and zs["name"][0]["text"] == "张三"
    assert zs["gender"] == ("female" if int(people["zs"][16]) % 2 == 0 else "male")  # GB 11643 17th character
    assert [g["reference"] for g in zs["generalPractitioner"]] == [f"Organization/{SHIQI_CENTRE}"]
    kp = await patient_of(yibao_client, people["kp"], people["cities"]["kp"].agency)
    assert sorted(g["reference"] for g in kp["generalPractitioner"]) == [
        f"Organization/{A_SANBU}", f"Organization/{B_CENTRAL}"]  # KP-2: two slots
    sz = await patient_of(yibao_client, people["sz"], people["cities"]["sz"].agency)
    assert sz["birthDate"] == "2000-02-29"
    assert [g["reference"] for g in sz["generalPractitioner"]] == [f"Organization/{HKU_SHEKANG}"]
    for patient, key in ((zs, "zs"), (kp, "kp"), (sz, "sz")):
        ident = patient["identifier"][0]
        assert ident["system"] == codes.RESIDENT_ID_SYSTEM and ident["value"] == people[key]  # own agency: full
        assert "meta" not in patient or "security" not in patient["meta"]
        again = await fhir(yibao_client, f"/fhir/Patient/{patient['id']}", token=people["cities"][key].agency, today=DAY)
        assert again == patient


async def test_coverage_of_each_city(yibao_client, people):
    for key, scheme, slots in (("zs", "EMPLOYEE", {SHIQI_CENTRE}), ("kp", "EMPLOYEE", {A_SANBU, B_CENTRAL}),
                               ("sz", "EMPLOYEE", {HKU_SHEKANG})):
        city = people["cities"][key]
        bundle = await fhir(yibao_client, f"/fhir/Coverage?identifier={RID}|{people[key]}", token=city.agency, today=DAY)
        assert bundle["total"] == 1
        cov = bundle["entry"][0]["resource"]
        assert cov["type"]["coding"][0] == {"system": codes.SCHEME, "code": scheme, "display": "职工基本医疗保险"}
        assert cov["status"] == "active" and cov["period"] == {"start": DAY}  # open-ended (SE-2)
        assert cov["payor"][0]["display"].endswith("医疗保障局")
        patient = await patient_of(yibao_client, people[key], city.agency)
        assert cov["beneficiary"]["reference"] == f"Patient/{patient['id']}"
        selected = {c["value"] for c in cov["class"] if c["type"]["coding"][0]["system"] == codes.SELECTION_KIND}
        assert selected == slots
        same = await fhir(yibao_client, f"/fhir/Coverage/{cov['id']}", token=city.agency, today=DAY)
        assert same == cov
    sz_cov = (await fhir(yibao_client, f"/fhir/Coverage?identifier={RID}|{people['sz']}",
                         token=people["cities"]["sz"].agency, today=DAY))["entry"][0]["resource"]
    tier = [c for c in sz_cov["class"] if c["type"]["coding"][0]["system"] == codes.COVERAGE_CLASS]
    assert [(t["value"], t["name"]) for t in tier] == [("2", "2档")]  # SZ-1 tier II


async def test_scheme_history_gives_one_coverage_per_period(yibao_client, people):
    city = people["cities"]["kp"]
    assert (await city.change_scheme(people["kp"], "RESIDENT", on=DAY, effective_on="2026-04-01"))["errors"] == []
    bundle = await fhir(yibao_client, f"/fhir/Coverage?identifier={RID}|{people['kp']}", token=city.agency, today=DAY)
    assert [(e["resource"]["type"]["coding"][0]["code"], e["resource"]["period"]) for e in bundle["entry"]] == [
        ("EMPLOYEE", {"start": DAY, "end": "2026-03-31"}), ("RESIDENT", {"start": "2026-04-01"})]  # ID-3


async def test_remote_filing_is_a_coverage_extension(yibao_client, people):
    city = people["cities"]["zs"]
    cov = (await fhir(yibao_client, f"/fhir/Coverage?identifier={RID}|{people['zs']}", token=city.agency,
                      today=DAY))["entry"][0]["resource"]
    [filing] = [e for e in cov["extension"] if e["url"] == codes.EXT_REMOTE_FILING]
    parts = {p["url"]: p for p in filing["extension"]}
    assert parts["type"]["valueCoding"]["code"] == "LONG_TERM_RESIDENT"
    assert parts["status"]["valueCoding"]["code"] == "ACTIVE"
    assert parts["destination"]["valueCoding"]["code"] == BEIJING
    assert parts["basis"]["valueCoding"]["code"] == "MATERIALS"
    assert parts["period"]["valuePeriod"]["start"] == people["filing"]["validFrom"]
    # RF-5, as the GraphQL API computes it for the same day
    assert parts["inpatientRatioPoints"]["valueInteger"] == people["filing"]["benefitAdjustments"]["inpatientRatioPoints"]
    assert parts["localGeneralOutpatient"]["valueBoolean"] == people["filing"]["benefitAdjustments"]["localGeneralOutpatient"]


# -- ID-2 masking per role -------------------------------------------------------------------

ROLES_MASKED = {"person": False, "proxy": False, "agency": False, "institution": True, "integrator": True,
                "admin": True}


async def test_identifiers_are_masked_exactly_as_the_api_masks_them(yibao_client, people, new_id):
    pid = people["zs"]
    tokens = {
        "person": yibao_client.token("person", person=pid), "proxy": yibao_client.token("proxy", person=pid),
        "agency": yibao_client.token("agency", city="zhongshan"),
        "institution": yibao_client.token("institution", city="zhongshan"),
        "integrator": yibao_client.token("integrator"), "admin": yibao_client.token("admin"),
    }
    for role, masked in ROLES_MASKED.items():
        patient = await patient_of(yibao_client, pid, tokens[role])
        coverage = (await fhir(yibao_client, f"/fhir/Coverage?identifier={RID}|{pid}", token=tokens[role],
                               today=DAY))["entry"][0]["resource"]
        for resource in (patient, coverage):
            assert resource["identifier"][0]["value"] == (mask(pid) if masked else pid), role
            security = resource.get("meta", {}).get("security", [])
            assert [s["code"] for s in security] == (["MASKED"] if masked else []), role
        graphql = await yibao_client('query($id: String!) { person(idNumber: $id) { idNumber } }', {"id": pid},
                                     token=tokens[role], today=DAY)
        assert graphql.data["person"]["idNumber"] == patient["identifier"][0]["value"], role  # the same masking
    # another city's agency finds nothing, exactly as for an unregistered number (no existence oracle)
    other = yibao_client.token("agency", city="shenzhen")
    body = await fhir(yibao_client, f"/fhir/Patient?identifier={RID}|{pid}", token=other, today=DAY)
    unregistered = await fhir(yibao_client, f"/fhir/Patient?identifier={RID}|{new_id('440303', '19900101')}",
                              token=other, today=DAY)
    assert body["total"] == unregistered["total"] == 0 and body["entry"] == unregistered["entry"] == []


# -- errors ----------------------------------------------------------------------------------

async def test_operation_outcomes(yibao_client, people):
    zs_agency = people["cities"]["zs"].agency
    patient = await patient_of(yibao_client, people["zs"], zs_agency)
    pid_path = f"/fhir/Patient/{patient['id']}"
    response = await get(yibao_client, pid_path)
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
    assert outcome_code(validated(response.json())) == ("login", "UNAUTHENTICATED")
    bad = await fhir(yibao_client, f"/fhir/Organization/{SHIQI_CENTRE}", 401, headers={"Authorization": "Bearer x"})
    assert outcome_code(bad) == ("login", "INVALID_TOKEN")  # a bad token fails even public reads
    other = yibao_client.token("person", person=people["kp"])
    assert outcome_code(await fhir(yibao_client, pid_path, 403, token=other)) == ("forbidden", "FORBIDDEN")
    assert outcome_code(await fhir(yibao_client, "/fhir/Patient/999999", 403, token=other)) == ("forbidden", "FORBIDDEN")
    # another city's agency: exactly the answer for an id that does not exist (no existence oracle)
    assert outcome_code(await fhir(yibao_client, f"/fhir/Coverage/{patient['id']}-1", 404,
                                   token=people["cities"]["sz"].agency)) == ("not-found", "NOT_FOUND")
    assert outcome_code(await fhir(yibao_client, pid_path, 404,
                                   token=people["cities"]["sz"].agency)) == ("not-found", "NOT_FOUND")
    search = f"/fhir/Patient?identifier={RID}|{people['zs']}"
    assert outcome_code(await fhir(yibao_client, search, 403, token=other)) == ("forbidden", "FORBIDDEN")
    assert outcome_code(await fhir(yibao_client, search, 401)) == ("login", "UNAUTHENTICATED")
    for path in ("/fhir/Patient/999999", f"/fhir/Coverage/{patient['id']}-9", "/fhir/Coverage/x",
                 "/fhir/Organization/H00000000000", "/fhir/Encounter/1"):
        assert outcome_code(await fhir(yibao_client, path, 404, token=zs_agency)) == ("not-found", "NOT_FOUND"), path
    assert outcome_code(await fhir(yibao_client, "/fhir/Patient", 400, token=zs_agency)) == ("invalid", "BAD_ARGUMENT")


async def test_a_control_character_or_overlong_identifier_is_invalid(yibao_client, people):
    """Issue 10's inputs on the FHIR search: a NUL broke PostgreSQL (a 500); now 400 before any read."""
    agency = people["cities"]["zs"].agency
    for value in ("%00", f"{RID}|44200019850612%01", "a" * 301):
        body = await fhir(yibao_client, f"/fhir/Patient?identifier={value}", 400, token=agency)
        assert outcome_code(body) == ("invalid", "BAD_ARGUMENT"), value
    organization = await fhir(yibao_client, "/fhir/Organization?identifier=%00", 400)
    assert outcome_code(organization) == ("invalid", "BAD_ARGUMENT")


async def test_search_without_match_is_an_empty_bundle(yibao_client, people, new_id):
    agency = people["cities"]["zs"].agency
    for path in (f"/fhir/Patient?identifier={RID}|{new_id('442000')}", f"/fhir/Patient?identifier=urn:x|{people['zs']}",
                 f"/fhir/Coverage?identifier={quote(codes.DOCUMENT_SYSTEMS['PASSPORT'], safe='')}|{people['zs']}"):
        bundle = await fhir(yibao_client, path, token=agency, today=DAY)
        assert bundle["total"] == 0 and bundle.get("entry", []) == []
    any_system = await fhir(yibao_client, f"/fhir/Patient?identifier={people['zs']}", token=agency, today=DAY)
    assert any_system["total"] == 1


async def test_coverage_by_beneficiary_for_callers_who_see_masked_numbers(yibao_client, people):
    integrator = yibao_client.token("integrator")
    patient = await patient_of(yibao_client, people["kp"], integrator)
    assert patient["identifier"][0]["value"] == mask(people["kp"])  # cannot search by the full number
    for param in (f"beneficiary=Patient/{patient['id']}", f"patient={patient['id']}"):
        bundle = await fhir(yibao_client, f"/fhir/Coverage?{param}", token=integrator, today=DAY)
        assert [e["resource"]["beneficiary"]["reference"] for e in bundle["entry"]] == [f"Patient/{patient['id']}"]
    assert (await fhir(yibao_client, "/fhir/Coverage?beneficiary=Patient/999999", token=integrator))["total"] == 0
    other = yibao_client.token("person", person=people["zs"])
    body = await fhir(yibao_client, f"/fhir/Coverage?beneficiary=Patient/{patient['id']}", 403, token=other)
    assert outcome_code(body) == ("forbidden", "FORBIDDEN")
    assert outcome_code(await fhir(yibao_client, "/fhir/Coverage?beneficiary=Patient/999999", 403,
                                   token=other)) == ("forbidden", "FORBIDDEN")


async def test_capability_statement(yibao_client):
    body = await fhir(yibao_client, "/fhir/metadata")
    assert body["fhirVersion"] == "4.0.1"
    assert {r["type"] for r in body["rest"][0]["resource"]} == {"Organization", "Patient", "Coverage"}
