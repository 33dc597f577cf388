"""Writes for core: accounts, organisations and tokens. Pages, API and CLI all call these."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .aftercommit import after_commit
from .audit import audit_record, snapshot
from .errors import DomainError, NotFound, ValidationFailed
from .models import ApiToken, Invitation, Organisation, Region, User
from .permissions import is_department
from .regions import resolve_region
from .registry import Registry
from .roles import SIGNUP_KIND_ROLE, OrgKind, OrgRole, Role
from .signin import league_bureau_name, sign_in_refusal, username_for_login
from .throttle import authenticate_or_refuse

ROLE_ORG_KIND = {
    Role.DEPARTMENT: OrgKind.GOVERNMENT, Role.BUREAU: OrgKind.GOVERNMENT, Role.LEAD_UNIT: OrgKind.GOVERNMENT,
    Role.ENTERPRISE: OrgKind.ENTERPRISE, Role.INSTITUTION: OrgKind.INSTITUTION, Role.BROKER: OrgKind.AGENCY,
    Role.BANK: OrgKind.BANK, Role.EXPERT: OrgKind.OTHER, Role.PUBLIC: OrgKind.OTHER,
}


def _free_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:70] or "org"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_get_or_create(*, name: str, kind: str = OrgKind.GOVERNMENT, region=None) -> Organisation:
    """The active organisation of this name, or a new one (plans, imports and the CLI name them)."""
    name = name.strip()
    if not name:
        raise DomainError("invalid_unit", "单位名称为空 Unit name is empty")
    org = Organisation.objects.filter(name=name, status=Organisation.Status.ACTIVE).order_by("pk").first()
    if org:
        return org
    return Organisation.objects.create(name=name, slug=_free_slug(name), kind=kind, region=region)


# the name before organisations; other apps call it
unit_get_or_create = organisation_get_or_create


@transaction.atomic
def user_create(*, username: str, role: str, password: str | None = None, region: str | None = None,
                unit: str | None = None, email: str = "", with_token: bool = False,
                is_superuser: bool = False) -> tuple[User, str | None, str | None]:
    """Creates an account. Returns (user, password if generated, raw API token if asked)."""
    if role not in Role.values:
        raise DomainError("invalid_role", f"未知角色 Unknown role: {role} (one of {', '.join(Role.values)})")
    if not username or not username.strip():
        raise DomainError("invalid_username", "用户名为空 Username is empty")
    if User.objects.filter(username=username).exists():
        raise DomainError("duplicate_username", f"用户名已存在 User already exists: {username}")
    region_obj = resolve_region(region) if region else None
    if role == Role.BUREAU:
        if region_obj is None or region_obj.level not in ("prefecture", "county"):  # a league's or a county's bureau
            raise DomainError("invalid_region", "科技局必须指定一个盟市或旗县 A bureau needs --region with a league or county code")
    unit_obj = None
    if unit:
        unit_obj = unit_get_or_create(name=unit, kind=ROLE_ORG_KIND[Role(role)], region=region_obj)
    elif role in (Role.LEAD_UNIT, Role.ENTERPRISE, Role.INSTITUTION, Role.BANK):
        raise DomainError("invalid_unit", f"角色 {role} 需要指定单位 Role {role} needs --unit")
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    user = User(username=username, role=role, region=region_obj, unit=unit_obj, email=email,
                is_superuser=is_superuser, is_staff=is_superuser or role == Role.DEPARTMENT)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    raw = None
    if with_token:
        _, raw = ApiToken.objects.issue(user, name="cli")
    return user, generated, raw


# ---------------------------------------------------------------- sign-up, sign-in, approval (issue 11)

MSG_ALREADY_REGISTERED = _(
    "统一社会信用代码 %(code)s 已由“%(name)s”注册。我们已通知该单位的管理员，请其邀请您加入；本次未创建任何账号。"
)
MSG_ALREADY_REGISTERED_NOT_ASKED = _(
    "统一社会信用代码 %(code)s 已由“%(name)s”注册；本次未创建任何账号，也未再通知该单位：%(why)s"
)
# invite requests (a sign-up with a registered credit code e-mails that organisation's administrators):
# at most one per address and organisation, and a few per address and per organisation, a day
INVITE_REQUEST_WINDOW = timedelta(hours=24)
INVITE_REQUESTS_PER_ADDRESS = 3
INVITE_REQUESTS_PER_ORGANISATION = 5
MSG_INVITE_ASKED_ALREADY = _("24 小时内已为 %(email)s 通知过该单位的管理员，不再重复发送，请直接联系该单位的管理员。")
MSG_INVITE_ADDRESS_LIMIT = _("%(email)s 在 24 小时内已发出 %(n)s 次加入申请，已达上限，请 24 小时后再试。")
MSG_INVITE_ORGANISATION_LIMIT = _("该单位 24 小时内已收到 %(n)s 次加入申请，已达上限，请直接联系该单位的管理员。")
MSG_SIGNUP_INVALID = "注册信息有误 Sign-up data is invalid: {fields}"
MSG_BAD_CONFIRMATION = _("确认链接无效或已过期，请重新注册或找回密码。")
CONFIRM_SALT = "steppe.core.email-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _send(to: list[str], subject: str, body: str) -> None:
    """E-mail after the transaction commits (a rolled-back write sends nothing)."""
    to = [a for a in to if a]
    if to:
        after_commit(what=f"core.mail {subject[:40]}",
                     job=("core.email", {"to": to, "subject": f"[Steppe] {subject}", "body": body}))


def _url(path: str) -> str:
    return settings.STEPPE_BASE_URL + path


def email_confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT)


def _organisation_admins(org: Organisation) -> list[User]:
    return list(org.users.filter(is_active=True, org_role=OrgRole.ADMIN).order_by("pk"))


def _bureau_users(org: Organisation) -> list[User]:
    """Who decides a sign-up: the bureau of the organisation's league, else the department."""
    league = org.league_code
    users = User.objects.filter(is_active=True, role=Role.BUREAU, region__code=league) if league else User.objects.none()
    found = list(users)
    return found or list(User.objects.filter(is_active=True, role=Role.DEPARTMENT))


