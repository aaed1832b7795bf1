"""Test helpers for yibao and for city plugins (installed with the package, like datasette's)."""
