from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "steppe.evaluation"
    label = "evaluation"
    verbose_name = "评价 Evaluation"

    def ready(self):
        from steppe.core.registry import report_sections

        from .queries import report_section

        report_sections.register("evaluation", report_section)

        # the page's index builds run as background jobs (core.jobs)
        from django.utils.translation import gettext_lazy as _

        from steppe.core.jobs.registry import job_kind

        from .services import BUILD_KIND, index_build_job

        job_kind(BUILD_KIND, index_build_job, label=_("评价指数计算"), result_template="evaluation/_build_result.html")
