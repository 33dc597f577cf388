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
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from . import credit_code as cc
from .bilingual import in_language
from .credit_code import credit_code_normalise, credit_code_problem
from .models import Organisation, Region, User
from .registry import signup_profiles
from .roles import SIGNUP_KIND_ROLE, OrgKind, Role

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
        message = in_language(getattr(exc, "message", None) or str(exc))
        self.add_error(name if name in self.fields else None, message)


# ---------------------------------------------------------------- accounts (sign-up, decisions, invitations)

MSG_CREDIT_CODE = _("统一社会信用代码无效（GB 32100-2015）：%(reason)s")
MSG_REGION = _("请选择内蒙古的一个旗县区（6 位代码）")
MSG_EMAIL_TAKEN = _("该邮箱已注册，请直接登录或找回密码")
MSG_NAME_TAKEN = _("已有同名单位以另一统一社会信用代码注册，请核对名称或信用代码")
MSG_PASSWORDS_DIFFER = _("两次输入的密码不一致")
MSG_REASON_REQUIRED = _("请填写不通过的理由")

# the checker's reasons, as the page's language gives them
CREDIT_REASONS = {
    cc.REASON_LENGTH: _("须为 18 位"),
    cc.REASON_CHECK: _("校验码不符"),
}
MSG_CREDIT_CHARACTER = _("含非法字符 %(char)s")


def credit_code_error(value) -> str | None:
    """The one message for a bad 统一社会信用代码 on a page (sign-up, contracts), in the page's
    language; None for a valid code."""
    code = credit_code_normalise(value)
    problem = credit_code_problem(code)
    if not problem:
        return None
    bad = [c for c in code if c not in cc.CREDIT_CODE_CHARS]
    reason = CREDIT_REASONS.get(problem) or MSG_CREDIT_CHARACTER % {"char": bad[0] if bad else ""}
    return str(MSG_CREDIT_CODE % {"reason": reason})


def county_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Counties grouped by league, for the region picker."""
    leagues: dict[str, tuple[str, list]] = {}
    for r in Region.objects.filter(level=Region.Level.PREFECTURE, code__startswith=Region.PROVINCE_PREFIX).order_by("code"):
        leagues[r.code] = (r.name, [])
    for r in Region.objects.filter(level=Region.Level.COUNTY, code__startswith=Region.PROVINCE_PREFIX).order_by("code"):
        league = leagues.get(r.league_code)
        if league:
            league[1].append((r.code, f"{r.name}（{r.code}）"))
    return [("", "—")] + [(name, counties) for name, counties in leagues.values()]


class ErrorsMixin:
    """What the API returns for a form's errors (the same messages the page shows beside fields)."""

    def error_list(self) -> list[dict]:
        """[{field, message}] in the form's field order: what the API returns."""
        out = []
        for name, errors in self.errors.items():
            for message in errors:
                out.append({"field": name if name != "__all__" else "body", "message": str(message)})
        return out


MSG_NOT_TEXT = _("应为文本")
MSG_NOT_NUMBER = _("应为数字")


