from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .roles import Role


class RoleBackend(ModelBackend):
    """The regional department administers everything: every model permission, including the admin's."""

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.DEPARTMENT and user_obj.is_staff:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.DEPARTMENT and user_obj.is_staff:
            return True
        return super().has_module_perms(user_obj, app_label)


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Refuses a locked-out account or address before any password is checked (django-axes).

    Only requests are throttled: authentication without one (the test client's login, a shell)
    is not a network attempt and passes on to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
