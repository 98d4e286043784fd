"""The reference tables in the admin: read-only, except the values of a table an administrator
fills place by place (`admin_values`, e.g. each province's private-school tuition support),
which are saved through the policy services, so that they are validated and audited."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reach.policy.catalog import FIELDS
from reach.policy.loader import PolicyFileError
from reach.policy.models import ReferenceTable, ReferenceValue
from reach.policy.services import (
    delete_reference_value,
    reference_value_row,
    save_reference_value,
)
from reach.policy.tables import parse_reference_value


@admin.register(ReferenceTable)
class ReferenceTableAdmin(admin.ModelAdmin):
    list_display = ["code", "currency", "per", "keys", "admin_values", "loaded_at"]
    readonly_fields = [field.name for field in ReferenceTable._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceValueForm(forms.ModelForm):
    level = forms.ChoiceField(label=_("level"), choices=[], required=False)
    unit = forms.CharField(
        label=_("unit"), required=False, help_text=_("A unit path, e.g. VN.79 for a province")
    )

    class Meta:
        model = ReferenceValue
        fields = ["table", "school_year", "valid_from", "level", "unit", "value_minor", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = ReferenceTable.objects.filter(admin_values=True)
        self.fields["level"].choices = [("", "—"), *((v, v) for v in FIELDS["level"].values)]
        keys = self.instance.keys or {}
        self.initial.setdefault("level", keys.get("level", ""))
        self.initial.setdefault("unit", keys.get("unit", ""))

    def clean(self):
        data = super().clean()
        self.instance.keys = {
            key: data.get(key) for key in ("level", "unit") if data.get(key) not in (None, "")
        }
        table = data.get("table")
        if table is not None and data.get("value_minor") is not None:
            value = ReferenceValue(
                table=table,
                keys=self.instance.keys,
                school_year=data.get("school_year"),
                valid_from=data.get("valid_from"),
                value_minor=data["value_minor"],
            )
            try:
                parse_reference_value(
                    reference_value_row(value),
                    table=table.code,
                    currency=table.currency,
                    keys=table.keys,
                )
            except PolicyFileError as error:
                raise ValidationError(error.errors) from error
        return data


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    form = ReferenceValueForm
    list_display = ["table", "school_year", "valid_from", "keys", "value_minor"]
    list_filter = [("table", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(table__admin_values=True)

    def save_model(self, request, obj, form, change):
        save_reference_value(actor=request.user, value=obj, reason="admin")

    def delete_model(self, request, obj):
        delete_reference_value(actor=request.user, value=obj, reason="admin")

    def has_delete_permission(self, request, obj=None):
        # Bulk deletes would bypass the audit trail; delete one value at a time.
        return obj is not None and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