class JsonTypesMixin:
    """A form that also judges an API body's JSON kinds (``sent``, a core.validation.JsonInput): a
    value of the wrong kind (a number where text belongs, a list for a date) is that field's one
    error, named like every other, instead of being read as its text. ``malformed`` says there was
    one (the API answers 422 then, as for the other writes). Call ``_take_sent`` before the form's
    own ``__init__``; a form with fields of other kinds overrides ``json_type_error``."""

    type_errors: dict[str, str]

    def json_type_error(self, name: str, field: forms.Field, value) -> str | None:
        """What is wrong with the kind of the JSON value sent for `field` (None: nothing)."""
        if value is None:
            return None
        if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            return None if isinstance(value, int | float | str) and not isinstance(value, bool) else str(MSG_NOT_NUMBER)
        return None if isinstance(value, str) else str(MSG_NOT_TEXT)

    def _take_sent(self, sent) -> None:
        from .validation import JsonInput

        self.type_errors = {}
        if isinstance(sent, JsonInput):
            for name, field in self.base_fields.items():  # type: ignore[attr-defined]
                message = self.json_type_error(name, field, sent.get(name)) if sent.get(name) is not None else None
                if message:
                    self.type_errors[name] = message

    @property
    def malformed(self) -> bool:
        return bool(self.type_errors)

    def full_clean(self):
        if self.type_errors:  # the fields never see a value of the wrong kind (a date field would crash on a number)
            self.data = {k: v for k, v in self.data.items() if k not in self.type_errors}  # type: ignore[has-type]
        super().full_clean()  # type: ignore[misc]
        for name, message in self.type_errors.items():
            self._errors[name] = self.error_class([message])  # type: ignore[attr-defined]
            self.cleaned_data.pop(name, None)  # type: ignore[attr-defined]


class SignupForm(ErrorsMixin, PageForm):
    kind = forms.ChoiceField(label=_("单位类型"), choices=[(k.value, k.label) for k in SIGNUP_KIND_ROLE])
    name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    region = forms.CharField(label=_("所在旗县区"), max_length=6)
    email = forms.EmailField(label=_("管理员邮箱"))
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    # the page asks twice; the API sends it once
    password2 = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput, strip=False, required=False)

    def __init__(self, *args, ask_twice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_twice = ask_twice
        self.fields["password2"].required = ask_twice
        self.fields["password2"].error_messages["required"] = REQUIRED
        self.fields["region"].widget = forms.Select(choices=county_choices())
        # what higher apps ask of one kind (a service agency names its broker): on the page these
        # are required for that kind; through the API they are optional (given, they are checked)
        self.profiles = list(signup_profiles)
        for profile in self.profiles:
            for name, field in profile.fields().items():
                field.required = False
                field.widget.attrs["data-signup-kind"] = profile.kind
                self.fields[name] = field

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        return OrgKind(kind)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_credit_code(self):
        code = credit_code_normalise(self.cleaned_data["credit_code"])
        message = credit_code_error(code)
        if message:
            raise forms.ValidationError(message, code="credit_code")
        return code

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        region = Region.objects.filter(code=code, level=Region.Level.COUNTY, code__startswith=Region.PROVINCE_PREFIX).first()
        if region is None:
            raise forms.ValidationError(MSG_REGION, code="region")
        return region

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username=email).exists():
            raise forms.ValidationError(MSG_EMAIL_TAKEN, code="email_taken")
        return email

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        if self.ask_twice and password and data.get("password2") and data["password2"] != password:
            self.add_error("password2", MSG_PASSWORDS_DIFFER)
        name, code = data.get("name"), data.get("credit_code")
        if name and code:
            clash = Organisation.objects.filter(name=name).exclude(credit_code="").exclude(credit_code=code)
            if clash.exists():
                self.add_error("name", MSG_NAME_TAKEN)
        for profile in self.profile_of_kind():
            names = list(profile.fields())
            given = {n: data.get(n) for n in names if data.get(n) not in (None, "")}
            if not given and not self.ask_twice:
                continue  # the API may leave the profile for later
            for n in names:
                if n not in given and n not in self.errors:
                    self.add_error(n, REQUIRED)
            for n, message in profile.check(data).items():
                if n not in self.errors:
                    self.add_error(n, message)
        return data

    def profile_of_kind(self):
        """The profiles of the kind chosen (empty before the kind is valid)."""
        kind = self.cleaned_data.get("kind") if hasattr(self, "cleaned_data") else None
        return [p for p in self.profiles if kind is not None and p.kind == kind]

    def profile_data(self) -> list:
        """(profile, cleaned values) to create with the organisation: those whose fields were given."""
        out = []
        for profile in self.profile_of_kind():
            values = {n: self.cleaned_data.get(n) for n in profile.fields()}
            if any(values.values()):
                out.append((profile, values))
        return out

    @property
    def role(self) -> Role:
        return SIGNUP_KIND_ROLE[self.cleaned_data["kind"]]


