"""`steppe synthetic fill`: issue 10's volumes (here at a small scale), labelled synthetic wherever
they show, refused beside real user data unless forced."""

import pytest
from django.core.management import CommandError, call_command

from steppe.challenges.models import Challenge
from steppe.core.models import Notification, User
from steppe.plans.models import MeasureUnit, Target
from steppe.policy.models import Enterprise, EnterpriseYear, PolicyResult, PolicyRun
from steppe.policy.queries import white_list
from steppe.registers.models import Loan
from steppe.stats.models import Observation
from steppe.supervision.models import ProgressReport, ProgressRound, TargetReport
from steppe.transfer.models import Achievement, Contract, Demand
from steppe.web import synthetic

pytestmark = pytest.mark.django_db

SCALE = 0.002  # 200 enterprises, 100 achievements, 40 demands, 20 contracts, 2,000 observations


@pytest.fixture
def ready(plan):
    from steppe.stats.services import indicators_load

    indicators_load()


def test_it_fills_the_volumes_at_scale_and_labels_every_record(ready, client, capsys):
    call_command("synthetic", "fill", "--scale", str(SCALE))
    out = capsys.readouterr().out
    assert "observations: 2,000 in" in out and "合成数据 synthetic fill:" in out
    assert Enterprise.objects.filter(synthetic=True).count() == 200
    assert EnterpriseYear.objects.count() == 600  # three years each
    assert Achievement.objects.count() == 100 and Demand.objects.count() == 40
    assert Contract.objects.count() == 20 and Observation.objects.count() == 2000
    assert Challenge.objects.count() == 1
    # every measure's lead units answered all 12 rounds
    links = MeasureUnit.objects.filter(role=MeasureUnit.Role.LEAD, measure__active=True).count()
    assert ProgressRound.objects.count() == 12
    assert ProgressReport.objects.filter(submitted_at__isnull=False).count() == 12 * links
    # and every qualitative target's lead units answered the same 12 rounds (a status and a narrative)
    target_links = Target.lead_units.through.objects.filter(target__active=True).count()
    assert target_links > 0
    answered = TargetReport.objects.filter(state=TargetReport.State.ACCEPTED).exclude(status="").exclude(narrative="")
    assert answered.count() == TargetReport.objects.count() == 12 * target_links
    assert "target reports: " in out
    # the policy batch ran over the register, and banks lent to white-listed enterprises at their points
    run = PolicyRun.objects.get()
    assert run.status == PolicyRun.Status.DONE and run.year == 2024 and run.total == 200
    assert PolicyResult.objects.filter(run=run).count() == 200
    assert "policy results: 200 in" in out and "loans: " in out
    listed = {e.enterprise_id: e for e in white_list(2024)}
    loans = list(Loan.objects.select_related("bank", "enterprise"))
    assert loans and {ln.enterprise_id for ln in loans} <= set(listed)
    for ln in loans:
        entry = listed[ln.enterprise_id]
        assert ln.points_run == run.pk and ln.points_year == 2024
        assert float(ln.innovation_points) == round(entry.innovation_points, 2)
        assert ln.bank.kind == "bank" and ln.bank.name.startswith("【合成】")
        assert ln.region_id == ln.enterprise.region_id
    # labels: names, sources, channels, descriptions
    assert not Loan.objects.exclude(source="合成数据").exclude(note__startswith="【合成数据】").exists()
    assert not Enterprise.objects.exclude(name__startswith="合成企业").exists()
    assert not Achievement.objects.exclude(source="合成数据").exists()
    assert not Demand.objects.exclude(description__startswith="【合成数据】").exists()
    assert not Contract.objects.exclude(channel="合成数据").exists()
    assert not Observation.objects.exclude(source__title__startswith="合成数据").exists()
    assert not Challenge.objects.exclude(title__startswith="【合成数据】").exists()
    assert not TargetReport.objects.exclude(narrative__startswith="【合成数据】").exists()
    # the regions are the real ones: every record sits in an Inner Mongolia county
    assert not Achievement.objects.exclude(region__code__startswith="15").exists()
    # and every page says so
    assert "本站数据为性能测试生成的合成数据" in client.get("/transfer/search/").content.decode()


def test_clear_removes_everything_it_filled(ready):
    """`synthetic clear` leaves the reference data and no synthetic row: loans, the batch run, its
    results and its notices about the synthetic enterprises go with the rest."""
    call_command("synthetic", "fill", "--scale", str(SCALE))
    assert Loan.objects.exists() and PolicyRun.objects.exists()
    assert Notification.objects.filter(subject__startswith="policy.enterprise:").exists()
    call_command("synthetic", "clear")
    assert not synthetic.is_filled()
    assert not Loan.objects.exists() and not PolicyRun.objects.exists() and not PolicyResult.objects.exists()
    assert not Notification.objects.filter(subject__startswith="policy.enterprise:").exists()
    assert not Enterprise.objects.exists() and not Achievement.objects.exists()
    assert not User.objects.filter(username__startswith=synthetic.USER_PREFIX).exists()
    assert Target.objects.exists()  # the plan stays


def test_a_page_without_the_fill_shows_no_banner(ready, client):
    assert "synthetic-banner" not in client.get("/transfer/search/").content.decode()


def test_it_refuses_a_database_with_real_users_unless_forced(ready, department_user):
    with pytest.raises(CommandError, match="真实用户数据"):
        call_command("synthetic", "fill", "--scale", str(SCALE))
    assert not Achievement.objects.exists() and not synthetic.is_filled()
    call_command("synthetic", "fill", "--scale", str(SCALE), "--force")
    assert Achievement.objects.count() == 100


def test_it_refuses_to_fill_twice(ready):
    call_command("synthetic", "fill", "--scale", str(SCALE))
    with pytest.raises(CommandError, match="已经装入"):
        call_command("synthetic", "fill", "--scale", str(SCALE))
    assert Achievement.objects.count() == 100


def test_setup_never_loads_it(regions, capsys):
    """`make run` and `make serve` are `steppe setup` then the server: setup, run for real, leaves no
    synthetic row behind (no marker, no syn- account, no record labelled 合成数据), and the Makefile's
    setup recipe is that command and nothing else."""
    from pathlib import Path

    call_command("setup", "--no-migrate")
    assert Target.objects.exists()  # setup did its work (the plan is loaded)
    assert not synthetic.is_filled()
    assert not User.objects.filter(username__startswith=synthetic.USER_PREFIX).exists()
    assert not Enterprise.objects.filter(synthetic=True).exists()
    assert not Achievement.objects.exists() and not Contract.objects.exists()
    assert not Observation.objects.filter(source__title__startswith=synthetic.LABEL).exists()
    assert not ProgressRound.objects.exists() and not TargetReport.objects.exists()
    assert not Challenge.objects.exists()
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    recipe = makefile.split("\nsetup:", 1)[1].split("\n\n", 1)[0]
    assert "$(STEPPE) setup" in recipe and "synthetic" not in recipe
