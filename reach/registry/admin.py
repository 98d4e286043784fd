from django.contrib import admin

from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person
from reach.registry.services import delete_registry_record, save_registry_record


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go through the registry services, so they are audited like any other."""

    def save_model(self, request, obj, form, change):
        save_registry_record(actor=request.user, obj=obj, reason="admin")

    def delete_model(self, request, obj):
        delete_registry_record(actor=request.user, obj=obj, reason="admin")

    def has_delete_permission(self, request, obj=None):
        # Bulk deletes in the admin would bypass the audit trail; delete one record at a time.
        return obj is not None and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin):
    list_display = ["code", "head_name", "unit"]
    search_fields = ["code", "head_name"]
    raw_id_fields = ["unit"]


@admin.register(HouseholdYearStatus)
class HouseholdYearStatusAdmin(AuditedAdmin):
    list_display = ["household", "year", "status"]
    raw_id_fields = ["household"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "birth_date", "household"]
    search_fields = ["full_name", "national_id"]
    raw_id_fields = ["household"]


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedAdmin):
    list_display = ["person", "school_year", "level", "grade", "status"]
    raw_id_fields = ["person", "school"]
