"""schema/schema.graphql is the SDL of the served schema (CONTRACT: schema file)."""

from __future__ import annotations

from pathlib import Path

from yibao.schema.build import schema

SDL = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def test_committed_sdl_is_current():
    assert SDL.exists(), "schema/schema.graphql is missing: run `yibao schema > schema/schema.graphql`"
    assert SDL.read_text("utf-8") == schema.as_str() + "\n", "schema/schema.graphql is stale: run `yibao schema > schema/schema.graphql`"


def bare_sdl(sdl: str) -> str:
    """The SDL without descriptions (arguments with descriptions print one per line)."""
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, build_schema, print_schema
    from graphql.type import GraphQLInterfaceType

    built = build_schema(sdl)
    for t in built.type_map.values():
        t.description = None
        if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for f in t.fields.values():
                f.description = None
                for a in getattr(f, "args", {}).values():
                    a.description = None
        if isinstance(t, GraphQLEnumType):
            for v in t.values.values():
                v.description = None
    return print_schema(built)


def test_contract_names_are_served():
    sdl = bare_sdl(schema.as_str())
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


# -- breaking changes against the last released SDL --------------------------------------------------

RELEASED = SDL.parent / "released.graphql"

# Breaking changes accepted on purpose, each with its reason. Anything else fails the check.
ACCEPTED = {
    "Field UserError.code changed type from String! to ErrorCode!.":
        "CONTRACT.md: the frontend issue turns `code` into `ErrorCode!`, same upper-snake strings on the wire",
    "Enum value ProcessKind.SHENZHEN_FIVE_STEPS was removed.":
        "issue 8/13: core names no city; the five steps are APPLY_ACCEPT_REVIEW_PAY_CLOSE in the city's version",
    "Field Person.documentType changed type from String! to DocumentType!.":
        "a closed set as an enum (issue 14); an output field, the same strings on the wire",
}


def breaking_changes(old_sdl: str, new_sdl: str) -> list[str]:
    from graphql import build_schema, find_breaking_changes

    return [c.description for c in find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))]


def test_no_breaking_change_against_the_released_sdl():
    found = breaking_changes(RELEASED.read_text("utf-8"), SDL.read_text("utf-8"))
    unexpected = [c for c in found if c not in ACCEPTED]
    assert not unexpected, "breaking changes against schema/released.graphql:\n" + "\n".join(unexpected)


def test_the_check_fails_on_a_removed_field():
    from graphql import build_schema, print_schema

    current = SDL.read_text("utf-8")
    copy = build_schema(current)
    del copy.type_map["UserError"].fields["messageEn"]  # a copy with UserError.messageEn removed
    found = breaking_changes(current, print_schema(copy))
    assert found == ["Field UserError.messageEn was removed."]
    assert [c for c in found if c not in ACCEPTED]