class RefuseForm(ErrorsMixin, PageForm):
    reason = forms.CharField(label=_("不通过的理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages={"required": MSG_REASON_REQUIRED})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = MSG_REASON_REQUIRED


class InviteForm(ErrorsMixin, PageForm):
    """An organisation's administrator invites a colleague; the department invites a lead unit's
    staff or an expert (`role` and `organisation` only on the department's form)."""

    email = forms.EmailField(label=_("邮箱"))
    role = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[(Role.LEAD_UNIT.value, Role.LEAD_UNIT.label), (Role.EXPERT.value, Role.EXPERT.label)])
    organisation = forms.CharField(label=_("所在单位"), max_length=200, required=False)

    def __init__(self, *args, by_department: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_department = by_department
        if not by_department:
            del self.fields["role"]
            del self.fields["organisation"]
        else:
            self.fields["role"].required = True
            self.fields["role"].error_messages["required"] = REQUIRED

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username=email).exists():
            raise forms.ValidationError(MSG_EMAIL_TAKEN, code="email_taken")
        return email

    def clean(self):
        data = super().clean()
        if self.by_department and data.get("role") == Role.LEAD_UNIT and not (data.get("organisation") or "").strip():
            self.add_error("organisation", _("牵头单位的人员须填写所在单位"))
        return data


class AcceptInvitationForm(ErrorsMixin, PageForm):
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        if password and data.get("password2") and data["password2"] != password:
            self.add_error("password2", MSG_PASSWORDS_DIFFER)
        return data


class MemberActiveForm(ErrorsMixin, PageForm):
    """An organisation's administrator (or the operator) stops or restores a member's account: the
    button sends ``active`` 0 or 1; anything else is refused, not read as "stop"."""

    active = forms.ChoiceField(label=_("账号状态"), choices=[("1", _("恢复")), ("0", _("停用"))],
                               error_messages={"invalid_choice": _("应为 1（恢复）或 0（停用）")})

    def clean_active(self) -> bool:
        return self.cleaned_data["active"] == "1"


class SignInForm(AuthenticationForm):
    """Sign in with the e-mail address (or the user name of an account made by an operator)."""

    error_messages = {
        "invalid_login": _("邮箱（用户名）或密码不正确。"),
        "inactive": _("该账号已停用，请联系单位管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("邮箱或用户名")
        self.fields["username"].error_messages["required"] = REQUIRED
        self.fields["password"].error_messages["required"] = REQUIRED

    def clean(self):
        from .signin import username_for_login

        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = username_for_login(self.cleaned_data["username"])
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        from .signin import sign_in_refusal

        refusal = sign_in_refusal(user)
        if refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code)


class PasswordResetPageForm(PasswordResetForm):
    """Django's reset forms with the pages' error summary and messages."""

    error_summary = PageForm.error_summary

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED


class SetPasswordPageForm(SetPasswordForm):
    error_summary = PageForm.error_summary

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED


# ---------------------------------------------------------------- the writes these forms check (core.validation.write_path)
# (the API's handlers and the pages reach them through core.services)

def _declare_write_paths() -> None:
    from .validation import write_path

    write_path("accounts.signup", SignupForm, api=("POST /signup",), pages=("accounts:signup",))
    write_path("accounts.refuse", RefuseForm, api=("POST /organisations/{org_id}/refuse",),
               pages=("accounts:organisation",))  # fmt: skip
    write_path("accounts.invite", InviteForm, pages=("accounts:invite", "accounts:my_organisation"))
    write_path("accounts.invitation", AcceptInvitationForm, pages=("accounts:invitation",))
    write_path("accounts.member_active", MemberActiveForm, pages=("accounts:member_active",))


_declare_write_paths()
