"""An audit event as people read it: each changed value under its field's name, a code under
its label in the user's language (a status "poor", not `poor`), instead of the stored JSON."""

import json
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext as _

from reach.accounts.models import AuditEvent

EMPTY = "—"


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _fields_of(object_type: str) -> dict[str, models.Field]:
    """The model's fields by attribute name and by name (a foreign key is stored as `x_id`)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    fields: dict[str, models.Field] = {}
    for field in model._meta.concrete_fields:
        fields[field.attname] = fields[field.name] = field
    return fields


def record_label(event: AuditEvent) -> str:
    """What kind of record the event is about, in the user's language ("Household")."""
    try:
        name = str(apps.get_model(event.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = event.object_type
    return name[:1].upper() + name[1:]


def _shown(value: object, field: models.Field | None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and field.choices:
        labels = {str(code): label for code, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, int | float):
        return str(localize(value))
    return str(value)


def changes(event: AuditEvent) -> list[Change]:
    """The values the event changed (all of them for a creation or deletion), in the model's
    field order, then any other recorded key."""
    before, after = event.before or {}, event.after or {}
    fields = _fields_of(event.object_type)
    order = {name: index for index, name in enumerate(fields)}
    keys = sorted(set(before) | set(after), key=lambda key: (order.get(key, len(order)), key))
    rows = []
    for key in keys:
        if key in before and key in after and before[key] == after[key]:
            continue
        field = fields.get(key)
        label = str(field.verbose_name) if field is not None else key.replace("_", " ")
        rows.append(
            Change(
                label=label[:1].upper() + label[1:],
                before=_shown(before.get(key), field) if key in before else "",
                after=_shown(after.get(key), field) if key in after else "",
            )
        )
    return rows
