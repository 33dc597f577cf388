from django.urls import NoReverseMatch, reverse

from steppe.core.models import Organisation

# `steppe synthetic fill` creates this organisation; every page then says the data is synthetic
SYNTHETIC_MARKER_SLUG = "synthetic-data-marker"

# Each app's landing page, if it has one (the first URL name that resolves).
NAV = [
    ("plan", "规划", ["web:plan_public"]),
    ("stats", "目标监测", ["stats:index", "stats:dashboard"]),
    ("supervision", "督办调度", ["supervision:index", "supervision:overview"]),
    ("transfer", "蒙科聚一张网", ["transfer:index", "transfer:search"]),
    ("policy", "惠企政策", ["policy:index", "policy:calculator"]),
    ("evaluation", "创新评价", ["evaluation:index"]),
    ("registers", "登记簿", ["registers:index"]),
]


def _first_url(names):
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def navigation(request):
    items = []
    for key, label, names in NAV:
        url = _first_url(names)
        if url:
            items.append({"key": key, "label": label, "url": url,
                          "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "synthetic_data": _synthetic_data}


def _synthetic_data() -> bool:
    """Called by the template only where it shows the banner (one indexed lookup)."""
    return Organisation.objects.filter(slug=SYNTHETIC_MARKER_SLUG).exists()
