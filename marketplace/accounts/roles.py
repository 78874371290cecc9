"""What a user may act as. Domains that grant roles (producers, display points)
register a provider here, so accounts never import them."""

from typing import Callable

_providers: dict[str, Callable] = {}


def register_role_provider(name: str, provider: Callable) -> None:
    """provider(user) returns a JSON-able description of the user's roles of that kind."""
    _providers[name] = provider


def roles_of(user) -> dict:
    roles = {"shopper": True, "admin": bool(user.is_admin)}
    for name, provider in _providers.items():
        roles[name] = provider(user)
    return roles
