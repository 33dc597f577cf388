"""A province-scale synthetic fill for load tests (issue 10): several years of operation.

Everything it writes says so where it shows: organisations, accounts, enterprises, records and
sources carry 合成 / 合成数据 in their names, descriptions, channels or titles, and a marker
organisation (slug ``MARKER_SLUG``) makes every page show a banner (``web.context``). It never
runs from ``make run`` / ``steppe setup``; it refuses a database holding real user data unless
forced. The volumes at scale 1 are issue 10's: 100,000 enterprises × 3 years, 50,000
achievements, 20,000 demands, 10,000 contracts, 1,000,000 observations, 12 progress rounds
answered for every measure and lead unit (and for every qualitative target and its lead units),
500 challenges; then the policy batch run over the register (innovation points, the white list) and
创新积分贷 loans from the synthetic banks to white-listed enterprises (a bank's pages show volume).

Rows go in with ``bulk_create`` in batches; regions are the real ones (the regions table).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from steppe.challenges.models import Application, Challenge, ChallengeTarget
from steppe.core.models import Notification, Organisation, Region, User
from steppe.core.roles import OrgKind, OrgRole, Role
from steppe.plans.models import Measure, MeasureUnit, Target
from steppe.policy.models import Enterprise, PolicyRun, enterprise_subject
from steppe.policy.queries import white_list
from steppe.policy.services import enterprises_generate, policy_run
from steppe.registers.models import Loan, Review
from steppe.stats import cache as stats_cache
from steppe.stats.models import Import, Indicator, Observation, Source
from steppe.supervision.models import ProgressReport, ProgressRound, ReportVersion, TargetReport
from steppe.supervision.queries import STATUS_CACHE
from steppe.transfer.models import (
    Achievement,
    Broker,
    Contract,
    ContractStatus,
    ContractType,
    Demand,
    Interest,
    InterestStatus,
    IpType,
    ListingStatus,
    TransferMode,
)
from steppe.transfer.services import contract_fingerprint
from steppe.web.context import SYNTHETIC_MARKER_SLUG

LABEL = "合成数据"
MARKER_SLUG = SYNTHETIC_MARKER_SLUG
MARKER_NAME = "合成数据（性能测试用，非真实数据）"
USER_PREFIX = "syn-"
SYNTHETIC_VIA = "synthetic"

VOLUMES = {
    "enterprises": 100_000,
    "achievements": 50_000,
    "demands": 20_000,
    "contracts": 10_000,
    "observations": 1_000_000,
    "rounds": 12,
    "challenges": 500,
}
POLICY_YEAR = 2024  # the accounting year the enterprises' data end in (enterprises_generate)
LOAN_SHARE = 0.8  # of the white-listed enterprises, those that borrowed (1-4 loans each)

# the region's industries and their technologies (plausible titles, not real records)
FIELDS = {
    "稀土新材料": ["高性能钕铁硼永磁", "稀土抛光粉", "稀土储氢合金", "稀土发光材料", "稀土催化剂"],
    "现代煤化工": ["煤制烯烃", "煤基乙二醇", "煤焦油深加工", "二氧化碳捕集利用", "煤气化废水处理"],
    "新能源": ["大型风电机组", "光伏组件回收", "绿氢电解槽", "储能电池管理", "风光储一体化调度"],
    "乳业与生物育种": ["乳酸菌菌种选育", "奶牛基因组选择", "婴幼儿配方乳粉", "肉羊高效繁育", "牧草品种改良"],
    "草原生态": ["退化草原修复", "荒漠化防治", "矿区生态修复", "草畜平衡监测", "盐碱地改良"],
    "蒙中医药": ["蒙药质量标准", "沙棘深加工", "肉苁蓉种植", "蒙医药临床评价", "黄芪有效成分提取"],
    "装备制造": ["智能采煤装备", "重型卡车轻量化", "铁路货车制动", "特种钢材热处理", "工业机器人焊接"],
    "数字经济": ["算力中心节能", "工业互联网平台", "智慧牧场物联网", "北斗精准农业", "电网数字孪生"],
    "冶金": ["稀土钢", "电解铝节能", "多晶硅提纯", "高纯石墨", "钢渣综合利用"],
}
SUFFIXES = ["关键技术", "技术及应用", "工艺优化", "成套装备", "产业化示范", "集成技术", "检测方法"]
ORG_KINDS = [
    (OrgKind.INSTITUTION, ["研究院", "大学", "研究所", "实验室"], 1200),
    (OrgKind.ENTERPRISE, ["有限公司", "股份有限公司", "集团有限公司"], 2400),
    (OrgKind.AGENCY, ["技术转移中心", "科技服务有限公司"], 150),
    (OrgKind.BANK, ["银行分行", "农村商业银行"], 30),
]
SOURCES = ["统计年鉴（模拟）", "统计公报（模拟）", "盟市报送（模拟）"]


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def is_filled() -> bool:
    """Whether this database holds the synthetic fill (the pages' banner reads it)."""
    return Organisation.objects.filter(slug=MARKER_SLUG).exists()


def real_data() -> list[str]:
    """What in this database looks like real user data (the fill refuses to mix with it)."""
    found = []
    checks = [
        ("accounts", User.objects.filter(is_superuser=False).exclude(username__startswith=USER_PREFIX)),
        ("enterprises", Enterprise.objects.filter(synthetic=False)),
        ("achievements", Achievement.objects.exclude(source=LABEL)),
        ("demands", Demand.objects.exclude(source=LABEL)),
        ("contracts", Contract.objects.exclude(channel=LABEL)),
        ("challenges", Challenge.objects.exclude(code__startswith="syn-")),
        ("loans", Loan.objects.exclude(source=LABEL)),
        ("progress reports", ProgressReport.objects.filter(submitted_at__isnull=False).exclude(
            done__startswith=f"【{LABEL}】")),
        ("statistics imports", Import.objects.exclude(via__in=["published", SYNTHETIC_VIA])),
    ]
    for label, qs in checks:
        n = qs.count()
        if n:
            found.append(f"{n} {label}")
    return found


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _aware(d: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(rng.randint(8, 18), rng.randint(0, 59)), tzinfo=dt.UTC)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _title(rng: random.Random) -> tuple[str, str]:
    fld = rng.choice(list(FIELDS))
    return fld, f"{rng.choice(FIELDS[fld])}{rng.choice(SUFFIXES)}"


def _amount(rng: random.Random, median: float, lo: float, hi: float) -> Decimal:
    v = min(max(rng.lognormvariate(0, 1.0) * median, lo), hi)
    return Decimal(f"{v:.2f}")


def fill(*, scale: float = 1.0, force: bool = False, seed: int = 7, say: Callable[[str], None] = print) -> Report:
    """Fill this database; returns the counts and seconds per part. Raises RuntimeError when it holds
    real user data (unless ``force``) or the fill is there already."""
    if is_filled():
        raise RuntimeError("这个数据库已经装入合成数据 This database already holds the synthetic fill")
    real = real_data()
    if real and not force:
        raise RuntimeError(
            "这个数据库含有真实用户数据，拒绝装入合成数据（确需装入请加 --force）"
            f" This database holds real user data ({', '.join(real)}); refusing without --force"
        )
    counties = list(Region.objects.filter(level="county", code__startswith=Region.PROVINCE_PREFIX).order_by("code"))
    leagues = list(Region.objects.filter(level="prefecture", code__startswith=Region.PROVINCE_PREFIX).order_by("code"))
    if not counties or not Measure.objects.exists() or not Indicator.objects.exists():
        raise RuntimeError("请先运行 steppe setup（区划、规划与指标） Run `steppe setup` first")
    rng = random.Random(seed)
    n = {k: max(1, round(v * scale)) for k, v in VOLUMES.items()}
    n["rounds"] = VOLUMES["rounds"]  # every measure answers 12 rounds whatever the scale
    report = Report()

    def step(name: str, fn: Callable[[], int]) -> None:
        t0 = time.perf_counter()
        count = fn()
        report.seconds[name] = time.perf_counter() - t0
        report.counts[name] = count
        say(f"{name}: {count:,} in {report.seconds[name]:.1f} s")

    ctx: dict = {"rng": rng, "counties": counties, "leagues": leagues, "n": n, "scale": scale}
    with transaction.atomic():
        Organisation.objects.create(slug=MARKER_SLUG, name=MARKER_NAME, kind=OrgKind.OTHER)
        step("organisations", lambda: _organisations(ctx))
        step("accounts", lambda: _accounts(ctx))
    step("enterprises", lambda: _enterprises(ctx, say))
    with transaction.atomic():
        step("achievements", lambda: _listings(ctx, Achievement, n["achievements"]))
        step("demands", lambda: _listings(ctx, Demand, n["demands"]))
        step("contracts", lambda: _contracts(ctx))
    with transaction.atomic():
        step("observations", lambda: _observations(ctx))
    with transaction.atomic():
        step("progress reports", lambda: _progress(ctx))
        step("target reports", lambda: _target_reports(ctx))
    with transaction.atomic():
        step("challenges", lambda: _challenges(ctx))
    step("policy results", lambda: _policy_run(ctx, say))  # commits in chunks itself (its progress)
    with transaction.atomic():
        step("loans", lambda: _loans(ctx))
    stats_cache.invalidate()
    STATUS_CACHE.invalidate()  # bulk_create sends no signals: the measures' statuses are judged anew
    # a million rows written at once: the planner's statistics and the visibility map are brought
    # up to date now, as autovacuum would after such a load, not left to it (it is off on some
    # servers; without statistics the lists' joins plan badly, and without the visibility map a
    # count or a list cannot be answered from its index alone). VACUUM cannot run in a transaction:
    # inside one (a test's), the statistics only.
    if connection.vendor == "postgresql":
        vacuum = not connection.in_atomic_block
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        say("VACUUM ANALYZE: visibility map and planner statistics refreshed" if vacuum
            else "ANALYZE: planner statistics refreshed")  # fmt: skip
    # 70,000 listings written in bulk: a new shared search index is built by its job (the old one,
    # caught up record by record, would carry them all as delta)
    from steppe.transfer import search

    search.reset_index()
    search.request_rebuild(why="合成数据已装入 Synthetic fill loaded")
    return report


def clear(*, say: Callable[[str], None] = print) -> dict[str, int]:
    """Remove what ``fill`` wrote (by its labels), leaving the reference data and anything real."""
    from steppe.transfer import search

    removed: dict[str, int] = {}
    rounds = ProgressRound.objects.filter(opened_by__username=f"{USER_PREFIX}department")
    synthetic_imports = Import.objects.filter(via=SYNTHETIC_VIA)
    # the batch runs the fill made: their results are all of synthetic enterprises (a run that also
    # covered real ones stays, with the real enterprises' results)
    runs = list(PolicyRun.objects.filter(results__enterprise__synthetic=True)
                .exclude(results__enterprise__synthetic=False).distinct().values_list("pk", flat=True))  # fmt: skip
    steps = [
        ("challenges", Challenge.objects.filter(code__startswith="syn-jb-")),
        ("loans", Loan.objects.filter(source=LABEL)),
        ("progress reports", ProgressReport.objects.filter(round__in=rounds)),
        ("target reports", TargetReport.objects.filter(round__in=rounds)),
        ("progress rounds", rounds),
        ("observations", Observation.objects.filter(imported_by__in=synthetic_imports)),
        ("statistics imports", synthetic_imports),
        ("sources", Source.objects.filter(title__startswith=f"{LABEL}：", observations__isnull=True)),
        ("contracts", Contract.objects.filter(channel=LABEL)),
        ("interests", Interest.objects.filter(note=f"【{LABEL}】有意洽谈")),
        ("achievements", Achievement.objects.filter(source=LABEL)),
        ("demands", Demand.objects.filter(source=LABEL)),
        ("brokers", Broker.objects.filter(certificate_no__startswith="SYN-")),
        ("policy runs", PolicyRun.objects.filter(pk__in=runs)),
        ("enterprises", Enterprise.objects.filter(synthetic=True)),
        ("accounts", User.objects.filter(username__startswith=USER_PREFIX)),
        ("organisations", Organisation.objects.filter(slug__startswith="syn-")),
        ("marker", Organisation.objects.filter(slug=MARKER_SLUG)),
    ]
    with transaction.atomic():
        for label, qs in steps:
            n, _ = qs.delete()
            removed[label] = n
            say(f"removed {label}: {n:,} rows (with what depends on them)")
            if label == "policy runs":  # their notices to the enterprises (no foreign key to them)
                removed["policy notices"] = _clear_notices()
    stats_cache.invalidate()
    STATUS_CACHE.invalidate()
    search.reset_index()
    return removed


def _clear_notices() -> int:
    """The batch run's notices about synthetic enterprises (subject ``policy.enterprise:<pk>``)."""
    ids = list(Enterprise.objects.filter(synthetic=True).values_list("pk", flat=True))
    n = 0
    for i in range(0, len(ids), 5000):
        subjects = [enterprise_subject(pk) for pk in ids[i : i + 5000]]
        n += Notification.objects.filter(subject__in=subjects).delete()[0]
    return n


# ---------------------------------------------------------------- organisations and accounts


def _organisations(ctx) -> int:
    rng, counties = ctx["rng"], ctx["counties"]
    orgs = []
    for kind, suffixes, count in ORG_KINDS:
        for i in range(max(3, round(count * ctx["scale"]))):
            region = rng.choice(counties)
            fld = rng.choice(list(FIELDS))
            orgs.append(Organisation(
                slug=f"syn-{kind}-{i + 1:05d}", kind=kind, region=region,
                name=f"【合成】{region.name}{fld}{rng.choice(suffixes)}{i + 1:04d}",
            ))  # fmt: skip
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    by_kind: dict[str, list[Organisation]] = {}
    for o in Organisation.objects.filter(slug__startswith="syn-").exclude(slug=MARKER_SLUG):
        by_kind.setdefault(o.kind, []).append(o)
    ctx["orgs"] = by_kind
    return len(orgs)


def _accounts(ctx) -> int:
    """Personas for the load test (no usable password: `bench/load.py` opens their sessions)."""
    rng, orgs, leagues = ctx["rng"], ctx["orgs"], ctx["leagues"]
    dept_unit = Organisation.objects.create(slug="syn-department", name="【合成】自治区科技厅（演示账号）",
                                            kind=OrgKind.GOVERNMENT)  # fmt: skip
    users = [User(username="syn-department", role=Role.DEPARTMENT, unit=dept_unit, is_staff=True)]
    for lg in leagues:
        users.append(User(username=f"syn-bureau-{lg.code}", role=Role.BUREAU, region=lg))
    for i, org in enumerate(orgs[OrgKind.ENTERPRISE][:200]):
        users.append(User(username=f"syn-enterprise-{i + 1:03d}", role=Role.ENTERPRISE, unit=org,
                          region=org.region, org_role=OrgRole.ADMIN))  # fmt: skip
    for i, org in enumerate(orgs[OrgKind.INSTITUTION][:200]):
        users.append(User(username=f"syn-institution-{i + 1:03d}", role=Role.INSTITUTION, unit=org,
                          region=org.region, org_role=OrgRole.ADMIN))  # fmt: skip
    for i, org in enumerate(orgs[OrgKind.BANK][:20]):
        users.append(User(username=f"syn-bank-{i + 1:03d}", role=Role.BANK, unit=org, region=org.region))
    for i in range(60):
        users.append(User(username=f"syn-broker-{i + 1:03d}", role=Role.BROKER))
    for u in users:
        u.set_unusable_password()
    User.objects.bulk_create(users, batch_size=1000)
    saved = {u.username: u for u in User.objects.filter(username__startswith=USER_PREFIX)}
    agencies = orgs[OrgKind.AGENCY]
    brokers = [
        Broker(user=saved[f"syn-broker-{i + 1:03d}"], name=f"合成经纪人{i + 1:03d}", certificate_no=f"SYN-JJR-{i + 1:05d}",
               fields=rng.sample(list(FIELDS), 2), unit=rng.choice(agencies), region=rng.choice(ctx["counties"]))
        for i in range(60)
    ]  # fmt: skip
    Broker.objects.bulk_create(brokers)
    ctx["users"] = saved
    ctx["brokers"] = list(Broker.objects.filter(certificate_no__startswith="SYN-"))
    ctx["ent_users"] = [u for u in saved.values() if u.role == Role.ENTERPRISE]
    ctx["inst_users"] = [u for u in saved.values() if u.role == Role.INSTITUTION]
    return len(users) + len(brokers)


def _enterprises(ctx, say) -> int:
    """The policy register through the service the benchmarks use (names 合成企业…, flagged synthetic)."""
    count = enterprises_generate(ctx["n"]["enterprises"], year=2024, seed=ctx["rng"].randint(1, 10**6), progress=say)
    # the enterprise personas' organisations hold a register file each
    firms = list(Enterprise.objects.filter(synthetic=True, unit__isnull=True).order_by("id")[: len(ctx["ent_users"])])
    for ent, user in zip(firms, ctx["ent_users"], strict=False):
        ent.unit_id = user.unit_id
    Enterprise.objects.bulk_update(firms, ["unit"], batch_size=1000)
    return count


# ---------------------------------------------------------------- the network (蒙科聚)


def _listings(ctx, model, count: int) -> int:
    rng, counties = ctx["rng"], ctx["counties"]
    is_achievement = model is Achievement
    owners = ctx["inst_users"] + ctx["ent_users"] if is_achievement else ctx["ent_users"]
    statuses = [ListingStatus.PUBLISHED] * 16 + [ListingStatus.SUBMITTED, ListingStatus.ACCEPTED,
                                                 ListingStatus.RETURNED, ListingStatus.EXPIRED]  # fmt: skip
    start, end = dt.date(2023, 1, 1), dt.date(2026, 11, 30)

    def rows():
        for i in range(count):
            fld, title = _title(rng)
            owner = rng.choice(owners)
            submitted = _aware(_day(rng, start, end), rng)
            status = rng.choice(statuses)
            published = submitted + dt.timedelta(days=rng.randint(1, 20)) if status in (
                ListingStatus.PUBLISHED, ListingStatus.EXPIRED) else None  # fmt: skip
            common = dict(
                title=f"{title}（合成{i + 1:05d}）",
                description=f"【{LABEL}】{fld}领域：{title}。本条为性能测试生成的合成记录，不对应真实单位或项目。",
                field=fld, region=rng.choice(counties) if owner.region_id is None else owner.region,
                unit_id=owner.unit_id, contact="0471-0000000（合成）", status=status, submitted_by=owner,
                submitted_at=submitted, reviewed_at=published, published_at=published,
                expires_on=(published.date() + dt.timedelta(days=730)) if published else None,
                views=rng.randint(0, 800), source=LABEL, updated_at=published or submitted,
            )  # fmt: skip
            if is_achievement:
                lo = _amount(rng, 40, 1, 20000)
                yield Achievement(
                    **common, readiness=rng.randint(3, 9), ip_type=rng.choice(IpType.values),
                    ip_numbers=f"ZL2023{rng.randint(10**7, 10**8 - 1)}", price_min=lo,
                    price_max=(lo * Decimal(rng.choice(["1.5", "2", "3"]))).quantize(Decimal("0.01")),
                    transfer_modes=rng.sample(TransferMode.values, rng.randint(1, 2)),
                )  # fmt: skip
            else:
                yield Demand(**common, budget=_amount(rng, 80, 2, 20000),
                             deadline=_day(rng, dt.date(2025, 1, 1), dt.date(2027, 12, 31)))  # fmt: skip

    total = 0
    for batch in _batches(rows(), 5000):
        model.objects.bulk_create(batch)
        total += len(batch)
    return total


def _contracts(ctx) -> int:
    """Negotiations on published achievements, each with its contract (most reviewed: 认定登记)."""
    rng, counties, n = ctx["rng"], ctx["counties"], ctx["n"]["contracts"]
    achievements = list(
        Achievement.objects.filter(source=LABEL, status=ListingStatus.PUBLISHED)
        .order_by("id").values_list("id", "title", "region_id", "unit__name", "published_at")[:n]
    )  # fmt: skip
    buyers = ctx["ent_users"]
    interests = []
    for aid, *_rest, published in achievements:
        buyer = rng.choice(buyers)
        interests.append(Interest(
            achievement_id=aid, user=buyer, unit_id=buyer.unit_id,
            broker=rng.choice(ctx["brokers"]) if rng.random() < 0.3 else None,
            note=f"【{LABEL}】有意洽谈", status=InterestStatus.CONTRACTED, created_at=published + dt.timedelta(days=rng.randint(1, 60)),
        ))  # fmt: skip
    Interest.objects.bulk_create(interests, batch_size=5000)
    saved = list(Interest.objects.filter(note=f"【{LABEL}】有意洽谈").select_related("unit").order_by("achievement_id"))
    by_achievement = {i.achievement_id: i for i in saved}
    statuses = [ContractStatus.REGISTERED] * 17 + [ContractStatus.SUBMITTED] * 2 + [ContractStatus.RETURNED]
    contracts = []
    for k, (aid, title, region_id, unit_name, _published) in enumerate(achievements):
        interest = by_achievement[aid]
        signed = interest.created_at.date() + dt.timedelta(days=rng.randint(10, 120))
        amount = _amount(rng, 60, 1, 50000)
        seller = unit_name or "【合成】卖方单位"
        buyer = interest.unit.name if interest.unit else "【合成】买方单位"
        contracts.append(Contract(
            number=f"SYN{signed.year}{k + 1:06d}", title=f"{title}技术合同", type=rng.choice(ContractType.values),
            seller=seller, seller_region_id=region_id, buyer=buyer,
            buyer_region_id=interest.unit.region_id if interest.unit and interest.unit.region_id else rng.choice(counties).id,
            amount=amount, tech_amount=(amount * Decimal(rng.choice(["0.6", "0.8", "0.9", "1"]))).quantize(Decimal("0.01")),
            signed_on=signed, registered_on=signed + dt.timedelta(days=rng.randint(1, 30)),
            authority=f"{LABEL}·技术合同登记处（模拟）", rules_version="合成", channel=LABEL,
            fingerprint=contract_fingerprint(seller=seller, buyer=buyer, amount=amount, signed_on=signed),
            interest=interest, achievement_id=aid, broker_id=interest.broker_id, status=rng.choice(statuses),
        ))  # fmt: skip
    Contract.objects.bulk_create(contracts, batch_size=5000)
    return len(contracts)


# ---------------------------------------------------------------- statistics


def _observations(ctx) -> int:
    """Every indicator × every region × 2000-2024 from three synthetic sources, then revisions
    (version 2) of the first source's rows until the volume is reached."""
    rng, target = ctx["rng"], ctx["n"]["observations"]
    regions = list(Region.objects.filter(code__startswith=Region.PROVINCE_PREFIX).order_by("code"))
    indicators = list(Indicator.objects.order_by("id"))
    years = list(range(2000, 2025))
    level_scale = {"province": 100.0, "prefecture": 10.0, "county": 1.0}
    imports, sources = [], []
    for title in SOURCES:
        src, _ = Source.objects.get_or_create(title=f"{LABEL}：{title}", url="")
        sources.append(src)
        imports.append(Import.objects.create(file_name=f"{LABEL}（{title}）", fmt="csv", via=SYNTHETIC_VIA,
                                             note=f"{LABEL}：性能测试生成，非真实统计"))  # fmt: skip

    def value(ind, region, year, wobble) -> Decimal:
        unit = ind.unit or ""
        spread = zlib.crc32(f"{ind.code}{region.code}".encode())
        if "%" in unit or "比" in unit:
            v = 0.5 + (spread % 600) / 10 + wobble
        else:
            base = (1 + spread % 500) * level_scale.get(region.level, 1.0)
            v = base * (1.07 ** (year - 2000)) * (1 + wobble / 10)
        return Decimal(f"{max(v, 0):.4f}")

    def rows():
        made = 0
        for s, (src, imp) in enumerate(zip(sources, imports, strict=True)):
            for ind in indicators:
                for region in regions:
                    for year in years:
                        if made >= target:
                            return
                        made += 1
                        yield Observation(region=region, indicator=ind, year=year, unit=ind.unit[:20],
                                          value=value(ind, region, year, rng.uniform(-1, 1) * (s + 1)),
                                          source=src, imported_by=imp, note=f"{LABEL}", version=1)  # fmt: skip
        for ind in indicators:
            for region in regions:
                for year in years:
                    if made >= target:
                        return
                    made += 1
                    yield Observation(region=region, indicator=ind, year=year, unit=ind.unit[:20],
                                      value=value(ind, region, year, rng.uniform(-1, 1)), source=sources[0],
                                      imported_by=imports[0], note=f"{LABEL}（修订）", version=2,
                                      status=Observation.Status.REVISED)  # fmt: skip

    total = 0
    for batch in _batches(rows(), 10000):
        Observation.objects.bulk_create(batch)
        total += len(batch)
    # a revised row supersedes the first version (history kept, one current row per key)
    first = imports[0]
    revised = Observation.objects.filter(
        imported_by=first, version=2, indicator_id=OuterRef("indicator_id"), region_id=OuterRef("region_id"),
        year=OuterRef("year"),
    )  # fmt: skip
    Observation.objects.filter(imported_by=first, version=1).filter(Exists(revised)).update(is_current=False)
    for imp in imports:
        imp.rows = imp.added = imp.observations.count()
        imp.save(update_fields=["rows", "added"])
    return total


# ---------------------------------------------------------------- supervision and challenges


def _progress(ctx) -> int:
    """12 monthly rounds of 2025, each answered and accepted for every measure and lead unit."""
    rng = ctx["rng"]
    dept = ctx["users"]["syn-department"]
    links = list(MeasureUnit.objects.filter(role=MeasureUnit.Role.LEAD, measure__active=True).order_by("id"))
    rounds = []
    for month in range(1, ctx["n"]["rounds"] + 1):
        due = dt.date(2025, month, 25)
        rounds.append(ProgressRound.objects.create(
            period=f"2025-{month:02d}", due_on=due, opened_by=dept,
            opened_at=_aware(due - dt.timedelta(days=20), rng), closed_at=_aware(due + dt.timedelta(days=10), rng),
        ))  # fmt: skip
    reports = []
    for k, rnd in enumerate(rounds):
        for link in links:
            submitted = _aware(rnd.due_on - dt.timedelta(days=rng.randint(0, 5)), rng)
            progress = min(100, 8 * (k + 1) + rng.randint(-5, 5))
            reports.append(ProgressReport(
                round=rnd, measure_id=link.measure_id, unit_id=link.unit_id, state=ProgressReport.State.ACCEPTED,
                status="completed" if progress >= 100 else rng.choice(["in_progress"] * 5 + ["problems"]),
                progress=max(progress, 0), done=f"【{LABEL}】{rnd.period} 本期推进情况（模拟）",
                problems="" if rng.random() < 0.8 else f"【{LABEL}】资金到位滞后（模拟）",
                next_steps=f"【{LABEL}】按计划推进（模拟）", version=1, first_submitted_at=submitted,
                submitted_at=submitted, reviewed_at=submitted + dt.timedelta(days=2), reviewed_by=dept,
                review_comment="", created_at=_aware(rnd.due_on - dt.timedelta(days=20), rng),
            ))  # fmt: skip
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    saved = ProgressReport.objects.filter(round__in=rounds).order_by("id")
    versions = [
        ReportVersion(report=r, number=1, status=r.status, progress=r.progress, done=r.done, problems=r.problems,
                      next_steps=r.next_steps, submitted_at=r.submitted_at, submitted_by=r.submitted_by, outcome="accepted")
        for r in saved
    ]  # fmt: skip
    ReportVersion.objects.bulk_create(versions, batch_size=2000)
    ctx["rounds"] = rounds
    return len(reports)


TARGET_STATUS_STEPS = [TargetReport.Status.NOT_STARTED, TargetReport.Status.ADVANCING, TargetReport.Status.ADVANCING,
                       TargetReport.Status.PROBLEMS, TargetReport.Status.ADVANCING, TargetReport.Status.ACHIEVED]  # fmt: skip


def _target_reports(ctx) -> int:
    """The same 12 rounds answered on every qualitative target (Q1–Q6) by each of its lead units,
    as `round_open` asks them: a status and a narrative, submitted and accepted."""
    rng, dept = ctx["rng"], ctx["users"]["syn-department"]
    targets = list(Target.objects.filter(active=True, lead_units__isnull=False).prefetch_related("lead_units")
                   .distinct().order_by("id"))  # fmt: skip
    reports = []
    for k, rnd in enumerate(ctx["rounds"]):
        step = min(len(TARGET_STATUS_STEPS) - 1, k * len(TARGET_STATUS_STEPS) // len(ctx["rounds"]))
        for t in targets:
            for unit in t.lead_units.all():
                submitted = _aware(rnd.due_on - dt.timedelta(days=rng.randint(0, 5)), rng)
                status = TARGET_STATUS_STEPS[step] if rng.random() < 0.8 else TargetReport.Status.ADVANCING
                reports.append(TargetReport(
                    round=rnd, target=t, unit=unit, state=TargetReport.State.ACCEPTED, status=status,
                    narrative=f"【{LABEL}】{rnd.period} {t.code} 推进情况（模拟）", version=1,
                    first_submitted_at=submitted, submitted_at=submitted, reviewed_at=submitted + dt.timedelta(days=2),
                    reviewed_by=dept, created_at=_aware(rnd.due_on - dt.timedelta(days=20), rng),
                ))  # fmt: skip
    TargetReport.objects.bulk_create(reports, batch_size=2000)
    return len(reports)


def _challenges(ctx) -> int:
    rng, n = ctx["rng"], ctx["n"]["challenges"]
    dept = ctx["users"]["syn-department"]
    measures = list(Measure.objects.filter(active=True).order_by("id"))
    applicants = ctx["orgs"][OrgKind.ENTERPRISE] + ctx["orgs"][OrgKind.INSTITUTION]
    states = [Challenge.State.PUBLISHED] * 3 + [Challenge.State.REVIEWING, Challenge.State.IN_PROGRESS,
                                                Challenge.State.COMPLETED, Challenge.State.DRAFT]  # fmt: skip
    challenges = []
    for i in range(n):
        fld, title = _title(rng)
        created = _aware(_day(rng, dt.date(2023, 3, 1), dt.date(2026, 10, 31)), rng)
        state = rng.choice(states)
        challenges.append(Challenge(
            code=f"syn-jb-{created.year}-{i + 1:04d}", title=f"【{LABEL}】{title}揭榜攻关",
            problem=f"【{LABEL}】{fld}：{title}亟待突破（模拟榜单）", budget=_amount(rng, 500, 100, 5000),
            deadline=created.date() + dt.timedelta(days=rng.randint(30, 120)),
            eligible_kinds=["enterprise", "institution"], eligible_region_prefix="15",
            max_teams=rng.choice([1, 1, 2, 3]), measure=rng.choice(measures), state=state, created_by=dept,
            created_at=created, published_at=None if state == Challenge.State.DRAFT else created + dt.timedelta(days=3),
        ))  # fmt: skip
    Challenge.objects.bulk_create(challenges)
    saved = list(Challenge.objects.filter(code__startswith="syn-jb-").order_by("id"))
    targets, apps = [], []
    for c in saved:
        targets.append(ChallengeTarget(challenge=c, code="t1", name="关键性能指标提升", unit="%",
                                       value=Decimal(rng.randint(10, 50))))  # fmt: skip
        targets.append(ChallengeTarget(challenge=c, code="t2", name="形成专利", unit="项", value=Decimal(rng.randint(2, 10))))
        if c.state == Challenge.State.DRAFT:
            continue
        for org in rng.sample(applicants, rng.randint(1, 3)):
            apps.append(Application(
                challenge=c, unit=org, submitted_at=c.published_at + dt.timedelta(days=rng.randint(1, 25)),
                proposal=f"【{LABEL}】{org.name}的攻关方案（模拟）",
                requested_budget=(c.budget * Decimal("0.8")).quantize(Decimal("0.01")), eligibility=[],
                state=Application.State.SUBMITTED,
            ))  # fmt: skip
    ChallengeTarget.objects.bulk_create(targets, batch_size=2000)
    Application.objects.bulk_create(apps, batch_size=2000)
    return len(saved)


# ---------------------------------------------------------------- policy results and loans (a bank's view)


def _policy_run(ctx, say) -> int:
    """The batch run `steppe policy run` does, over the synthetic register: innovation points,
    eligibility and the white list a bank lends against."""
    run = policy_run(POLICY_YEAR, progress=lambda msg: None)
    white = (run.summary or {}).get("total", {}).get("white_list", 0)
    say(f"policy run {run.pk} ({POLICY_YEAR}): {run.total:,} enterprises, {white:,} on the white list")
    ctx["run"] = run
    return run.total


def _loans(ctx) -> int:
    """创新积分贷: most white-listed enterprises borrowed 1-4 times from one or two synthetic banks
    since the run, each loan carrying the enterprise's points on the white list (as LoanForm takes)."""
    rng, n = ctx["rng"], 0
    banks = ctx["orgs"][OrgKind.BANK]
    filers = {u.unit_id: u for u in ctx["users"].values() if u.role == Role.BANK}
    dept = ctx["users"]["syn-department"]
    entries = list(white_list(POLICY_YEAR).values_list("enterprise_id", "enterprise__region_id", "innovation_points",
                                                       "year", "run_id"))  # fmt: skip
    loans = []
    for eid, region_id, points, year, run_id in entries:
        if rng.random() >= LOAN_SHARE:
            continue
        lenders = rng.sample(banks, min(len(banks), rng.choice([1, 1, 1, 2])))
        for _ in range(rng.randint(1, 4)):
            bank = rng.choice(lenders)
            lent = _day(rng, dt.date(2025, 1, 15), dt.date(2026, 11, 30))
            submitted = _aware(lent + dt.timedelta(days=rng.randint(0, 10)), rng)
            verified = rng.random() < 0.7
            n += 1
            loans.append(Loan(
                region_id=region_id, bank=bank, enterprise_id=eid, unit=bank, amount_wan=_amount(rng, 300, 10, 3000),
                lent_on=lent, term_months=rng.choice([6, 12, 12, 12, 24, 36]), innovation_points=round(Decimal(points), 2),
                points_year=year, points_run=run_id, source=LABEL, note=f"【{LABEL}】创新积分贷（模拟）",
                submitted_by=filers.get(bank.pk), submitted_at=submitted, updated_at=submitted,
                review=Review.VERIFIED if verified else Review.SUBMITTED,
                reviewed_by=dept if verified else None, reviewed_at=submitted + dt.timedelta(days=3) if verified else None,
            ))  # fmt: skip
    Loan.objects.bulk_create(loans, batch_size=2000)
    return n
