"""The every_case_asserts marker (core/testkit/pytest_plugin.py) fails a case that runs no
assertion, such as a parametrized case that returns early; a real pytest run in a folder shows it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_a_case_without_an_assertion_fails_and_one_with_passes(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nenable_assertion_pass_hook = true\n", "utf-8")
    (tmp_path / "test_cases.py").write_text(textwrap.dedent("""
        import pytest

        pytestmark = pytest.mark.every_case_asserts

        @pytest.mark.parametrize("items", [[1, 2], []])
        def test_each_item_is_positive(items):
            for item in items:
                assert item > 0
        """), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_cases.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stdout
    assert "1 failed, 1 passed" in out.stdout
    assert "test_each_item_is_positive[items1] ran without executing a single assertion" in out.stdout
