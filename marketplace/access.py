"""Access rules: every API operation declares exactly one.

A rule answers "may the current caller reach this operation with these URL
arguments?" and raises AuthenticationRequired (401), Forbidden (403) or
NotFound (404) otherwise. Rules that depend on a domain (producer membership,
display-point operators) are built in that domain's package from ``Rule``.

Whether a *particular* row belongs to the caller is still checked by the
service, which loads rows scoped to the producer in the URL.
"""

from dataclasses import dataclass, field
from functools import wraps
from typing import Callable

from flask_login import current_user

from marketplace.errors import N_, AuthenticationRequired, DomainError, Forbidden, NotFound


class AccountDisabled(Forbidden):
    code, message = "account_disabled", N_("This account is disabled.")


class AdminsOnly(Forbidden):
    code, message = "admin_only", N_("Only platform admins may do this.")


@dataclass(frozen=True)
class Rule:
    name: str
    login_required: bool = True
    check: Callable[[object, dict], None] | None = None
    # Which roles may pass, for the authorization-matrix test and the docs.
    allows: frozenset = field(default_factory=frozenset)
    # The refusals this rule can answer with, documented on every operation.
    refusals: tuple[int, ...] = (401, 403)
    # The named errors behind them, for the docs (a status without one is documented generically).
    raises: tuple[type[DomainError], ...] = ()
    # The OpenAPI security requirements of a rule that needs no login but a
    # credential of its own, which `check` verifies (a bank's signed notification).
    security: tuple[dict, ...] = ()

    @property
    def signed(self) -> bool:
        """No user signs in, but the request must prove itself (check(None, ...)): a
        caller without the credential is refused 401, whoever is logged in."""
        return not self.login_required and self.check is not None

    @property
    def documented_errors(self) -> tuple[int, ...]:
        return self.refusals if self.login_required or self.signed else ()

    @property
    def documented_raises(self) -> tuple:
        """Named errors, and bare statuses for refusals no named error stands for."""
        if not self.login_required:
            return self.raises
        named = (AuthenticationRequired, AccountDisabled, *self.raises)
        covered = {error.status for error in named}
        generic = {403: Forbidden, 404: NotFound}
        return (*named, *(generic.get(status, status) for status in self.refusals if status not in covered))

    def enforce(self, view_kwargs: dict) -> None:
        if not self.login_required:
            if self.check:  # the request's own credential, not a user's
                self.check(None, view_kwargs)
            return
        if not current_user.is_authenticated:
            raise AuthenticationRequired()
        if not current_user.is_active:
            raise AccountDisabled()
        if self.check:
            self.check(current_user, view_kwargs)


def requires(rule: Rule):
    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            rule.enforce(kwargs)
            return func(*args, **kwargs)

        wrapper._access_rule = rule
        return wrapper

    return decorator


def _admin_only(user, _kwargs):
    if not user.is_admin:
        raise AdminsOnly()


ALL_ROLES = frozenset({"anonymous", "shopper", "owner", "staff", "other_producer", "admin", "operator"})

PUBLIC = Rule("public", login_required=False, allows=ALL_ROLES)
AUTHENTICATED = Rule("authenticated", allows=ALL_ROLES - {"anonymous"}, refusals=(401,))
ADMIN = Rule("admin", check=_admin_only, allows=frozenset({"admin"}), raises=(AdminsOnly,))
