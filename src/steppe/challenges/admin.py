from django.contrib import admin

from .models import (
    Application,
    Challenge,
    ChallengeTarget,
    Commitment,
    CommitmentMilestone,
    ExpertReview,
    Tranche,
)


class ChallengeTargetInline(admin.TabularInline):
    model = ChallengeTarget
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "state", "budget", "deadline", "max_teams"]
    list_filter = ["state"]
    inlines = [ChallengeTargetInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["challenge", "unit", "state", "requested_budget", "submitted_at"]
    list_select_related = ["challenge", "unit"]


@admin.register(ExpertReview)
class ExpertReviewAdmin(admin.ModelAdmin):
    list_display = ["application", "expert", "conflict", "score", "submitted_at"]
    list_select_related = ["application__challenge", "application__unit", "expert"]


class CommitmentMilestoneInline(admin.TabularInline):
    model = CommitmentMilestone
    extra = 0
    raw_id_fields = ("evidence",)


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["application", "state", "total_budget", "signed_at"]
    list_select_related = ["application__challenge", "application__unit"]
    inlines = [CommitmentMilestoneInline, TrancheInline]
