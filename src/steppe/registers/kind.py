"""What a register is (``RegisterKind``): its model, form, who files it, who sees it, and the columns
of its list, export and import. ``kinds.KINDS`` lists the nine; permissions read a kind without
importing the forms the list names (forms ask permissions which loans a bank may see).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.forms import ModelForm

from .models import RegisterRecord


class RecordFormClass(Protocol):
    """A ``forms.RecordForm`` subclass, as the services call it (named structurally: the forms
    import permissions, which read this module)."""

    def __call__(self, data: dict | None = ..., *, instance: Any = ..., actor: Any, sent: Any = ...) -> ModelForm: ...


@dataclass(frozen=True)
class RegisterKind:
    slug: str  # in URLs and the API: /registers/<slug>/, /api/v1/<api_path>
    model: type[RegisterRecord]
    form: RecordFormClass
    label: object  # lazy Chinese label
    api_path: str
    submitters: frozenset  # roles that may file a record
    public: bool  # verified records are public
    columns: tuple[str, ...]  # list page and export, after the name column
    filters: tuple[str, ...]  # list filters (choice fields), besides region and review
    unique: tuple[str, ...]  # a second live record with the same values is refused
    amount_field: str | None = None
    date_field: str | None = None  # what "the year" of a record means for counts
    owner_field: str = "unit"  # the unit that owns a record (the bank, for loans)
    extra: dict = field(default_factory=dict)

    @property
    def name_field(self) -> str:
        return self.columns[0]