def organisation_signup(*, data: dict, ask_twice: bool = False) -> tuple[Organisation, User]:
    """Self sign-up of an enterprise, institution, service agency or bank: a pending organisation and
    its administrator's account (e-mail to confirm). All problems at once, naming their fields;
    nothing is written unless everything is right. A credit code already registered creates nothing
    and asks that organisation's administrators to invite the newcomer (409)."""
    from .forms import SignupForm

    form = SignupForm(data, ask_twice=ask_twice)
    if not form.is_valid():
        errors = form.error_list()
        raise ValidationFailed(MSG_SIGNUP_INVALID.format(fields=", ".join(e["field"] for e in errors)), errors)
    d = form.cleaned_data
    existing = Organisation.objects.filter(credit_code=d["credit_code"]).first()
    if existing is not None:
        why = _invite_request_refusal(existing, d["email"])
        if why is None:
            _ask_admins_to_invite(existing, d["email"], d["name"])
            message = MSG_ALREADY_REGISTERED % {"code": d["credit_code"], "name": existing.name}
        else:
            message = MSG_ALREADY_REGISTERED_NOT_ASKED % {"code": d["credit_code"], "name": existing.name, "why": why}
        raise DomainError(
            "already_registered",
            str(message),
            status=409,
            data={"field": "credit_code", "organisation": existing.pk, "asked": why is None},
        )
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                name=d["name"], slug=_free_slug(d["name"]), kind=d["kind"], region=d["region"],
                credit_code=d["credit_code"], status=Organisation.Status.PENDING,
            )
            user = User(username=d["email"], email=d["email"], role=form.role, unit=org,
                        org_role=OrgRole.ADMIN, email_confirmed=False)
            user.set_password(d["password"])
            user.save()
            audit_record(actor=user, action="core.organisation.signup", obj=org, after=snapshot(org))
            for profile, values in form.profile_data():  # a service agency's broker profile
                profile.create(org, user, values)
            link = _url(reverse("accounts:confirm", args=[email_confirmation_token(user)]))
            _send([user.email], gettext("请确认您的邮箱"), gettext(
                "您好！\n\n您为“%(name)s”在 Steppe 科技赋能平台注册了账号。请打开以下链接确认邮箱：\n%(link)s\n\n"
                "确认后，%(by)s将审核您的单位信息，审核通过后即可登录。\n如果不是您本人操作，请忽略本邮件。"
            ) % {"name": org.name, "link": link, "by": league_bureau_name(org)})
    except IntegrityError as exc:  # the same credit code or e-mail registered a moment ago
        raise DomainError("already_registered", gettext("该统一社会信用代码或邮箱刚刚已注册"), status=409,
                          data={"field": "credit_code"}) from exc
    return org, user


