"""Where the Chinese source documents (seeds) are, for the tests that check our data against them.

The seeds are not part of the repository. `YIBAO_SEEDS_DIR` names their folder (CI points it at
the steering repository's `shared/seeds`); without it, `../shared/seeds` beside the clone is used
when present. Where neither exists, the transcription checks skip with this reason, and every
other test runs as usual: the README's test command passes in a fresh clone with nothing beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seeds_dir() -> Path | None:
    configured = os.environ.get("YIBAO_SEEDS_DIR")
    if configured:
        path = Path(configured)
        if not path.is_dir():
            raise RuntimeError(f"YIBAO_SEEDS_DIR={configured} is not a folder")
        return path
    return _BESIDE if _BESIDE.is_dir() else None


def seed_or_skip(name: str) -> Path:
    """The seed file `name`, or skip the calling test module saying why."""
    folder = seeds_dir()
    if folder is None or not (folder / name).is_file():
        pytest.skip(
            f"seed {name} not available: set YIBAO_SEEDS_DIR to the seeds folder to run the "
            "transcription checks against the source documents",
            allow_module_level=True,  # also fine inside a test
        )
    return folder / name
