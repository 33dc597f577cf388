from django.contrib import admin

from .models import Action, LeagueTarget, Measure, MeasureUnit, Plan, PlanVersion, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ("code", "name", "indicator", "kind", "target_year", "target_value", "unit", "active")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "period_start", "period_end", "updated_at")
    search_fields = ("code", "title")
    inlines = [TargetInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "loaded_at", "loaded_by", "sha256")
    readonly_fields = ("plan", "number", "sha256", "content", "source_path", "loaded_at", "loaded_by", "changes")


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "plan", "kind", "indicator", "target_year", "target_value", "unit", "active")
    list_filter = ("plan", "kind", "active")


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "plan", "kind", "active")
    list_filter = ("plan", "kind")


class MeasureUnitInline(admin.TabularInline):
    model = MeasureUnit
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "action", "due_on", "active")
    list_filter = ("plan", "action", "active")
    search_fields = ("code", "title", "clause")
    inlines = [MeasureUnitInline]


@admin.register(MeasureUnit)
class MeasureUnitAdmin(admin.ModelAdmin):
    list_display = ("measure", "unit", "role", "inferred")
    list_filter = ("role", "inferred")


@admin.register(LeagueTarget)
class LeagueTargetAdmin(admin.ModelAdmin):
    list_display = ("target", "region", "value", "source", "set_by", "set_at")
    list_filter = ("target__plan", "target__code")