def _invite_request_refusal(org: Organisation, email: str) -> str | None:
    """Why no invite request goes out now (the limits above), or None. Counted from the audit trail,
    which every request writes, so every worker sees the same counts."""
    from .models import AuditEntry

    sent = AuditEntry.objects.filter(action="core.organisation.invite_request",
                                     at__gte=timezone.now() - INVITE_REQUEST_WINDOW)
    mine = sent.filter(after__email=email)
    theirs = sent.filter(object_type=Organisation._meta.label_lower, object_id=str(org.pk))
    if mine.filter(object_id=str(org.pk)).exists():
        return str(MSG_INVITE_ASKED_ALREADY % {"email": email})
    if mine.count() >= INVITE_REQUESTS_PER_ADDRESS:
        return str(MSG_INVITE_ADDRESS_LIMIT % {"email": email, "n": INVITE_REQUESTS_PER_ADDRESS})
    if theirs.count() >= INVITE_REQUESTS_PER_ORGANISATION:
        return str(MSG_INVITE_ORGANISATION_LIMIT % {"n": INVITE_REQUESTS_PER_ORGANISATION})
    return None


def _ask_admins_to_invite(org: Organisation, email: str, name: str) -> None:
    audit_record(actor=None, action="core.organisation.invite_request", obj=org, after={"email": email, "name": name})
    admins = _organisation_admins(org)
    body = gettext(
        "您好！\n\n%(email)s 尝试以“%(name)s”的名义注册 Steppe 平台，但贵单位（统一社会信用代码 %(code)s）已经注册。\n"
        "如其是贵单位的同事，请登录后在“本单位账号”页面邀请其加入：%(link)s\n如不认识此人，请忽略本邮件。"
    ) % {"email": email, "name": name, "code": org.credit_code, "link": _url(reverse("accounts:my_organisation"))}
    to = [a.email for a in admins]
    if to:  # a refused sign-up: nothing is written, the message goes out at once
        send_mail(f"[Steppe] {gettext('有人申请加入贵单位')}", body, None, to)


def email_confirm(*, token: str) -> User:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as exc:
        raise DomainError("bad_token", str(MSG_BAD_CONFIRMATION)) from exc
    user = User.objects.select_related("unit").filter(pk=payload.get("u"), email=payload.get("e")).first()
    if user is None:
        raise DomainError("bad_token", str(MSG_BAD_CONFIRMATION))
    if not user.email_confirmed:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(email_confirmed=True)
            user.email_confirmed = True
            audit_record(actor=user, action="core.user.email_confirm", obj=user, after={"email_confirmed": True})
            org = user.unit
            if org is not None and org.status == Organisation.Status.PENDING:
                _send([u.email for u in _bureau_users(org)], gettext("新的单位注册待审核"), gettext(
                    "“%(name)s”（统一社会信用代码 %(code)s）已注册并确认邮箱，等待审核：%(link)s"
                ) % {"name": org.name, "code": org.credit_code,
                     "link": _url(reverse("accounts:organisation", args=[org.pk]))})
    return user


# -- who decides, and what joins on approval

# Higher apps declare what of theirs joins an approved organisation (e.g. the enterprise register
# row with its credit code), in their AppConfig.ready():
#   fn(organisation, *, apply: bool) -> list[str]: what joins (apply=True) or would join, in words
OrganisationJoiner = Callable[..., list[str]]
organisation_joiners: Registry[OrganisationJoiner] = Registry("core.organisation_joiners")


def _placeholders(org: Organisation):
    """Organisations an import or the plan made under the same name without a credit code."""
    return Organisation.objects.filter(name=org.name, credit_code="").exclude(pk=org.pk)


