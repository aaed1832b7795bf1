"""FHIR R4 URIs of this project: identifier systems, code systems and extensions (docs/fhir.md).

Every URI lives under CANONICAL, the project's canonical base. It is a name, not an address that
must resolve: an operator publishing an implementation guide under its own domain changes it here,
once, before any client stores the URIs.
"""

from __future__ import annotations

from ..domain import InstitutionLevel, Scheme, SelectionKind

CANONICAL = "https://yibao.example.org/fhir"

# -- identifier systems (NamingSystem-like: `Identifier.system`) ---------------------------------
RESIDENT_ID_SYSTEM = f"{CANONICAL}/sid/gb11643-resident-id"
"""ID-1: the 18-character 居民身份证号码 (GB 11643-1999), the person's identity and insurance number."""

DOCUMENT_SYSTEMS = {
    "RESIDENT_ID": RESIDENT_ID_SYSTEM,
    "HOUSEHOLD_REGISTER": f"{CANONICAL}/sid/household-register",  # 户口簿
    "PASSPORT": f"{CANONICAL}/sid/passport",  # 护照 (no issuing country recorded)
    "HK_MACAO_PERMIT": f"{CANONICAL}/sid/hk-macao-permit",  # 港澳居民来往内地通行证
    "HMT_RESIDENCE_PERMIT": f"{CANONICAL}/sid/hmt-residence-permit",  # 港澳台居民居住证 (GB 11643 layout)
    "FOREIGN_PERMANENT_RESIDENCE": f"{CANONICAL}/sid/foreign-permanent-residence",  # 外国人永久居留身份证
}
"""ID-1: one identifier system per identity document type (seed 002 item 36)."""

INSTITUTION_CODE_SYSTEM = f"{CANONICAL}/sid/institution-code"
"""IN-1: the 12-character national code of a designated institution (H + region + sequence)."""

REMOTE_FILING_SYSTEM = f"{CANONICAL}/sid/remote-filing"
"""The platform's number of a remote-treatment filing (异地就医备案)."""

# -- code systems defined here ---------------------------------------------------------------
DOCUMENT_TYPE = f"{CANONICAL}/CodeSystem/document-type"
INSTITUTION_LEVEL = f"{CANONICAL}/CodeSystem/institution-level"
INSTITUTION_CATEGORY = f"{CANONICAL}/CodeSystem/institution-category"
SCHEME = f"{CANONICAL}/CodeSystem/insurance-scheme"
SELECTION_KIND = f"{CANONICAL}/CodeSystem/selection-kind"
SELECTION_SLOT = f"{CANONICAL}/CodeSystem/selection-slot"
FILING_TYPE = f"{CANONICAL}/CodeSystem/remote-filing-type"
FILING_STATUS = f"{CANONICAL}/CodeSystem/remote-filing-status"
FILING_BASIS = f"{CANONICAL}/CodeSystem/remote-filing-basis"
NETWORK_KIND = f"{CANONICAL}/CodeSystem/institution-network-kind"
ERROR_CODE = f"{CANONICAL}/CodeSystem/error-code"
DIVISION = f"{CANONICAL}/CodeSystem/gb-t-2260"
"""GB/T 2260 administrative division codes (6 digits), township codes below them (9 digits, as the
city data gives them), and the insurance-region codes a city uses where GB/T 2260 has none."""

# -- extensions ------------------------------------------------------------------------------
EXT_DIVISION = f"{CANONICAL}/StructureDefinition/division-code"
EXT_TOWN_CODE = f"{CANONICAL}/StructureDefinition/town-code"
EXT_NETWORK = f"{CANONICAL}/StructureDefinition/institution-network"
EXT_SERVICE = f"{CANONICAL}/StructureDefinition/designated-service"
EXT_REMOTE_FILING = f"{CANONICAL}/StructureDefinition/remote-filing"
EXT_INSURED_CITY = f"{CANONICAL}/StructureDefinition/insured-city"

# -- HL7 code systems used -------------------------------------------------------------------
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
SUBSCRIBER_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
V3_OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

DOCUMENT_ZH = {
    "RESIDENT_ID": "居民身份证",
    "HOUSEHOLD_REGISTER": "户口簿",
    "PASSPORT": "护照",
    "HK_MACAO_PERMIT": "港澳居民来往内地通行证",
    "HMT_RESIDENCE_PERMIT": "港澳台居民居住证",
    "FOREIGN_PERMANENT_RESIDENCE": "外国人永久居留身份证",
}
MASKED = "MASKED"  # v3-ObservationValue: the security label of masked data (ID-2)
MEMBER_NUMBER = ("MB", "Member Number")  # v2-0203: the insurance member number
DOCUMENT_V2 = {"RESIDENT_ID": ("NI", "National unique individual identifier"),
               "PASSPORT": ("PPN", "Passport number")}
LEVEL_ZH = {InstitutionLevel.LEVEL_1_OR_BELOW: "一级及以下", InstitutionLevel.LEVEL_2: "二级",
            InstitutionLevel.LEVEL_3: "三级"}
SCHEME_ZH = {Scheme.EMPLOYEE: "职工基本医疗保险", Scheme.RESIDENT: "城乡居民基本医疗保险"}
KIND_ZH = {SelectionKind.GENERAL_OUTPATIENT: "普通门诊", SelectionKind.SPECIAL_DISEASE: "门诊特定病种",
           SelectionKind.PRENATAL: "产前检查", SelectionKind.REMOTE: "异地就医门诊"}
