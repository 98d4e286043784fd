"""Load the demo once: District 12 (Ho Chi Minh City) and Guiding county (Guizhou), their
schools and organisations, about 20,000 generated households, the demo accounts, and the
current year's entitlements approved, published and mostly paid (in December 2026: school year
2026), the funds, and the plans of both jurisdictions with targets whose actuals come from those
records.

District 12 starts in school year 2024 under its eleven wards; the reorganisation of
2025-07-01 (`reach reorganise`, the same services) then closes the district, merges its wards
into five wards of the city and moves the households to them, and the years after are advanced
under the new wards: a 2024-2025 report shows the eleven wards, a 2025-2026 one the five.
Guiding county starts in the school year before the current one."""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from reach.accounts.choices import Role
from reach.accounts.permissions import command_line_actor
from reach.accounts.services import create_member
from reach.casework.demo import set_up_demo_casework
from reach.common.schoolyear import current_school_year
from reach.crosscheck.demo import set_up_demo_crosschecks
from reach.funds.demo import set_up_demo_funds, set_up_demo_rounds
from reach.geo.models import Organisation, School, Unit
from reach.geo.selectors import units_standing_for
from reach.geo.services import DATA_DIR, load_reorganisation, load_schools, load_units
from reach.intake.demo import set_up_demo_intake
from reach.learning.demo import set_up_demo_learning, set_up_demo_outreach
from reach.payments.demo import set_up_demo_delivery
from reach.plans.demo import set_up_demo_plans
from reach.plans.figures import school_year_day
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.generate import generate_households, generate_next_school_year
from reach.registry.models import Household
from reach.registry.services import move_households_to_successors
from reach.reports.demo import set_up_demo_reports
from reach.schoolsupport.demo import set_up_demo_school_support

DEMO_PASSWORD = "demo"  # demo accounts only; documented in the README
# District 12's first school year is its last before the reorganisation of 2025-07-01, so its
# eleven wards have a year of records; None: the school year before the current one.
JURISDICTIONS = [  # (unit code, households, seed, first school year)
    ("761", 12000, 12, 2024),
    ("522723000000", 8000, 2015, None),
]
REORGANISATION = DATA_DIR / "reorganisation-2025-district12.csv"
ORGANISATIONS = [
    ("VN761-PGD", "Phòng Giáo dục và Đào tạo Quận 12", "education_office", "761"),
    ("VN761-UBND", "Ủy ban nhân dân Quận 12", "peoples_committee", "761"),
    ("VN761-DOAN", "Quận Đoàn 12", "youth_union", "761"),
    ("VN761-HKH", "Hội Khuyến học Quận 12", "learning_association", "761"),
    ("VN761-MTTQ", "Ủy ban MTTQ Việt Nam Quận 12", "fatherland_front", "761"),
    ("CN522723-JYJ", "贵定县教育局", "education_office", "522723000000"),
    ("CN522723-TW", "共青团贵定县委", "youth_union", "522723000000"),
]
ACCOUNTS = [  # (username, role, kind of scope, code)
    ("district", Role.OFFICE, "organisation", "VN761-PGD"),
    ("ward01", Role.WARD_OFFICER, "unit", "26734"),
    ("school01", Role.SCHOOL_STAFF, "school", "VN761-TH01"),
    ("county", Role.OFFICE, "organisation", "CN522723-JYJ"),
]


