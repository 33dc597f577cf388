"""Account pages: sign-up, e-mail confirmation, invitations, password reset, the approval queue,
who is pending/active/deactivated, and an organisation's own members. Every write goes through
core.services; what a user may not see answers 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import services, signin
from .errors import DomainError, NotFound, ValidationFailed
from .forms import (
    AcceptInvitationForm,
    InviteForm,
    MemberActiveForm,
    PasswordResetPageForm,
    RefuseForm,
    SetPasswordPageForm,
    SignupForm,
)
from .models import Invitation, Organisation, User
from .pages import RefusedFormMixin, form_page
from .pagination import paginate
from .permissions import is_department
from .roles import OrgKind, Role
from .validation import parse_choice


def _attach(form, exc: ValidationFailed) -> None:
    """A service's field errors next to the form's fields (all of them, at once)."""
    for e in exc.data.get("errors", []):
        field = e.get("field")
        form.add_error(field if field in form.fields else None, e.get("message"))


def _is_operator(user) -> bool:
    return is_department(user) or (user.is_authenticated and user.role == Role.BUREAU and user.region_id is not None)


# ---------------------------------------------------------------- sign-up and confirmation


def signup(request):
    if request.method == "POST":
        form = SignupForm(request.POST, ask_twice=True)
        if form.is_valid():
            try:
                org, user = services.organisation_signup(data=request.POST, ask_twice=True)
            except ValidationFailed as exc:  # a race the form could not see
                form = SignupForm(request.POST, ask_twice=True)
                _attach(form, exc)
            except DomainError as exc:
                if exc.code != "already_registered":
                    raise
                form.add_error("credit_code", exc.message)
            else:
                request.session["signup_email"] = user.email
                return redirect("accounts:signup_done")
    else:
        form = SignupForm(ask_twice=True, initial={"kind": OrgKind.ENTERPRISE})
    return form_page(request, "core/signup.html", {"form": form}, refused=form.is_bound)


def signup_done(request):
    return render(request, "core/signup_done.html", {"email": request.session.get("signup_email", "")})


def confirm_email(request, token: str):
    try:
        user = services.email_confirm(token=token)
    except DomainError as exc:
        return render(request, "core/confirmed.html", {"error": exc.message}, status=400)
    refusal = signin.sign_in_refusal(user)
    return render(request, "core/confirmed.html", {"confirmed_user": user, "refusal": refusal})


# ---------------------------------------------------------------- sign-in, password reset


class SignInView(RefusedFormMixin, auth_views.LoginView):
    template_name = "web/login.html"

    def get_context_data(self, **kwargs):
        from . import oidc

        return {**super().get_context_data(**kwargs),
                "oidc_provider": oidc.provider_name() if oidc.enabled() else ""}

    def get_form_class(self):
        from .forms import SignInForm

        return SignInForm


class PasswordResetView(RefusedFormMixin, auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = PasswordResetPageForm
    extra_email_context = {"base_url": settings.STEPPE_BASE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"


class PasswordResetConfirmView(RefusedFormMixin, auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    form_class = SetPasswordPageForm


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"


# ---------------------------------------------------------------- invitations


def invitation(request, key: str):
    inv = services.invitation_for_key(key)
    if request.method == "POST":
        form = AcceptInvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_accept(raw=key, data=request.POST)
            except ValidationFailed as exc:
                _attach(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("账号已创建，请登录。"))
                return redirect(reverse("login"))
    else:
        form = AcceptInvitationForm()
    return form_page(request, "core/invitation.html", {"form": form, "invitation": inv}, refused=form.is_bound)


@login_required
def invite(request):
    """The department invites lead units' staff and experts (organisations' administrators invite
    from their own page)."""
    if not is_department(request.user):
        raise Http404
    form = InviteForm(request.POST if request.method == "POST" else None, by_department=True)
    if request.method == "POST" and form.is_valid():
        try:
            inv = services.invitation_create(actor=request.user, data=request.POST)
        except ValidationFailed as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已向 %(email)s 发送邀请。") % {"email": inv.email})
            return redirect("accounts:invite")
    sent = paginate(request, Invitation.objects.filter(invited_by__role=Role.DEPARTMENT)
                    .select_related("organisation", "accepted_user").order_by("-created_at"))
    return form_page(request, "core/invite.html", {"form": form, "sent": sent}, refused=form.is_bound)


# ---------------------------------------------------------------- my organisation


@login_required
def my_organisation(request):
    org = request.user.unit
    if org is None:
        raise Http404
    form = InviteForm(by_department=False)
    if request.method == "POST":
        if not services.can_invite(request.user) or is_department(request.user):
            raise Http404
        form = InviteForm(request.POST, by_department=False)
        if form.is_valid():
            try:
                inv = services.invitation_create(actor=request.user, data=request.POST)
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("已向 %(email)s 发送邀请。") % {"email": inv.email})
                return redirect("accounts:my_organisation")
    members = paginate(request, org.users.order_by("-is_active", "org_role", "username"), param="members_page")
    invitations = org.invitations.filter(accepted_at__isnull=True).order_by("-created_at")[:20]
    return form_page(request, "core/my_organisation.html", {
        "org": org, "members": members, "invitations": invitations, "form": form,
        "can_manage": services.can_manage_members(request.user, org), "is_admin": request.user.is_org_admin,
        "can_invite": services.can_invite(request.user) and not is_department(request.user),
    }, refused=form.is_bound)


def _member(request, pk) -> User:
    user = User.objects.select_related("unit").filter(pk=pk).first()
    if user is None or user.unit is None or not services.can_manage_members(request.user, user.unit):
        raise Http404
    return user


def _back(request, user: User):
    if request.user.unit_id == user.unit_id:
        return redirect("accounts:my_organisation")
    return redirect("accounts:organisation", pk=user.unit_id)


@login_required
@require_POST
def member_active(request, pk: int):
    member = _member(request, pk)
    form = MemberActiveForm(request.POST)
    if not form.is_valid():  # nothing changes; the field by its label
        for _name, label, message in form.error_summary:
            messages.error(request, f"{label}{_('：')}{message}")
        return _back(request, member)
    active = form.cleaned_data["active"]
    try:
        services.member_set_active(actor=request.user, user=member, active=active)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, (_("已恢复 %(name)s 的账号。") if active else _("已停用 %(name)s 的账号。"))
                         % {"name": member.get_full_name() or member.username})
    return _back(request, member)


@login_required
@require_POST
def hand_over(request, pk: int):
    member = _member(request, pk)
    try:
        services.admin_hand_over(actor=request.user, to=member)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("管理员角色已移交给 %(name)s。") % {"name": member.get_full_name() or member.username})
    return redirect("accounts:my_organisation")


# ---------------------------------------------------------------- the department's and bureaus' pages


def _operator(request):
    if not _is_operator(request.user):
        raise Http404


@login_required
def organisations(request):
    """Organisations by status (the approval queue first), kind and league: the bureau sees its league's."""
    _operator(request)
    status = parse_choice(request.GET.get("status") or Organisation.Status.PENDING, "status",
                          Organisation.Status.values)
    qs = services.organisations_visible_to(request.user).annotate(n_members=Count("users"))
    counts = dict(qs.values_list("status").annotate(n=Count("pk", distinct=True)).order_by())
    qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=parse_choice(kind, "kind", OrgKind.values))
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    page = paginate(request, qs.order_by("created_at", "pk") if status == "pending" else qs.order_by("name", "pk"))
    return render(request, "core/organisations.html", {
        "page": page, "status": status, "kind": kind, "q": q,
        "statuses": [(s, label, counts.get(s, 0)) for s, label in Organisation.Status.choices],
        "kinds": OrgKind.choices,
    })


