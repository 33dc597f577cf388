"""Declared interfaces between apps: a lower app reads what higher apps put in a registry.

Data flows one way (docs/architecture.md): a lower app never imports a higher one. When a lower
app must show something a higher app owns (the to-do list of supervision lists 揭榜挂帅 duties;
statistics counts what the transfer and policy registers hold), the lower app declares a
``Registry`` of providers with a typed contract, and each higher app registers its provider in
its ``AppConfig.ready()``. The reader iterates the registry; it never names the higher app, never
loads it by ``importlib`` or ``apps.get_model``, and never hides a provider's failure.

Registries that several apps share are declared in this module (``platform_figures``); an app's own
extension points are declared in that app (e.g. ``steppe.supervision.extensions``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from .cache import Generation


class Registry[T]:
    """Providers of one kind, by key, in the order they were registered (INSTALLED_APPS order)."""

    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc or f"Registry {name}"
        self._items: dict[str, T] = {}

    def register(self, key: str, provider: T) -> T:
        """Add a provider; a second provider under the same key is a configuration error."""
        if key in self._items and self._items[key] is not provider:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered twice")
        self._items[key] = provider
        return provider

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    @contextmanager
    def override(self, **providers: T) -> Iterator[None]:
        """For tests: replace (or add) providers within a block."""
        saved = dict(self._items)
        self._items.update(providers)
        try:
            yield
        finally:
            self._items = saved

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._items) or 'empty'}>"


# ---------------------------------------------------------------- platform figures


@dataclass(frozen=True)
class PlatformFigures:
    """A table of figures one of the platform's registers holds, for the statistics dashboard.

    ``rows()`` returns one dict per region and year: ``region_code`` (GB/T 2260), ``year`` and the
    figures (int or Decimal, in the unit the key's name says, e.g. ``turnover_wan`` in 万元). The
    dashboard shows them beside, never mixed with, the published statistics. A provider that fails
    raises: the reader does not hide it. ``title`` heads the table and ``labels`` name its columns
    (Chinese, translated by the page) where the dashboard does not know them already.
    """

    key: str
    rows: Callable[[], list[dict]]
    title: str = ""
    labels: tuple[tuple[str, str], ...] = ()


platform_figures: Registry[PlatformFigures] = Registry(
    "platform_figures",
    "Figures the platform's own registers hold (transfer network, policy register, registers), read by stats.",
)


# ---------------------------------------------------------------- monitoring report sections


@dataclass(frozen=True)
class ReportSection:
    """A section a higher app adds to the monitoring report (HTML, PDF, XLSX): a title, a few
    paragraphs and one table. Missing values in ``rows`` are None (shown empty, never zero)."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


# A provider takes the report's year (as_of) and returns its section, or None when it has nothing.
ReportSectionProvider = Callable[[int], ReportSection | None]

report_sections: Registry[ReportSectionProvider] = Registry(
    "report_sections",
    "Sections higher apps (evaluation) add to the monitoring report, read by stats.report.",
)


# ---------------------------------------------------------------- what the registers hold for a measure


@dataclass(frozen=True)
class MeasureRecords:
    """What one register holds for one measure of the plan (e.g. A1-07: 3 自治区级重点实验室, 2024 年批准).

    ``groups`` are (count, what, year or None) with ``what`` already in the page's language;
    ``amount`` is in ``unit`` where the register keeps money; ``url`` lists the records.
    """

    register: str
    label: str
    count: int
    groups: tuple[tuple[int, str, int | None], ...] = ()
    amount: Decimal | None = None
    unit: str = ""
    url: str = ""


# A provider takes measure codes and returns, per code it holds records for, its MeasureRecords.
MeasureRecordsProvider = Callable[[list[str]], dict[str, list[MeasureRecords]]]

measure_records: Registry[MeasureRecordsProvider] = Registry(
    "measure_records",
    "What the registers hold for each measure: read by the plan pages and supervision (register-type measures).",
)


# What the providers hold for the measures changes under this generation (core.cache): each
# provider watches, in its ``ready()``, every model (and link) its counts read, and a reader that
# keeps them in the cache keys its entries with ``MEASURE_RECORDS.current()``.
MEASURE_RECORDS = Generation("measure_records")


def records_for_measures(codes: list[str]) -> dict[str, list[MeasureRecords]]:
    """Every provider's records for these measure codes, merged (codes without records are left out)."""
    out: dict[str, list[MeasureRecords]] = {}
    for provider in measure_records:
        for code, items in provider(list(codes)).items():
            out.setdefault(code, []).extend(items)
    return out


# ---------------------------------------------------------------- notification kinds


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notice in the one inbox: its stored value and its (lazy, Chinese) label. Core owns
    the generic kinds (``Notification.Kind``: info, review); an app that sends its own kinds
    (supervision's reminders, policy's qualification notices) registers them in ``ready()``."""

    key: str
    label: object


notification_kinds: Registry[NotificationKind] = Registry(
    "notification_kinds", "Kinds of notice: the inbox, the preferences page and notify() accept only these"
)


def notification_kind_choices() -> list[tuple[str, object]]:
    """``Notification.kind``'s choices, read when asked (apps register their kinds in ready())."""
    return [(k.key, k.label) for k in notification_kinds]


@dataclass(frozen=True)
class SignupProfile:
    """What a higher app adds to one kind's sign-up (a service agency's broker profile): its fields
    (Django form fields, shown for that kind on the sign-up page and accepted by the API), a check
    of the cleaned values (field -> message; run with the form's own checks, so every problem is
    reported at once) and the write, in the sign-up's transaction."""

    kind: str
    fields: Callable[[], dict]  # name -> django.forms.Field, made fresh for each form
    check: Callable[[dict], dict[str, str]]
    create: Callable[..., object]  # create(organisation, user, cleaned) -> the profile


signup_profiles: Registry[SignupProfile] = Registry(
    "signup_profiles",
    "Profiles made with an organisation's sign-up, by kind (transfer: a service agency's broker).",
)
