"""Argument checks for the `yibao` command: every value is checked before anything runs, and every
failure is one line `CODE: 中文 (English)` on stderr with a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from yibao.core.errors import Refused, RequestError

MAX_PORT = 65535


class CliError(Exception):
    """A refusal of the command line, with a registered code and both texts."""

    def __init__(self, code: str, zh: str, en: str, details: tuple[str, ...] = ()):
        super().__init__(en)
        self.code, self.zh, self.en, self.details = code, zh, en, details

    def line(self) -> str:
        """`CODE: 中文 (English)`, then one indented line per detail (e.g. each bad row of a file)."""
        return f"{self.code}: {self.zh} ({self.en})" + "".join(f"\n  {d}" for d in self.details)


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口应为整数 / the port must be an integer, got {text!r}") from None
    if not 1 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"端口应在 1 到 {MAX_PORT} 之间 / the port must be 1..{MAX_PORT}, got {value}")
    return value


def positive_int(what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} 应为整数 / {what} must be an integer, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{what} 应为正整数 / {what} must be positive, got {value}")
        return value

    parse.__name__ = what  # argparse names the type in its messages
    return parse


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / a date is YYYY-MM-DD, got {text!r}") from None


def existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"找不到文件 / no such file: {text}")
    return path


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise CliError("BAD_ARGUMENT", f"{path} 不是 UTF-8 文本", f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CliError("BAD_ARGUMENT", f"{path} 不是有效的 JSON（第 {exc.lineno} 行）",
                       f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None


def no_traceback(main: Callable[..., int]) -> Callable[..., int]:
    """Turn every expected failure into one coded line on stderr and exit status 1."""

    @wraps(main)
    def run(*args: Any, **kwargs: Any) -> int:
        try:
            return main(*args, **kwargs)
        except CliError as exc:
            print(exc.line(), file=sys.stderr)
        except RequestError as exc:
            print(f"{exc.code}: {exc.message} ({exc.message_en})", file=sys.stderr)
        except Refused as exc:
            for e in exc.errors:
                where = "/".join(e.field or ())
                print(f"{e.code}{' ' + where if where else ''}: {e.message} ({e.message_en})", file=sys.stderr)
        except SQLAlchemyError as exc:
            print(f"BAD_ARGUMENT: 数据库无法连接或 YIBAO_DATABASE_URL 无效 (the database is unreachable or "
                  f"YIBAO_DATABASE_URL is not valid: {type(exc).__name__}: {str(exc).splitlines()[0]})", file=sys.stderr)
        except OSError as exc:
            print(f"BAD_ARGUMENT: 无法读写文件或连接 ({exc})", file=sys.stderr)
        except KeyboardInterrupt:
            return 130
        except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
            print(f"INTERNAL_ERROR: 内部错误 ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1

    return run
