"""A newcomer's home page says what to do first until it is done: an enterprise without a file is
sent to open it, a broker without a profile to register it; once done the line goes."""

import datetime as dt

import pytest

from steppe.policy.models import Enterprise
from steppe.transfer.models import Broker

pytestmark = pytest.mark.django_db


def test_an_enterprise_without_a_file_is_sent_to_open_it(client, plan, enterprise_user):
    client.force_login(enterprise_user)
    html = client.get("/").content.decode()
    assert 'id="next-step"' in html and "建立本企业的档案" in html and 'href="/policy/enterprises/"' in html
    Enterprise.objects.create(name=enterprise_user.unit.name, unit=enterprise_user.unit, region=enterprise_user.region,
                              registered_on=dt.date(2019, 3, 1))
    assert 'id="next-step"' not in client.get("/").content.decode()


def test_a_broker_without_a_profile_is_sent_to_register_it(client, plan, broker_user):
    client.force_login(broker_user)
    html = client.get("/").content.decode()
    assert "登记技术经纪人信息" in html and 'href="/transfer/broker/"' in html
    client.cookies["django_language"] = "en"
    assert "Next: register as a broker" in client.get("/").content.decode()
    Broker.objects.create(user=broker_user, name="王经纪", certificate_no="C-9")
    assert 'id="next-step"' not in client.get("/").content.decode()


def test_no_next_step_for_others(client, plan, department_user):
    client.force_login(department_user)
    assert 'id="next-step"' not in client.get("/").content.decode()
    client.logout()
    assert 'id="next-step"' not in client.get("/").content.decode()

