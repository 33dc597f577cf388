"""Pages of the registers: an index, a filtered list with a league map, a detail page with its
history, the filing form, review and withdrawal, import and export. Every write calls services."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from steppe.core.audit import audit_trail
from steppe.core.bilingual import in_language
from steppe.core.errors import DomainError, NotFound
from steppe.core.pages import form_page
from steppe.core.pagination import paginate
from steppe.core.tables import file_response
from steppe.core.validation import parse_year
from steppe.stats import charts
from steppe.stats.i18n import local_name
from steppe.stats.queries import leagues

from . import permissions as perms
from . import queries, services
from .exports import export_columns, export_table, record_row
from .forms import ReviewForm, WithdrawForm
from .kinds import KINDS, kind_get

PAGE_SIZE = 100


def _kind(slug):
    try:
        return kind_get(slug)
    except NotFound as exc:
        raise Http404 from exc


def _record(request, kind, public_id):
    try:
        return perms.get_for_user(request.user, kind, public_id)
    except NotFound as exc:
        raise Http404 from exc


def index(request):
    cards = []
    for kind in KINDS.values():
        cards.append({"kind": kind, "count": perms.visible(request.user, kind).exclude(review="withdrawn").count(),
                      "can_submit": perms.can_submit(request.user, kind)})
    return render(request, "registers/index.html", {"cards": cards})


MAP_TIMEOUT = 24 * 3600


def _map_spec(kind, year):
    """The league map of a register and its table rows. The rows are counted on every request; the
    map drawn from them (Altair validating twelve league outlines: about half a second) is kept in
    the shared cache under the rows it shows, so a new or changed record draws a new one."""
    rows = queries.counts_by_league(kind, year)
    names = {r.code: local_name(r) for r in queries.regions_named([r["league"] for r in rows])}
    for r in rows:
        r["name"] = names.get(r["league"], r["league"])
    digest = hashlib.sha1(repr((kind.slug, year, get_language(), rows)).encode()).hexdigest()
    key = f"registers:map:{digest}"
    spec = cache.get(key)
    if spec is None:
        spec = _draw_map(kind, year, rows)
        cache.set(key, spec, MAP_TIMEOUT)
    return spec, rows


def _draw_map(kind, year, rows):
    values = {r["league"]: r for r in rows}
    use_amount = kind.amount_field is not None
    unit = _("万元") if use_amount else pgettext("record count", "个")
    feats = []
    for region in leagues(with_boundary=True):
        if not region.boundary:
            continue
        v = values.get(region.code)
        value = None if v is None else float(v["amount_wan"] if use_amount else v["count"])
        label = _("无登记") if v is None else (f"{value:,.2f} {unit}" if use_amount else f"{v['count']} {unit}")
        feats.append({"type": "Feature", "geometry": region.boundary,
                      "properties": {"name": local_name(region), "code": region.code, "value": value, "label": label}})
    title = f"{kind.label} · {year}" if year else str(kind.label)
    return charts.choropleth_spec(feats, title=title, unit=str(unit), region_label=_("地区"),
                                  missing_label=_("无登记"))


def record_list(request, slug):
    kind = _kind(slug)
    filters = {k: v for k, v in request.GET.items() if v and k not in ("page", "per_page")}
    year = None
    if filters.get("year"):  # a year that is not one is a 400 naming `year`, not a list of every year
        year = filters["year"] = parse_year(filters["year"])
    page = paginate(request, queries.records(request.user, kind, filters), per_page=PAGE_SIZE)
    total = page.paginator.count
    columns = [c for c in export_columns(kind) if c[0] in kind.columns]
    rows = []
    for obj in page.object_list:
        row = record_row(kind, obj)
        rows.append((obj, [row.get(key) for key, _label in columns]))
    form = kind.form(actor=request.user)
    choice_filters = [(name, form.fields[name].label if name in form.fields else name,
                       _filter_choices(kind, name), str(filters.get(name, ""))) for name in kind.filters]
    map_json, league_rows = _map_spec(kind, year)
    context = {
        "kind": kind, "rows": rows, "page_obj": page, "total": total, "shown": len(rows), "columns": columns,
        "filters": filters, "choice_filters": choice_filters, "leagues": leagues(),
        "map_json": map_json, "league_rows": league_rows, "year": year,
        "can_submit": perms.can_submit(request.user, kind),
        "query": request.GET.urlencode(),
    }
    if kind.slug == "soe":
        context["coverage"] = queries.soe_coverage(year or dt.date.today().year - 1)
        names = {r.code: local_name(r) for r in queries.regions_named([r["league"] for r in
                                                                       context["coverage"]["leagues"]])}
        for r in context["coverage"]["leagues"]:
            r["name"] = names.get(r["league"], r["league"])
        context["coverage_year"] = year or dt.date.today().year - 1
    if request.GET.get("job"):
        from steppe.core.jobs.views import panel_context, visible_job

        context["job_panel"] = panel_context(visible_job(request.user, request.GET["job"]))
    return render(request, "registers/list.html", context)


def _filter_choices(kind, name):
    if name == "programme":
        from .models import TalentProgramme

        return [(p.code, p.name) for p in TalentProgramme.objects.all()]
    return list(kind.model._meta.get_field(name).choices)


def record_detail(request, slug, public_id):
    kind = _kind(slug)
    obj = _record(request, kind, public_id)
    can_edit = perms.can_edit(request.user, kind, obj)
    can_review = perms.can_review(request.user)
    fields = []
    form = kind.form(instance=obj, actor=request.user)
    row = record_row(kind, obj)
    for name in form.fields:
        if name in ("measures", "region"):
            continue
        value = row.get(name, getattr(obj, name, ""))
        if name in ("enterprise",):
            value = f"{obj.enterprise.name}（{obj.enterprise.credit_code}）"
        if name == "programme":
            value = obj.programme.name
        fields.append((form.fields[name].label, value))
    for name in kind.columns:
        if name not in form.fields:
            fields.append((kind.model._meta.get_field(name).verbose_name, row.get(name)))
    history = list(audit_trail(obj)) if (can_edit or can_review) else []
    return render(request, "registers/detail.html", {
        "kind": kind, "obj": obj, "fields": fields, "measures": list(obj.measures.all()),
        "can_edit": can_edit, "can_review": can_review and obj.review == "submitted",
        "history": history, "projects": list(obj.projects.all()) if kind.slug == "cooperation" else [],
    })


def _labels(kind) -> dict[str, str]:
    """A register's fields by the labels its form shows (an error names the label, not the code)."""
    return {"record": _("记录"), "file": _("文件"),
            **{name: str(field.label) for name, field in kind.form.base_fields.items()}}


