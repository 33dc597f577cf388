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
