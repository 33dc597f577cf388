"""The one validation layer of the pages: Django forms whose errors are all reported at once, each
next to its field (templates include ``web/_field.html``), in the page's language.

A form names what is wrong with the field's own label, never its code; messages are Chinese
first and go through the catalog. ``PageForm.error_summary`` lists every error with its label
for the box at the top of a form; ``add_domain_error`` puts a service's ``DomainError`` next
to the field it names (or at the top when it names none), so a rule checked only in the
service still lands beside its field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REQUIRED = _("必填")


class PageForm(forms.Form):
    """A page's form: Chinese-first messages, errors beside fields and summarised at the top."""

    error_css_class = "has-error"
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", REQUIRED)
            field.error_messages["required"] = REQUIRED

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field name, label, message) for every error, in field order; '' names the form."""
        out = [("", "", str(m)) for m in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                out.append((name, str(field.label or name), str(message)))
        return out

    def add_domain_error(self, exc, *, fields: dict[str, str] | None = None) -> None:
        """Attach a service error to its field: ``fields`` maps the service's field names to the
        form's (by default the same name); an error naming no known field goes to the top."""
        field = (getattr(exc, "data", None) or {}).get("field") or getattr(exc, "field", None)
        name = (fields or {}).get(field, field) if field else None
        message = getattr(exc, "message", None) or str(exc)
        self.add_error(name if name in self.fields else None, message)
