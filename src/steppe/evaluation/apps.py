from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "steppe.evaluation"
    label = "evaluation"
    verbose_name = "评价 Evaluation"
