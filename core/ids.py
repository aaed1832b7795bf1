"""ID-1 / ID-2: identity document numbers, their checks and their masking."""

from __future__ import annotations

import hashlib
import hmac
import re

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from .errors import UserError

RESIDENT_ID = "RESIDENT_ID"

# ID-1 (seed 002 item 36): the other valid identity documents. Their numbers have no public
# check digit, so they are checked for shape only.
OTHER_DOCUMENTS: dict[str, tuple[str, str, re.Pattern[str]]] = {
    "HOUSEHOLD_REGISTER": ("户口簿", "household register", re.compile(r"^[0-9A-Z]{6,20}$")),
    "PASSPORT": ("护照", "passport", re.compile(r"^[A-Z0-9]{5,17}$")),
    "HK_MACAO_PERMIT": ("港澳居民来往内地通行证", "Hong Kong/Macao permit", re.compile(r"^[HM]\d{8,10}$")),
    "HMT_RESIDENCE_PERMIT": (
        "港澳台居民居住证",
        "Hong Kong/Macao/Taiwan residence permit",
        re.compile(r"^8[123]0000\d{11}[0-9X]$"),
    ),
    "FOREIGN_PERMANENT_RESIDENCE": (
        "外国人永久居留身份证",
        "foreign permanent-residence card",
        re.compile(r"^([A-Z]{3}\d{12}|9\d{16}[0-9X])$"),
    ),
}


def normalize(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def check_document(number: str, document_type: str = RESIDENT_ID) -> list[UserError]:
    """Every problem with a document number (empty list when valid)."""
    number = normalize(number)
    field = ("idNumber",)
    if document_type == RESIDENT_ID:
        return _check_resident_id(number, field)
    if document_type not in OTHER_DOCUMENTS:
        names = "、".join(["居民身份证", *(zh for zh, _, _ in OTHER_DOCUMENTS.values())])
        return [UserError("INVALID_DOCUMENT_TYPE", f"不支持该证件类型，可用的有效身份证件：{names}",
                          f"unsupported document type: {document_type}", ("documentType",))]
    zh, en, pattern = OTHER_DOCUMENTS[document_type]
    if not pattern.match(number):
        return [UserError("INVALID_ID_NUMBER", f"{zh}号码格式不正确", f"malformed {en} number", field)]
    return []


def _check_resident_id(number: str, field: tuple[str, ...]) -> list[UserError]:
    # ID-1: GB 11643-1999. stdnum checks length, digits, check character and birth date; its
    # birth-place table is not used: it lacks some live county codes and a number stays
    # valid for life after its county is renamed.
    if len(number) != 18 or not number[:17].isdigit():
        return [UserError("INVALID_ID_NUMBER", "身份证号码应为18位（17位数字加校验位）",
                          "a resident ID number has 18 characters: 17 digits and a check character", field)]
    if ric.calc_check_digit(number) != number[-1]:
        return [UserError("INVALID_ID_NUMBER", "身份证号码校验位不正确",
                          "the resident ID number's check character is wrong", field)]
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return [UserError("INVALID_ID_NUMBER", "身份证号码中的出生日期无效",
                          "the birth date inside the resident ID number is not a real date", field)]
    return []



def mask(number: str) -> str:
    """ID-2: keep the first four and last four characters (4407**********1234)."""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


# -- the keyed hash of an ID number (issue 12: the federation key of Person) ---------------------

ID_HASH_INFO = b"yibao person id hash v1"
"""Domain separation for the development key derived from YIBAO_SECRET."""


def id_hash_key(federation_key: str | None, secret: str) -> bytes:
    """The key of `id_hash`: YIBAO_FEDERATION_KEY (UTF-8 bytes) when set, the key operators share
    with integrators; otherwise a development key derived from the token secret (HMAC-SHA256 of
    ID_HASH_INFO under YIBAO_SECRET), so the secret itself is never what integrators are given."""
    if federation_key:
        return federation_key.encode()
    return hmac.new(secret.encode(), ID_HASH_INFO, hashlib.sha256).digest()


def id_hash(key: bytes, id_number: str) -> str:
    """HMAC-SHA256 of the normalised document number (whitespace removed, upper case, UTF-8)
    under `key`, as 64 lower-case hex characters.

    Keyed on purpose: a resident ID number has only ~10^11 possible values (region, birth date,
    sequence), so a plain SHA-256 is reversed by trying them all; without the key no one can
    compute or test a candidate, so the hash reveals nothing to gateways, logs or other subgraphs."""
    return hmac.new(key, normalize(id_number).encode(), hashlib.sha256).hexdigest()
