import pytest
from django.apps import apps
from django.contrib import admin


def test_the_admin_covers_every_model_of_steppe():
    """Each model has its own admin page or is edited inline on its parent's."""
    covered = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        covered.update(inline.model for inline in model_admin.inlines)
    missing = [
        model._meta.label for model in apps.get_models() if model.__module__.startswith("steppe.") and model not in covered
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_list_page_renders_for_the_department(client, department_user):
    client.force_login(department_user)
    for model in admin.site._registry:
        if not model.__module__.startswith("steppe."):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
