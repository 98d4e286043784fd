"""Every download of Reach, built on `world`: a pupil named like a formula, a published run
(its notice and payment list), a case, an out-of-school child and a rejected import; one URL
per spreadsheet or PDF, for the tests of formulas, audit events and caching."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reach.casework.tests.factories import DropoutCaseFactory
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, publish_run, submit_run
from reach.indicators.tests.factories import person_aged
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.models import ImportBatch
from reach.registry.tests.test_imports import csv_bytes, person

PUPIL_NAME, CHILD_NAME, HEAD_NAME = "=1+1", "@SUM(A1)", "@SUM(A1)"
WORKER_NAME = "=2+2"
ADDRESS = '=HYPERLINK("http://example.org")'
NATIONAL_ID, BIRTH_DATE = "079215001234", dt.date(2015, 5, 1)
DOWNLOADER = "district"  # an office over both wards: sees every list unmasked


@dataclass
class Downloads:
    """The URL of every download, by name."""

    urls: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def downloads(world) -> Downloads:
    ward1 = world.units["ward1"]
    pupil, household = world.persons["ward1"], world.households["ward1"]
    pupil.full_name, pupil.national_id, pupil.birth_date = PUPIL_NAME, NATIONAL_ID, BIRTH_DATE
    pupil.save()
    household.head_name, household.address = HEAD_NAME, ADDRESS
    household.save()
    person_aged(8, household=household, full_name=CHILD_NAME)  # of school age, not enrolled
    # a worker of the poor household (learning's training lists), past the adult indicator's ages
    person_aged(40, household=household, full_name=WORKER_NAME, relation="head")

    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(
        policy_codes=["vn-poverty-education"], school_year=2024, unit=world.units["d12"]
    )
    run = submit_run(run=run, actor=world.users["admin"])
    run = approve_run(run=run, actor=world.users["district"])
    run = publish_run(run=run, actor=world.users["district"], objection_days=5)
    DropoutCaseFactory(person=pupil)

    client = Client()
    client.force_login(world.users[DOWNLOADER])
    bad = [person(PUPIL_NAME, "=1+1", household_code="=1+1", unit_code="26734")]
    client.post("/imports/", {"file": SimpleUploadedFile("hh.csv", csv_bytes(bad), "text/csv")})
    batch = ImportBatch.objects.get(created_by=world.users[DOWNLOADER])

    notice = f"ward={ward1.code}"
    return Downloads(
        urls={
            "households": "/households/export.xlsx",
            "import errors": f"/imports/{batch.pk}/errors.xlsx",
            "notice xlsx": f"/runs/{run.pk}/notice.xlsx?{notice}",
            "notice pdf": f"/runs/{run.pk}/notice.pdf?{notice}",
            "notice api xlsx": f"/api/v1/runs/{run.pk}/notice/xlsx?{notice}",
            "notice api pdf": f"/api/v1/runs/{run.pk}/notice/pdf?{notice}",
            "payment list xlsx": f"/payments/lists/?year=2024&unit={ward1.code}&format=xlsx",
            "payment list pdf": f"/payments/lists/?year=2024&unit={ward1.code}&format=pdf",
            "budget": "/payments/budget/?year=2024&unit=761&format=xlsx",
            "cases": "/cases/export.xlsx?year=2024",
            "indicator persons": "/indicators/persons/?year=2024&indicator=child"
            "&measure=deprived&format=xlsx",
            "indicator households": "/indicators/households/?year=2024&format=xlsx",
            "out of school": "/indicators/out-of-school/?year=2024&list=out_of_school&format=xlsx",
            "student file": f"/persons/{pupil.pk}/file.pdf",
            "training persons": "/learning/training/persons/?year=2024&measure=workers&format=xlsx",
        }
    )


def content_of(response) -> bytes:
    return response.getvalue()
