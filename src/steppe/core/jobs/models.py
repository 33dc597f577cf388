"""The job record: one row per background job, whatever queue runs it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job", "排队中")
        RUNNING = "running", pgettext_lazy("job", "运行中")
        SUCCEEDED = "succeeded", pgettext_lazy("job", "已完成")
        FAILED = "failed", pgettext_lazy("job", "失败")
        CANCELLED = "cancelled", pgettext_lazy("job", "已取消")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(_("类型"), max_length=64, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("发起人"),
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # the work's last sign of life: every progress report renews it (stale detection)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    done = models.BigIntegerField(_("已完成"), default=0)
    total = models.BigIntegerField(pgettext_lazy("job", "总量"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    # what the job concerns: e.g. ("stats.import", "42") and the page that shows it
    subject_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("对象"), max_length=64, blank=True)
    page = models.CharField(_("页面"), max_length=300, blank=True)
    # the queue's side: the task result id, the backend alias, the worker that ran it (host:pid)
    task_id = models.CharField(max_length=64, blank=True)
    backend = models.CharField(max_length=32, blank=True)
    worker = models.CharField(_("工作进程"), max_length=128, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    cancel_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self):
        return f"#{self.pk} {self.kind} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if self.total <= 0:
            return 0
        return max(0, min(100, int(100 * self.done / self.total)))


class PeriodicClaim(models.Model):
    """One row per periodic task and period: the unique pair is how several workers agree that
    exactly one of them starts it (the second insert fails)."""

    name = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    claimed_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="core_periodic_once")]
        ordering = ["-claimed_at"]

    def __str__(self):
        return f"{self.name} {self.period}"
