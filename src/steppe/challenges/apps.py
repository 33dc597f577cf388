from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "steppe.challenges"
    verbose_name = "揭榜挂帅"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # declared interfaces of supervision (the lower app) that 揭榜挂帅 fills
        from . import providers

        providers.register()
