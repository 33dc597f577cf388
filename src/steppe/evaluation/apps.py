from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "steppe.evaluation"
    label = "evaluation"
    verbose_name = "评价 Evaluation"

    def ready(self):
        from steppe.core.registry import report_sections

        from .queries import report_section

        report_sections.register("evaluation", report_section)