def _relations_to_organisation():
    """Every foreign key to Organisation, hidden ones (related_name='+') and the foreign keys of
    many-to-many tables included; many-to-many fields themselves are covered by their tables."""
    return [
        f for f in Organisation._meta.get_fields(include_hidden=True)
        if f.is_relation and f.auto_created and not f.concrete and not f.many_to_many
    ]


def organisation_merge(*, source: Organisation, into: Organisation) -> dict[str, int]:
    """Everything that names `source` names `into` instead (members join as members); `source` goes.
    Generic over every foreign key to Organisation, so apps need not be listed here."""
    moved: dict[str, int] = {}
    for rel in _relations_to_organisation():
        if rel.related_model is Organisation:
            continue
        field = rel.field.name
        manager = rel.related_model._base_manager
        updates: dict[str, object] = {field: into}
        if rel.related_model is User:
            updates["org_role"] = OrgRole.MEMBER
        n = manager.filter(**{field: source}).update(**updates)
        if n:
            moved[rel.related_model._meta.label_lower] = n
    source.delete()
    return moved


def organisation_join_preview(org: Organisation) -> list[str]:
    """What approval would bring into this organisation, in words, for the approval page."""
    lines = []
    for p in _placeholders(org):
        counts = []
        for rel in _relations_to_organisation():
            n = rel.related_model._base_manager.filter(**{rel.field.name: p}).count()
            if n:
                counts.append(f"{rel.related_model._meta.verbose_name} {n}")
        lines.append(gettext("同名单位“%(name)s”（%(what)s）") % {"name": p.name, "what": "、".join(counts) or "—"})
    for joiner in organisation_joiners:
        lines.extend(joiner(org, apply=False))
    return lines


def organisations_visible_to(user):
    """The department: every organisation; a bureau: those of its league; anyone else: their own."""
    qs = Organisation.objects.select_related("region")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_department(user):
        return qs
    if user.role == Role.BUREAU and user.region_id:
        prefix = user.region.league_prefix
        return qs.filter(region__code__startswith=prefix) if prefix else qs.none()
    return qs.filter(pk=user.unit_id) if user.unit_id else qs.none()


def can_decide(user, org: Organisation) -> bool:
    if is_department(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False) and user.role == Role.BUREAU and user.region is not None
        and org.region is not None and Region.same_league(org.region.code, user.region.code)
    )


def get_organisation_for_user(user, pk) -> Organisation:
    """The organisation if this user may see it; NotFound otherwise (never 403)."""
    try:
        return organisations_visible_to(user).get(pk=int(pk))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该单位")) from None


def get_organisation_to_decide(user, pk) -> Organisation:
    org = get_organisation_for_user(user, pk)
    if not can_decide(user, org):
        raise NotFound(gettext("未找到该单位"))
    return org


def _decide(actor, org: Organisation, status: str, reason: str = "") -> dict:
    """Records the decision; returns the audit's ``before``."""
    if org.status != Organisation.Status.PENDING:
        raise DomainError("bad_state", gettext("该单位已审核（%(status)s），不能再次审核") % {
            "status": org.get_status_display()}, status=409)
    before = snapshot(org, ["status", "refusal_reason"])
    org.status, org.refusal_reason = status, reason
    org.decided_by, org.decided_at = actor, timezone.now()
    org.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    return before


