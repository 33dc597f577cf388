"""Who may sign in, read before any write: the refusal a pending, refused or unconfirmed account
meets, and the user name an e-mail address signs in as. The sign-in form, the OIDC back end, the
token endpoint and the services all ask here (forms never import services: services use forms)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Region, User

MSG_PENDING = _("您的单位“%(name)s”正在等待%(by)s审核，审核通过后即可登录。")
MSG_REFUSED = _("您的单位“%(name)s”的注册申请未通过：%(reason)s")
MSG_UNCONFIRMED = _("请先点击确认邮件中的链接以确认邮箱 %(email)s。")


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    status: int = 403


def league_bureau_name(org: Organisation) -> str:
    league = org.league_code
    region = Region.objects.filter(code=league).first() if league else None
    return gettext("%(league)s科技局") % {"league": region.name} if region else gettext("自治区科技厅")


def sign_in_refusal(user) -> Refusal | None:
    """Why this (password-checked) account may not sign in yet, or None: the page and the token say the same."""
    org = user.unit
    if org is not None and org.status == Organisation.Status.PENDING:
        return Refusal("organisation_pending", MSG_PENDING % {"name": org.name, "by": league_bureau_name(org)})
    if org is not None and org.status == Organisation.Status.REFUSED:
        return Refusal("organisation_refused", MSG_REFUSED % {"name": org.name, "reason": org.refusal_reason})
    if not user.email_confirmed:
        return Refusal("email_unconfirmed", MSG_UNCONFIRMED % {"email": user.email})
    return None


def username_for_login(text: str) -> str:
    """Accounts sign in with their e-mail address; those made by an operator also by user name."""
    text = (text or "").strip()
    if "@" in text and not User.objects.filter(username=text).exists():
        found = list(User.objects.filter(email__iexact=text).values_list("username", flat=True)[:2])
        if len(found) == 1:
            return found[0]
    return text
