"""The README's GraphQL examples, pasted one by one in order with the token each names, all work."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def examples() -> list[tuple[str, str]]:
    """(token line, document) of every ```graphql block that names its token."""
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text("utf-8"), flags=re.S)
    return [(m.group(1).strip(), block) for block in blocks if (m := re.match(r"# token: (.+)\n", block))]


def payload_errors(data) -> list:
    """Every `errors` list inside the data (mutation payloads), flattened."""
    if isinstance(data, dict):
        found = list(data.get("errors") or []) if isinstance(data.get("errors"), list) else []
        return found + [e for k, v in data.items() if k != "errors" for e in payload_errors(v)]
    if isinstance(data, list):
        return [e for item in data for e in payload_errors(item)]
    return []


async def test_readme_examples_run_in_order_with_their_tokens(yibao_client):
    found = examples()
    assert len(found) >= 5, "the README's examples name their token (# token: …)"
    for token_line, document in found:
        role, *rest = token_line.split()
        token = None
        if role == "agency":
            token = yibao_client.token("agency", city=rest[0])
        elif role == "person":
            token = yibao_client.token("person", person=rest[0])
        else:
            assert role == "none", token_line
        result = await yibao_client(document, token=token)
        assert result.errors is None, (document, result.errors)
        assert payload_errors(result.data) == [], (document, result.data)
    assert result.data["selectInstitution"]["selection"]["status"] == "EFFECTIVE"  # the last one made it
