"""schema/schema.graphql is the SDL of the served schema (CONTRACT: schema file)."""

from __future__ import annotations

from pathlib import Path

from yibao.schema.build import schema

SDL = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def test_committed_sdl_is_current():
    assert SDL.exists(), "schema/schema.graphql is missing: run `yibao schema > schema/schema.graphql`"
    assert SDL.read_text("utf-8") == schema.as_str() + "\n", "schema/schema.graphql is stale: run `yibao schema > schema/schema.graphql`"


def _one_line_arguments(sdl: str) -> str:
    """The SDL with described argument lists folded onto one line, as undescribed ones print."""
    import re

    def fold(match: re.Match) -> str:
        body = re.sub(r'\s*""".*?"""\s*', "\n", match.group(1), flags=re.DOTALL)
        return "(" + ", ".join(a.strip() for a in body.splitlines() if a.strip()) + ")"

    return re.sub(r"\(\n(.*?)\n\s*\)", fold, sdl, flags=re.DOTALL)


def test_contract_names_are_served():
    sdl = _one_line_arguments(schema.as_str())
    for name in [
        "enum Scheme", "enum SelectionKind", "enum SelectionStatus", "enum InstitutionLevel", "enum Channel",
        "type UserError", "interface Node", "cities: [City!]!", "node(id: ID!): Node",
        "institutions(city: String!, town: String = null, level: InstitutionLevel = null",
        "person(idNumber: String!): Person", "me: Person", "persons(city: String!, first: Int = null, after: String = null): PersonConnection!",
        "agencies(city: String!): [Agency!]!", "plugins: [Plugin!]!", "application(id: ID!): Application",
        "registerPerson(input: RegisterPersonInput!)", "changeScheme(input: ChangeSchemeInput!)",
        "selectInstitution(input: SelectInstitutionInput!)", "withdrawSelection(input: WithdrawSelectionInput!)",
        "endSelection(input: EndSelectionInput!)", "messageEn: String!", "totalCount: Int!",
        "selections(kind: SelectionKind = null, includeHistory: Boolean = false): [Selection!]!",
        "serviceItems(city: String = null", "[ServiceItem!]!", "submitApplication(input: SubmitApplicationInput!)",
        "reviewApplication(input: ReviewApplicationInput!)", "applicationEvents(applicationId: ID!",
        "materials: [String!]!", "details: JSON", "missingMaterials: [String!]", "serviceItemCode: String!",
        "coverage(idNumber: String!, kind: SelectionKind = GENERAL_OUTPATIENT, on: Date = null): [Institution!]!",
    ]:
        assert name in sdl, name
    for value in ["YUEYIBAO", "YUESHENGSHI", "GD_GOV_PORTAL", "NATIONAL_APP", "KIOSK", "WINDOW", "INSTITUTION", "PHONE",
                  "PENDING", "EFFECTIVE", "ENDED", "WITHDRAWN", "LEVEL_1_OR_BELOW", "LEVEL_2", "LEVEL_3"]:
        assert f"  {value}\n" in sdl, value
