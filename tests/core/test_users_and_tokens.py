import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from steppe.core.models import User


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_users_create_prints_a_working_token_on_the_last_line(client, regions):
    out = _run("users", "create", "baotou", "--role", "bureau", "--region", "150200", "--unit", "包头市科学技术局", "--token")
    token = out.strip().splitlines()[-1]
    assert token.startswith("stp_")
    user = User.objects.get(username="baotou")
    assert user.role == "bureau" and user.region.code == "150200" and user.unit.name == "包头市科学技术局"
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["region"], body["unit"]) == ("baotou", "bureau", "150200", "包头市科学技术局")
    assert body["organisation"] == {"id": user.unit_id, "name": "包头市科学技术局", "kind": "government",
                                    "status": "active", "credit_code": "", "region": "150200"}


@pytest.mark.django_db
def test_a_wrong_token_is_refused(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer stp_nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "bureau"], "--region"),
        (["--role", "bureau", "--region", "159999"], "159999"),
        (["--role", "enterprise"], "--unit"),
    ],
)
def test_users_create_refuses_bad_input_and_creates_nothing(args, message, regions):
    with pytest.raises(CommandError) as exc:
        _run("users", "create", "x", *args)
    assert message in str(exc.value)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_users_create_refuses_a_duplicate(regions):
    _run("users", "create", "same", "--role", "public")
    with pytest.raises(CommandError, match="already exists"):
        _run("users", "create", "same", "--role", "public")
