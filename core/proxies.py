"""SE-3 / SC-4: one proxy rule for every path (selection, application).

Seed 000 "参保人凭本人及代办人(如需代办)身份证…"; seed 002 item 36: "委托办理业务的，应提供委托人及
代理人身份证件原件及委托人授权委托书". A request made by a proxy (a `proxy` token, or a `proxy`
given with the request, e.g. at a window) needs the proxy's own identity document and the letter
of authorisation. The requirements come from the catalogue's common rules (condition `proxy`), and
the same materials checker judges them on every path; the proxy's ID number is recorded with the
application.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ids
from .auth import Role
from .catalogue.items import ServiceItem
from .catalogue.materials import PROXY, check_materials, requirements
from .errors import UserError

PROXY_IDS = "委托人及代理人身份证件原件"
LETTER = "授权委托书"


@dataclass(frozen=True, slots=True)
class Proxy:
    """代办人: who acts for the person, and whether the 授权委托书 was brought."""

    id_number: str
    authorization_letter: bool = False


def acts_as_proxy(role: Role, proxy: Proxy | None) -> bool:
    return role is Role.PROXY or proxy is not None


def proxy_errors(item: ServiceItem, proxy: Proxy | None, person_id_number: str,
                 provided: tuple[str, ...] = ()) -> list[UserError]:
    """Every reason a proxy request lacks what the proxy rule asks, at once (一次性告知)."""
    errors: list[UserError] = []
    named: list[str] = list(provided)
    if proxy is not None:
        problems = ids.check_document(proxy.id_number)
        errors += [UserError(e.code, "代办人" + e.message, "proxy: " + e.message_en, ("proxy", "idNumber"))
                   for e in problems]
        if not problems and ids.normalize(proxy.id_number) == ids.normalize(person_id_number):
            errors.append(UserError("PROXY_IS_PERSON", "代办人不能是参保人本人", "the proxy cannot be the person",
                                    ("proxy", "idNumber")))
        if not problems:
            named.append(PROXY_IDS)  # the person's and the proxy's documents, checked at the counter
        if proxy.authorization_letter:
            named.append(LETTER)
    proxy_rules = [r for r in requirements(item, [PROXY]) if r.condition is not None and r.condition.code == PROXY]
    wanted = {r.id for r in proxy_rules}
    checked = check_materials(item, named, [PROXY])
    errors += [m.to_user_error() for m in checked.missing if m.requirement_id in wanted]
    return errors


def proxy_materials(proxy: Proxy | None) -> list[str]:
    """The materials a proxy given with a request stands for, as recorded on the application."""
    if proxy is None:
        return []
    return [PROXY_IDS] + ([LETTER] if proxy.authorization_letter else [])