@login_required
def organisation(request, pk: int):
    _operator(request)
    try:
        org = services.get_organisation_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    refuse_form = RefuseForm()
    if request.method == "POST":
        if not services.can_decide(request.user, org):
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "approve":
                joined = services.organisation_approve(actor=request.user, organisation=org)
                messages.success(request, _("已确认“%(name)s”。") % {"name": org.name}
                                 + (_("并入：%(what)s") % {"what": "；".join(joined)} if joined else ""))
                return redirect("accounts:organisation", pk=org.pk)
            if action == "refuse":
                refuse_form = RefuseForm(request.POST)
                services.organisation_refuse(actor=request.user, organisation=org,
                                             reason=request.POST.get("reason", ""))
                messages.success(request, _("已退回“%(name)s”的注册申请。") % {"name": org.name})
                return redirect("accounts:organisation", pk=org.pk)
        except ValidationFailed as exc:
            refuse_form = RefuseForm(request.POST)
            _attach(refuse_form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
    return form_page(request, "core/organisation.html", {
        "org": org,
        "members": paginate(request, org.users.order_by("-is_active", "org_role", "username"), param="members_page"),
        "can_decide": services.can_decide(request.user, org) and org.status == Organisation.Status.PENDING,
        "can_manage": services.can_manage_members(request.user, org),
        "joins": services.organisation_join_preview(org) if org.status == Organisation.Status.PENDING else [],
        "refuse_form": refuse_form,
    }, refused=request.method == "POST")


PEOPLE_STATES = [
    ("pending", gettext_lazy("待审核或待确认邮箱")),
    ("active", gettext_lazy("在用")),
    ("inactive", gettext_lazy("已停用")),
]


@login_required
def people(request):
    """Accounts by state, with their organisation: pending (organisation not yet confirmed, or
    e-mail not confirmed), active, deactivated."""
    _operator(request)
    state = parse_choice(request.GET.get("state") or "pending", "state", [k for k, _label in PEOPLE_STATES])
    users = User.objects.select_related("unit", "unit__region", "region")
    if not is_department(request.user):
        prefix = request.user.region.league_prefix or "-"  # "-": no code starts with it
        users = users.filter(Q(unit__region__code__startswith=prefix) | Q(region__code__startswith=prefix))
    pending_q = Q(is_active=True) & (Q(unit__status=Organisation.Status.PENDING) | Q(email_confirmed=False))
    filters = {"pending": pending_q, "active": Q(is_active=True) & ~pending_q, "inactive": Q(is_active=False)}
    counts = {k: users.filter(v).count() for k, v in filters.items()}
    users = users.filter(filters[state])
    q = (request.GET.get("q") or "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(email__icontains=q) | Q(unit__name__icontains=q))
    page = paginate(request, users.order_by("unit__name", "username"))
    return render(request, "core/people.html", {
        "page": page, "state": state, "q": q,
        "states": [(k, label, counts[k]) for k, label in PEOPLE_STATES],
    })


@login_required
def home(request):
    """Where the account link leads: operators to the queue, members to their organisation."""
    if _is_operator(request.user):
        return redirect("accounts:organisations")
    if request.user.unit_id:
        return redirect("accounts:my_organisation")
    return render(request, "core/account.html")

