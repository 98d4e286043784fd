from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reach.accounts.models import ApiToken, AuditEvent, Membership, User
from reach.accounts.services import revoke_api_tokens


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit", "school", "organisation"]


@admin.register(User)
class ReachUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = [*UserAdmin.fieldsets, (_("Reach"), {"fields": ["language"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their users; an administrator sees them and revokes any."""

    list_display = ["user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        count = revoke_api_tokens(actor=request.user, tokens=queryset)
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
