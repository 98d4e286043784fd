"""A database error is logged by its kind and constraint, never by the values it quotes."""

from reach.common.logsafe import database_error_summary, frames_of

PERSONAL = "Key (national_id)=(079215001234) already exists"


class Diag:
    constraint_name = "person_national_id_unique"


class DriverError(Exception):
    diag = Diag()


class IntegrityError(Exception):
    pass


def raised() -> IntegrityError:
    try:
        try:
            raise DriverError(PERSONAL)
        except DriverError as cause:
            raise IntegrityError(PERSONAL) from cause
    except IntegrityError as error:
        return error


def test_the_summary_names_the_kind_and_the_constraint_not_the_values():
    summary = database_error_summary(raised())
    assert summary == "IntegrityError (constraint person_national_id_unique)"


def test_the_constraint_named_in_the_first_line_is_kept_and_the_details_dropped():
    error = Exception(
        'duplicate key value violates unique constraint "person_nid_key"\n'
        "DETAIL:  Key (national_id)=(079215001234) already exists."
    )
    assert database_error_summary(error) == "Exception (constraint person_nid_key)"
    sqlite = Exception("UNIQUE constraint failed: registry_person.national_id")
    assert database_error_summary(sqlite) == (
        "Exception (constraint UNIQUE constraint failed: registry_person.national_id)"
    )


def test_an_error_without_a_constraint_is_named_by_its_kind():
    assert database_error_summary(ValueError(PERSONAL)) == "ValueError"


def test_the_frames_say_where_without_the_message():
    frames = frames_of(raised())
    assert "raised" in frames and "079215001234" not in frames