@transaction.atomic(durable=True)
def organisation_approve(*, actor, organisation: Organisation) -> list[str]:
    """Confirm a pending organisation; what exists under its credit code (and placeholders of its
    name) joins it. Returns what joined, in words."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not can_decide(actor, org):
        raise NotFound(gettext("未找到该单位"))
    before = _decide(actor, org, Organisation.Status.ACTIVE)
    joined = []
    for p in list(_placeholders(org)):
        moved = organisation_merge(source=p, into=org)
        joined.append(gettext("同名单位“%(name)s”：%(moved)s") % {
            "name": p.name, "moved": "、".join(f"{k} {n}" for k, n in moved.items()) or "—"})
    for joiner in organisation_joiners:
        joined.extend(joiner(org, apply=True))
    audit_record(actor=actor, action="core.organisation.approve", obj=org, before=before,
                 after=snapshot(org, ["status"]), note="；".join(joined))
    _send([u.email for u in org.users.filter(is_active=True)], gettext("单位注册已通过审核"), gettext(
        "“%(name)s”已通过审核，现在可以登录：%(link)s"
    ) % {"name": org.name, "link": _url(reverse("login"))})
    organisation.refresh_from_db()
    return joined


@transaction.atomic(durable=True)
def organisation_refuse(*, actor, organisation: Organisation, reason: str) -> Organisation:
    from .forms import RefuseForm

    form = RefuseForm({"reason": reason})
    if not form.is_valid():
        raise ValidationFailed("不通过须说明理由 A refusal needs a reason", form.error_list())
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not can_decide(actor, org):
        raise NotFound(gettext("未找到该单位"))
    before = _decide(actor, org, Organisation.Status.REFUSED, form.cleaned_data["reason"].strip())
    audit_record(actor=actor, action="core.organisation.refuse", obj=org, before=before,
                 after=snapshot(org, ["status", "refusal_reason"]))
    _send([u.email for u in org.users.filter(is_active=True)], gettext("单位注册未通过审核"), gettext(
        "“%(name)s”的注册申请未通过，理由：%(reason)s\n如有疑问，请联系%(by)s。"
    ) % {"name": org.name, "reason": org.refusal_reason, "by": league_bureau_name(org)})
    organisation.refresh_from_db()
    return org


def token_issue(*, request, email: str, password: str) -> str:
    """An API token for e-mail and password; refused while the organisation is pending (403)."""
    user = authenticate_or_refuse(request, username=username_for_login(email), password=password or "")
    refusal = sign_in_refusal(user)
    if refusal:
        raise DomainError(refusal.code, str(refusal.message), status=refusal.status)
    with transaction.atomic():
        _, raw = ApiToken.objects.issue(user, name="api")
    return raw


# ---------------------------------------------------------------- invitations and members

INVITATION_DAYS = 14


def can_manage_members(user, org: Organisation) -> bool:
    """An organisation's administrator, the department, the bureau of the organisation's league."""
    if not getattr(user, "is_authenticated", False) or org is None:
        return False
    if user.unit_id == org.pk and user.org_role == OrgRole.ADMIN and org.is_active:
        return True
    return can_decide(user, org)


def can_invite(user) -> bool:
    return is_department(user) or bool(getattr(user, "is_authenticated", False) and user.is_org_admin
                                       and user.unit.is_active)


@transaction.atomic(durable=True)
def invitation_create(*, actor, data: dict) -> Invitation:
    """The department invites a lead unit's staff member or an expert; an organisation's
    administrator invites a colleague into their organisation (with their platform role)."""
    from .forms import InviteForm

    if not can_invite(actor):
        raise NotFound()
    by_department = is_department(actor)
    form = InviteForm(data, by_department=by_department)
    if not form.is_valid():
        raise ValidationFailed("邀请信息有误 Invitation data is invalid", form.error_list())
    d = form.cleaned_data
    if by_department:
        role = d["role"]
        org_name = (d.get("organisation") or "").strip()
        kind = OrgKind.GOVERNMENT if role == Role.LEAD_UNIT else OrgKind.OTHER
        org = organisation_get_or_create(name=org_name, kind=kind) if org_name else None
    else:
        role, org = actor.role, actor.unit
    raw = "inv_" + secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        email=d["email"], organisation=org, role=role, invited_by=actor, key_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(actor=actor, action="core.invitation.create", obj=invitation,
                 after={"email": invitation.email, "role": role, "organisation": org.pk if org else None})
    _send([invitation.email], gettext("邀请您加入 Steppe 科技赋能平台"), gettext(
        "您好！\n\n%(who)s邀请您以“%(role)s”身份加入 Steppe 科技赋能平台%(org)s。请在 %(days)d 天内打开以下链接设置密码：\n%(link)s"
    ) % {"who": actor.get_full_name() or actor.username, "role": Role(role).label,
         "org": gettext("（%(name)s）") % {"name": org.name} if org else "", "days": INVITATION_DAYS,
         "link": _url(reverse("accounts:invitation", args=[raw]))})
    invitation.raw_key = raw  # shown once (tests and the CLI); never stored
    return invitation


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_for_key(raw: str) -> Invitation:
    invitation = Invitation.objects.select_related("organisation").filter(key_hash=_hash(raw or "")).first()
    if invitation is None or not invitation.is_open:
        raise NotFound(gettext("邀请链接无效、已使用或已过期"))
    return invitation


@transaction.atomic(durable=True)
def invitation_accept(*, raw: str, data: dict) -> User:
    from .forms import AcceptInvitationForm

    invitation = invitation_for_key(raw)
    form = AcceptInvitationForm(data)
    if not form.is_valid():
        raise ValidationFailed("信息有误 Invalid data", form.error_list())
    if User.objects.filter(username=invitation.email).exists() or User.objects.filter(
            email__iexact=invitation.email).exists():
        raise DomainError("email_taken", gettext("该邮箱已注册，请直接登录或找回密码"), status=409)
    org = invitation.organisation
    user = User(username=invitation.email, email=invitation.email, first_name=form.cleaned_data["full_name"],
                role=invitation.role, unit=org, org_role=OrgRole.MEMBER, email_confirmed=True,
                is_staff=invitation.role == Role.DEPARTMENT)
    user.set_password(form.cleaned_data["password"])
    user.save()
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_user=user)
    if updated != 1:  # accepted twice at once
        raise NotFound(gettext("邀请链接无效、已使用或已过期"))
    audit_record(actor=user, action="core.invitation.accept", obj=invitation, after={"user": user.pk})
    return user


def _member_of(actor, user: User) -> User:
    if user.unit is None or not can_manage_members(actor, user.unit):
        raise NotFound()
    return user


@transaction.atomic(durable=True)
def member_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a member: a deactivated account cannot sign in, its API tokens are
    revoked, and what it filed stays with the organisation."""
    _member_of(actor, user)
    org = user.unit
    assert org is not None  # _member_of refuses a user without one
    if user.pk == actor.pk:
        raise DomainError("own_account", gettext("不能停用自己的账号"), status=400)
    if not active and user.org_role == OrgRole.ADMIN and not org.users.filter(
            is_active=True, org_role=OrgRole.ADMIN).exclude(pk=user.pk).exists() and OrgKind(org.kind) in SIGNUP_KIND_ROLE:
        raise DomainError("last_admin", gettext("这是本单位唯一的管理员：请先移交管理员角色"), status=400)
    if user.is_active == active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=active)
    if not active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.is_active = active
    audit_record(actor=actor, action="core.user.activate" if active else "core.user.deactivate", obj=user,
                 before={"is_active": not active}, after={"is_active": active})
    return user


