from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    OFFICE = "office", _("District / county office")
    WARD_OFFICER = "ward_officer", _("Ward / commune officer")
    SCHOOL_STAFF = "school_staff", _("School staff")
    VIEWER = "viewer", _("Viewer")


EDITING_ROLES = {Role.SYSTEM_ADMIN, Role.OFFICE, Role.WARD_OFFICER, Role.SCHOOL_STAFF}


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")
    LOCKED_OUT = "locked_out", _("Locked out")
    EXPORT = "export", _("Exported")
    BACKUP = "backup", _("Backed up")
    RESTORE = "restore", _("Restored")
    SERVE = "serve", _("Started serving")
