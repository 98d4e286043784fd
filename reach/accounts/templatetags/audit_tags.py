from django import template

from reach.accounts.audit import Change, changes, record_label
from reach.accounts.models import AuditEvent

register = template.Library()


@register.filter
def audit_changes(event: AuditEvent) -> list[Change]:
    return changes(event)


@register.filter
def audit_record(event: AuditEvent) -> str:
    return record_label(event)
