"""No file under core/ or schema/ names a city: cities live in plugins (issues 8 and 13).

Every file (code, data, SDL, templates) is read; the shipped cities' codes and names, and the
other city seed 002 names (汕尾), must not appear. The examples in hookspecs use a made-up city of
no shipped plugin (foshan), which is allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITY_WORDS = ("shenzhen", "深圳", "shanwei", "汕尾", "zhongshan", "中山市", "kaiping", "开平", "jiangmen", "江门")
# schema/released.graphql is the record of the schema as released (the breaking-change baseline):
# history, not a file the current code serves.
HISTORY = {ROOT / "schema" / "released.graphql"}
FILES = sorted(p for folder in ("core", "schema") for p in (ROOT / folder).rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p not in HISTORY)


def test_the_check_reads_the_catalogue_data_and_the_sdl():
    names = {p.name for p in FILES}
    assert {"GD-12.json", "schema.graphql", "domain.py", "hookspecs.py"} <= names  # positive control


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_city_is_named(path: Path):
    text = path.read_text("utf-8", errors="ignore").casefold()
    assert [w for w in CITY_WORDS if w in text] == []
