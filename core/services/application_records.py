"""Typed records behind an application (申请): what was submitted, which substitutes were used,
how a reviewer decided. Stored in columns and rows (migration 0006), never read back from JSON keys.

The selection request a selection application carries (`SelectionRequestDetails`) is still
stored as the application's `details` document, written and read only here; the typed
selection-request record of issue 15 replaces it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ..domain import SelectionKind


class ReviewDecision(str, enum.Enum):
    """审核结论 (SC-3): approve, reject with a reason, or return naming every missing material."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"
    RETURN = "RETURN"


@dataclass(frozen=True, slots=True)
class SubstituteUsed:
    """A material met by a substitute (SC-5), e.g. 个人承诺书 for 居民户口簿, and what that means."""

    requirement: str
    """The catalogue requirement (material id) it stands for."""
    substitute: str
    consequence: str | None
    replaces: tuple[str, ...]
    """The documents it stands in for."""


@dataclass(frozen=True, slots=True)
class SubmissionDetails:
    """What an applicant declares with submitApplication besides the materials.

    facts: conditions the material rules depend on (SC-4), e.g. "proxy", "first_payment";
    case: an exception of the item's time limit (e.g. 个人账户申办), when one applies.
    """

    facts: tuple[str, ...] = ()
    proxy: bool = False
    first_payment: bool = False
    case: str | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> SubmissionDetails:
        """The GraphQL `details` input, typed once at the boundary (values of the wrong type are ignored)."""
        raw = raw or {}
        facts = raw.get("facts")
        case = raw.get("case")
        return cls(
            facts=tuple(f for f in facts if isinstance(f, str)) if isinstance(facts, list) else (),
            proxy=raw.get("proxy") is True,
            first_payment=raw.get("firstPayment") is True,
            case=case if isinstance(case, str) and case.strip() else None,
        )


@dataclass(frozen=True, slots=True)
class SelectionRequestDetails:
    """The selection request a selection application (SE-5) stands for, kept until it is reviewed."""

    id_number: str
    kind: SelectionKind
    institution_code: str
    replaces_selection_id: int | None = None
    replaces: int | None = None
    """The record the request changes as judged when it was filed (informational)."""
    idempotency_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"idNumber": self.id_number, "kind": self.kind.value, "institutionCode": self.institution_code,
                "replacesSelectionId": self.replaces_selection_id, "replaces": self.replaces,
                "idempotencyKey": self.idempotency_key}

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> SelectionRequestDetails | None:
        """None for an application that is not a selection request."""
        if not raw or "institutionCode" not in raw or "kind" not in raw:
            return None
        return cls(id_number=raw["idNumber"], kind=SelectionKind(raw["kind"]), institution_code=raw["institutionCode"],
                   replaces_selection_id=raw.get("replacesSelectionId"), replaces=raw.get("replaces"),
                   idempotency_key=raw.get("idempotencyKey"))
