"""Demo data of the business modules (CONVENTIONS.md "Modes"), filled in ``AppConfig.ready()``.

``org``'s ``seed_demo`` loads the organisation and then calls :func:`run_all`, so each module
adds its own plausible work without the organisation knowing about it (layers point down).
Every seeder must be idempotent: running the command again adds nothing twice.
"""

from collections.abc import Callable

_seeders: dict[str, tuple[int, Callable]] = {}


def register(name: str, seeder: Callable, *, order: int = 100) -> None:
    """``seeder(people: dict[str, User], departments: dict[str, Department]) -> dict``."""
    _seeders[name] = (order, seeder)


def run_all(people: dict, departments: dict) -> dict:
    counts = {}
    for name, (_order, seeder) in sorted(_seeders.items(), key=lambda item: item[1][0]):
        counts[name] = seeder(people, departments) or {}
    return counts
