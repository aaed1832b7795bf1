"""What a caller's text may be, per input field (issue 10: one validation layer before any service).

Every string that arrives as an argument is NFC-normalised (so 'é' typed two ways is one name and
one search) and then checked against the rule of the field it fills: no control characters (free
text such as a reason may hold line breaks and tabs), and no longer than the column it is stored
in or compared with, so no value longer than its column ever reaches the database. The limits are
read from the storage columns themselves; where a column is unbounded TEXT the limit is ours.
JSON inputs (`details`) must be objects of bounded size and depth.

Rules are found by `Type.field` (an input field or `Query.field(arg:)`), then by the GraphQL name
alone (`idNumber` means the same everywhere), then DEFAULT.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any


from .storage.tables import (
    ApplicationRow,
    ApplicationSubstitutionRow,
    AuditLogRow,
    InstitutionNetworkRow,
    InstitutionRow,
    PersonRow,
    RemoteFilingChoiceRow,
    RemoteFilingRow,
    ServiceItemRow,
)


@dataclass(frozen=True, slots=True)
class TextRule:
    max_length: int
    multiline: bool = False
    """Line feed, carriage return and tab allowed (free text); every other control character never is."""


@dataclass(frozen=True, slots=True)
class JsonRule:
    max_chars: int = 4096
    """The object's size as compact JSON text."""
    max_depth: int = 4
    """Nesting of objects and arrays; the object itself is depth 1."""


def _column(column: Any) -> TextRule:
    """The rule of a bounded String column: at most its length."""
    length = column.type.length
    if not isinstance(length, int):
        raise ValueError(f"{column} is not a bounded String column")
    return TextRule(length)


FREE_TEXT = TextRule(1000, multiline=True)
"""A reason or remark (stored as TEXT): a paragraph, not a document."""
MATERIAL = _column(ApplicationSubstitutionRow.substitute)
"""A material's catalogue name (stored with the application, and as a substitute's name)."""
DEFAULT = TextRule(200)
"""Anything not named below: global ids, cursors, codes."""

TEXT_RULES: dict[str, TextRule] = {
    # by GraphQL name, wherever it appears
    "idNumber": _column(PersonRow.id_number),
    "idempotencyKey": _column(ApplicationRow.idempotency_key),
    "city": _column(PersonRow.city),
    "town": _column(InstitutionRow.town),
    "category": _column(InstitutionRow.category),
    "code": _column(ServiceItemRow.code),  # institution(code:) 12, serviceItem(code:) 20: the longer
    "institutionCode": _column(InstitutionRow.code),
    "outpatientInstitutionCodes": _column(InstitutionRow.code),
    "serviceItemCode": _column(ServiceItemRow.code),
    "itemCode": _column(ApplicationRow.item_code),
    "documentType": _column(PersonRow.document_type),
    "destination": _column(RemoteFilingRow.destination),
    "materials": MATERIAL,
    "missingMaterials": MATERIAL,
    "reason": FREE_TEXT,
    # a search longer than the longest text it is compared with (an institution's full pinyin) cannot
    # match; SQLite also refuses LIKE patterns over 50,000 bytes
    "search": _column(InstitutionRow.name_pinyin),
    # by type and field
    "RegisterPersonInput.name": _column(PersonRow.name),
    "RemoteOutpatientChoiceInput.name": _column(RemoteFilingChoiceRow.name),
    "NetworkInput.id": _column(InstitutionNetworkRow.network_id),
    "AuditLogFilter.subject": _column(AuditLogRow.subject),
    "AuditLogFilter.operation": _column(AuditLogRow.operation),
}

JSON_RULES: dict[str, JsonRule] = {
    "SubmitApplicationInput.details": JsonRule(),
}
DEFAULT_JSON = JsonRule()


def text_rule(qualified: str, name: str) -> TextRule:
    return TEXT_RULES.get(qualified) or TEXT_RULES.get(name) or DEFAULT


def json_rule(qualified: str) -> JsonRule:
    return JSON_RULES.get(qualified, DEFAULT_JSON)


def normalise(value: str) -> str:
    """Unicode NFC (fast for the common case: ASCII and already-composed text come back as they are)."""
    return value if value.isascii() or unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # keeps \t \n \r


def control_character(value: str, rule: TextRule) -> str | None:
    """The first control character (Unicode Cc) the rule does not allow, or None."""
    found = (_CONTROL_BUT_LINES if rule.multiline else _CONTROL).search(value)
    return found.group() if found else None