@transaction.atomic(durable=True)
def admin_hand_over(*, actor, to: User) -> User:
    """The administrator hands the role to an active colleague and becomes a member."""
    if not (actor.is_org_admin and to.unit is not None and to.unit_id == actor.unit_id):
        raise NotFound()
    if not to.is_active or to.pk == actor.pk:
        raise DomainError("bad_member", gettext("只能移交给本单位其他在用的成员"), status=400)
    User.objects.filter(pk=to.pk).update(org_role=OrgRole.ADMIN)
    User.objects.filter(pk=actor.pk).update(org_role=OrgRole.MEMBER)
    to.org_role, actor.org_role = OrgRole.ADMIN, OrgRole.MEMBER
    audit_record(actor=actor, action="core.organisation.hand_over_admin", obj=to.unit,
                 before={"admin": actor.pk}, after={"admin": to.pk})
    return to
@transaction.atomic
def token_revoke(*, prefix: str, actor=None) -> ApiToken:
    """Revoke the one live API token whose shown prefix (as `users token list` prints it) is given."""
    prefix = (prefix or "").strip().rstrip("…")
    found = list(ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True)[:2])
    if not found:
        raise DomainError("not_found", f"没有以此开头的有效令牌 No live token with prefix: {prefix}", status=404)
    if len(found) > 1:
        raise DomainError("ambiguous", f"多个令牌以此开头 Several tokens share the prefix: {prefix}")
    token = found[0]
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="core.token.revoke", obj=token, note=token.user.username)
    return token
