"""A recognition certificate as PDF, in the language of the subject's country (Reach records
no person's language: the country's, `REACH_COUNTRY_LANGUAGES`)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reach.common.pdf import render_pdf
from reach.learning.models import Participant, Registration

CERTIFICATE_TEMPLATE = "learning/print/certificate.html"


def certificate_language(registration: Registration) -> str:
    country = registration.unit.path.split(".")[0]
    return getattr(settings, "REACH_COUNTRY_LANGUAGES", {}).get(country, "en")


def certificate_context(registration: Registration) -> dict:
    return {"registration": registration, "subject": str(registration.subject)}


def render_certificate_html(registration: Registration) -> str:
    with translation.override(certificate_language(registration)):
        return render_to_string(CERTIFICATE_TEMPLATE, certificate_context(registration))


def render_certificate_pdf(registration: Registration) -> bytes:
    with translation.override(certificate_language(registration)):
        return render_pdf(CERTIFICATE_TEMPLATE, certificate_context(registration))


def certificate_filename(registration: Registration) -> str:
    return f"certificate-{registration.title}-{registration.year}-{registration.pk}.pdf"


TRAINING_TEMPLATE = "learning/print/training_certificate.html"


def person_language(participant: Participant) -> str:
    """The language of the country the person lives in (Reach records no person's own)."""
    country = participant.person.household.unit.path.split(".")[0]
    return getattr(settings, "REACH_COUNTRY_LANGUAGES", {}).get(country, "en")


def render_training_certificate_pdf(participant: Participant) -> bytes:
    with translation.override(person_language(participant)):
        return render_pdf(
            TRAINING_TEMPLATE,
            {"participant": participant, "course": participant.course},
        )


def training_certificate_filename(participant: Participant) -> str:
    return f"training-certificate-{participant.course.code}-{participant.pk}.pdf"
