"""Valid GB 11643 ID numbers for tests (ID-1): any region, birth date and sequence."""

from stdnum.cn import ric


def make_id_number(region: str = "442000", born: str = "19900101", sequence: int = 123) -> str:
    body = f"{region}{born}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def with_wrong_check(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("1" if last != "1" else "2")