def _service(request, call, ok: str, labels: dict[str, str] | None = None):
    try:
        result = call()
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        errors = exc.data.get("errors") or []
        names = labels or {}
        messages.error(request, exc.message if not errors else _("未保存：") + _("；").join(
            f"{e.get('row', '') and _('第 %(row)s 行 ') % {'row': e['row']}}"
            f"{names.get(e['field'], e['field'])}{_('：')}{in_language(e['message'])}"
            for e in errors[:30]))
        return None
    messages.success(request, ok)
    return result


@login_required
def record_new(request, slug):
    kind = _kind(slug)
    if not perms.can_submit(request.user, kind):
        raise Http404
    form = kind.form(data=request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST":
        obj = _service(request, lambda: services.record_submit(actor=request.user, kind=kind, data=request.POST.dict()),
                       _("已提交，等待自治区科技厅核实"), _labels(kind))
        if obj is not None:
            return redirect("registers:detail", slug, obj.public_id)
        form.is_valid()  # the same checks, to show each message next to its field
    return form_page(request, "registers/form.html", {"kind": kind, "form": form, "obj": None},
                     refused=request.method == "POST")


@login_required
def record_edit(request, slug, public_id):
    kind = _kind(slug)
    obj = _record(request, kind, public_id)
    if not perms.can_edit(request.user, kind, obj):
        raise Http404
    if request.method == "POST":
        done = _service(request, lambda: services.record_update(actor=request.user, kind=kind, obj=obj,
                                                                data=request.POST.dict()), _("已保存"), _labels(kind))
        if done is not None:
            return redirect("registers:detail", slug, obj.public_id)
        form = kind.form(data=request.POST, instance=kind.model.objects.get(pk=obj.pk), actor=request.user)
        form.is_valid()
    else:
        form = kind.form(instance=obj, actor=request.user)
    return form_page(request, "registers/form.html", {"kind": kind, "form": form, "obj": obj},
                     refused=request.method == "POST")


@login_required
@require_POST
def record_act(request, slug, public_id):
    kind = _kind(slug)
    obj = _record(request, kind, public_id)
    action = request.POST.get("action")  # the button: verify and return are a review's decision
    reason = request.POST.get("reason", "")
    if action in ("verify", "return"):
        form, call = ReviewForm, lambda data: services.record_review(actor=request.user, obj=obj, data=data)
        data, ok = {"decision": action, "reason": reason}, _("已核实") if action == "verify" else _("已退回")
    elif action == "withdraw":
        form, call = WithdrawForm, lambda data: services.record_withdraw(actor=request.user, obj=obj, data=data)
        data, ok = {"reason": reason}, _("已撤回")
    else:
        raise Http404
    try:
        call(data)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        labels = {name: str(f.label) for name, f in form.base_fields.items()}
        errors = exc.data.get("errors") or []
        messages.error(request, _("；").join(f"{labels.get(e['field'], e['field'])}{_('：')}{e['message']}"
                                         for e in errors) if errors else exc.message)
    else:
        messages.success(request, ok)
    return redirect("registers:detail", slug, obj.public_id)


def record_export(request, slug, fmt):
    kind = _kind(slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = {k: v for k, v in request.GET.items() if v and k not in ("page", "per_page")}
    if filters.get("year"):
        filters["year"] = parse_year(filters["year"])
    data = export_table(kind, queries.records(request.user, kind, filters), fmt)
    return file_response(data, fmt, kind.slug)


@login_required
@require_POST
def record_import(request, slug):
    kind = _kind(slug)
    if not perms.can_submit(request.user, kind):
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return redirect("registers:list", slug)
    dry_run = bool(request.POST.get("dry_run"))
    content = upload.read()
    if not dry_run and content.count(b"\n") > services.BACKGROUND_ROWS:
        # a large table: a background job (core.jobs); the list page shows its progress and outcome
        job = _service(request, lambda: services.records_import_start(actor=request.user, kind=kind,
                                                                      filename=upload.name, content=content),
                       _("文件较大,已在后台导入,本页显示进度"), _labels(kind))
        if job is not None:
            return redirect(f"{reverse('registers:list', args=[slug])}?job={job.pk}")
        return redirect(reverse("registers:list", args=[slug]))
    result = _service(request, lambda: services.records_import(actor=request.user, kind=kind, filename=upload.name,
                                                               content=content, dry_run=dry_run),
                      _("文件检查通过") if dry_run else _("已导入"), _labels(kind))
    if result is not None:
        messages.info(request, _("%(rows)s 行，新建 %(created)s 条") % result)
    return redirect(reverse("registers:list", args=[slug]))
