"""How a model places its rows in the unit tree, declared on the model and read by
`reach.accounts.scoping.restrict`.

A model that holds a person, a household, a unit or a school says where each row sits:

    class Enrolment(models.Model):
        scope = ScopePath(unit_path="person__household__unit__path", school="school_id")

This module imports nothing of Reach, so every app's models can import it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScopePath:
    """The lookups from a row to the unit tree.

    `unit_path` leads to the path of the unit the row belongs to: members of that unit or of a
    unit above it see the row. `school` leads to the id of the school the row belongs to: staff
    of that school see the row. Either may follow a to-many relation (a person's enrolments);
    `restrict` then still returns each row once.
    """

    unit_path: str
    school: str
