from django.contrib import admin

from .models import Achievement, Broker, Contract, Demand, Expert, Interest, Message, Scenario, ScenarioRound


@admin.register(Achievement, Demand)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("title", "field", "region", "status", "submitted_at", "expires_on", "views")
    list_filter = ("status", "field")
    search_fields = ("title", "description")
    readonly_fields = ("public_id", "views", "updated_at")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "type",
        "seller",
        "buyer",
        "amount",
        "tech_amount",
        "registered_on",
        "status",
    )
    list_filter = ("type", "status", "channel")
    search_fields = ("number", "title", "seller", "buyer")
    readonly_fields = ("public_id", "fingerprint")


admin.site.register([ScenarioRound, Scenario, Expert, Broker, Interest, Message])