class Command(BaseCommand):
    help = "Load the demo district and county with demo accounts (once; skipped when loaded)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the 20,000 demo households"
        )

    def handle(self, *args, scale: float, **options):
        if Household.objects.exists():
            self.stdout.write("The demo data is already loaded; nothing to do.")
            return
        started = time.monotonic()
        current = current_school_year()  # generated from the year before, with its dropouts
        with transaction.atomic():
            load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
            load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
            for code, name, kind, unit_code in ORGANISATIONS:
                Organisation.objects.update_or_create(
                    code=code,
                    defaults={"name": name, "kind": kind, "unit": Unit.objects.get(code=unit_code)},
                )
            admin = create_member(
                username="admin",
                password=DEMO_PASSWORD,
                role=Role.SYSTEM_ADMIN,
                scope=None,
                superuser=True,
            )
            models = {"unit": Unit, "school": School, "organisation": Organisation}
            for username, role, kind, code in ACCOUNTS:
                scope = models[kind].objects.get(code=code)
                create_member(username=username, password=DEMO_PASSWORD, role=role, scope=scope)
        for outcome in load_policies_dir(path=default_policies_dir(), actor=admin):
            self.stdout.write(f"  {outcome}")
        first_years = {}
        for code, households, seed, first in JURISDICTIONS:
            unit = Unit.objects.get(code=code)
            first_years[code] = first or current - 1
            self.stdout.write(f"Generating households in {unit.name} ...")
            result = generate_households(
                unit=unit,
                households=max(1, round(households * scale)),
                seed=seed,
                year=first_years[code],
                actor=admin,
                progress=self._progress,
            )
            self.stdout.write(
                f"  school year {first_years[code]}: {result.households} households, "
                f"{result.persons} persons, {result.enrolments} enrolments"
            )
        self._reorganise()
        for code, _households, seed, _first in JURISDICTIONS:
            unit = Unit.objects.get(code=code)
            for year in range(first_years[code], current):
                enrolments = dropouts = 0
                # the households of the units standing for the jurisdiction that year
                for area in units_standing_for(unit, school_year_day(year + 1)):
                    following = generate_next_school_year(
                        unit=area, seed=seed, year=year, actor=admin
                    )
                    enrolments += following.enrolments
                    dropouts += following.planted_dropouts
                self.stdout.write(
                    f"  {unit.name}, school year {year + 1}: {enrolments} enrolments, "
                    f"{dropouts} pupils stopped attending"
                )
        opened = set_up_demo_casework(actor=admin, school_year=current)
        self.stdout.write(
            f"Cases of school year {current} opened from the lists: "
            + ", ".join(f"{count} {kind}" for kind, count in opened.items())
        )
        paid_on = min(timezone.localdate(), dt.date(current, 10, 15))
        paid = set_up_demo_delivery(actor=admin, school_year=current, paid_on=paid_on)
        self.stdout.write(
            f"Entitlements of school year {current} approved, published and paid: "
            + ", ".join(f"{count} lines {state}" for state, count in paid.items())
        )
        funds = set_up_demo_funds(actor=admin, school_year=current, spent_on=paid_on)
        self.stdout.write("Funds: " + ", ".join(f"{count} {what}" for what, count in funds.items()))
        rounds = set_up_demo_rounds(checker=admin, school_year=current, paid_on=paid_on)
        self.stdout.write(
            "Scholarship rounds approved, published and paid: "
            + ", ".join(f"{count} {what}" for what, count in rounds.items())
        )
        learning = set_up_demo_learning(actor=admin, year=current)
        self.stdout.write(
            "Learning and training: "
            + ", ".join(f"{count} {what}" for what, count in learning.items())
        )
        intake = set_up_demo_intake(actor=admin, school_year=current)
        self.stdout.write("Intake: " + ", ".join(f"{n} {what}" for what, n in intake.items()))
        plans = set_up_demo_plans(actor=admin, school_year=current)
        self.stdout.write("Plans: " + ", ".join(f"{count} {what}" for what, count in plans.items()))
        support = set_up_demo_school_support(actor=admin, school_year=current)
        self.stdout.write(
            "School support: " + ", ".join(f"{n} {what}" for what, n in support.items())
        )
        outreach = set_up_demo_outreach(actor=admin, year=current)
        self.stdout.write("Outreach: " + ", ".join(f"{n} {what}" for what, n in outreach.items()))
        # a school year under District 12's eleven wards and the last complete one
        for year in sorted({first_years["761"], current - 1}):
            reports = set_up_demo_reports(actor=admin, school_year=year)
            self.stdout.write(
                f"Reports of school year {year}-{year + 1}: "
                + ", ".join(f"{n} {what}" for what, n in reports.items())
            )
        checks = set_up_demo_crosschecks(actor=admin, school_year=current)
        self.stdout.write("Cross-checks: " + ", ".join(f"{n} {what}" for what, n in checks.items()))
        self.stdout.write(f"Demo loaded in {time.monotonic() - started:.1f} s.")
        self.stdout.write("Accounts (password 'demo'): admin, district, ward01, school01, county")

    def _reorganise(self) -> None:
        """Apply the reorganisation as `reach reorganise` does: link and close the units, then
        move the households of each closed ward to its successor from the date."""
        actor = command_line_actor()
        with transaction.atomic():
            links = load_reorganisation(path=REORGANISATION, actor=actor)
            for date in sorted({link.date for link in links}):
                moves = move_households_to_successors(actor=actor, date=date)
                self.stdout.write(
                    f"Reorganisation of {date.isoformat()}: {len(links)} wards merged into "
                    f"{len({link.successor_id for link in links})}, households moved: "
                    + ", ".join(f"{n} to {code}" for code, n in sorted(moves.moved.items()))
                )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done}/{total}")
