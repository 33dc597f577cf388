"""Stored index runs: which framework (and its exact text), which data (and their fingerprint),
which parameters, and the results, so that every published ranking can be traced and repeated."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class IndexRun(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the public id in URLs
    framework = models.CharField(max_length=80)
    framework_name = models.CharField(max_length=200)
    framework_sha256 = models.CharField(max_length=64)
    framework_text = models.TextField(help_text="the framework YAML as it was when the run was made")
    method = models.CharField(
        max_length=40, blank=True, help_text="a named alternative of the framework, or empty"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    data_source = models.CharField(max_length=300)
    data_sha256 = models.CharField(max_length=64)
    replications = models.PositiveIntegerField(default=0)
    seed = models.IntegerField(default=1)
    ok = models.BooleanField(default=True)
    error = models.TextField(blank=True, help_text="why the index could not be computed")
    coverage = models.FloatField(
        default=0.0, help_text="share of unit × indicator cells with a reported value"
    )
    data = models.JSONField(
        default=dict, help_text="the input matrix (units, indicators, values; null = missing)"
    )
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # queries.latest_run / runs_of: filter(framework=...).order_by("-created_at")
            models.Index(fields=["framework", "-created_at"], name="indexrun_framework_recent"),
        ]

    def __str__(self):
        return f"{self.framework} {self.year or ''} {self.created_at:%Y-%m-%d %H:%M}"
