"""Jobs by name: a queued job carries a name and keyword arguments, never a function."""

from dataclasses import dataclass
from typing import Callable

JOBS: dict[str, Callable] = {}


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: int


PERIODIC: dict[str, Periodic] = {}


class UnknownJob(LookupError):
    """No job is registered under this name."""


def job(name: str):
    """Register `function` as the job `name`; its keyword arguments must be JSON values."""
    def register(function: Callable) -> Callable:
        JOBS[name] = function
        return function
    return register


def every(seconds: int, name: str) -> None:
    """Run the job `name` (no arguments) every `seconds`, under ``flask jobs schedule``."""
    PERIODIC[name] = Periodic(name, seconds)


def lookup(name: str) -> Callable:
    """Raises UnknownJob."""
    try:
        return JOBS[name]
    except KeyError:
        raise UnknownJob(name) from None
