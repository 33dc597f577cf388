"""What higher apps add to plans, declared here and filled in their ``AppConfig.ready()``.

Plans is the bottom of the house: it knows regions (core) and nothing above. The statistics app
keeps the indicator dictionary that a plan's targets name; it registers it here so a plan file can
be checked against it without plans importing statistics.
"""

from __future__ import annotations

from collections.abc import Callable

from steppe.core.registry import Registry

# indicator_catalogs: each returns the indicator codes it knows (an empty set: not loaded yet)
indicator_catalogs: Registry[Callable[[], set[str]]] = Registry("plans.indicator_catalogs")


def known_indicators() -> set[str] | None:
    """The indicator codes a plan may name, or None when no catalog is registered or loaded yet
    (then the check is skipped: a fresh database loads the plan before the statistics)."""
    codes: set[str] = set()
    for catalog in indicator_catalogs:
        codes |= catalog()
    return codes or None
