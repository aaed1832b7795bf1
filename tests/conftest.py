"""Fixtures for the yibao suite; the helpers live in tests/support.py, the rest in yibao.core.testkit."""

from .support import kaiping, new_id, zhongshan  # noqa: F401  (fixtures)
