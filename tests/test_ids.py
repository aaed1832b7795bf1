"""ID-1 (GB 11643 and other documents) and ID-2 (masking)."""

from __future__ import annotations

import pytest

from yibao.core.ids import check_document, mask
from yibao.core.testkit.ids import make_id_number, with_wrong_check


def test_id1_check_character_from_the_gb11643_weights():
    # '10X98765432'[sum(d*w) % 11] with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    body = "44078319900101123"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    expected = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    assert make_id_number("440783", "19900101", 123) == body + expected
    assert check_document(body + expected) == []


def test_id1_kaiping_and_renamed_counties_are_valid():
    # stdnum's region table lacks 440783; a number stays valid for life whatever its county became
    assert check_document(make_id_number("440783")) == []


@pytest.mark.parametrize("number,reason", [
    ("4420001990010112", "length"),
    ("44200019900101123A", "format"),
    (with_wrong_check(make_id_number()), "check"),
    (make_id_number("442000", "19901301"), "birth date"),
])
def test_id1_invalid_resident_ids(number, reason):
    errors = check_document(number)
    assert [e.code for e in errors] == ["INVALID_ID_NUMBER"], reason
    assert errors[0].message and errors[0].message_en


def test_id1_other_documents_are_accepted_by_shape():
    assert check_document("E12345678", "PASSPORT") == []
    assert check_document("H12345678", "HK_MACAO_PERMIT") == []
    assert [e.code for e in check_document("??", "PASSPORT")] == ["INVALID_ID_NUMBER"]
    assert [e.code for e in check_document("x", "LIBRARY_CARD")] == ["INVALID_DOCUMENT_TYPE"]


def test_id2_mask_keeps_four_and_four():
    assert mask("440783199001011234") == "4407**********1234"
