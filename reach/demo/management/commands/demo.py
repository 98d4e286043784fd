"""Load the demo once: District 12 (Ho Chi Minh City) and Guiding county (Guizhou), their
schools and organisations, about 20,000 generated households in the school year before the
current one and in the current one (advanced from the first, with its dropouts), the demo
accounts, and the current year's entitlements approved, published and mostly paid (in
December 2026: 2025 and 2026), the funds, and the plans of both jurisdictions with targets
whose actuals come from those records."""

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
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.intake.demo import set_up_demo_intake
from reach.learning.demo import set_up_demo_learning, set_up_demo_outreach
from reach.payments.demo import set_up_demo_delivery
from reach.plans.demo import set_up_demo_plans
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.generate import generate_households, generate_next_school_year
from reach.registry.models import Household
from reach.reports.demo import set_up_demo_reports
from reach.schoolsupport.demo import set_up_demo_school_support

DEMO_PASSWORD = "demo"  # demo accounts only; documented in the README
JURISDICTIONS = [  # (unit code, households, seed)
    ("761", 12000, 12),
    ("522723000000", 8000, 2015),
]
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
        for code, households, seed in JURISDICTIONS:
            unit = Unit.objects.get(code=code)
            self.stdout.write(f"Generating households in {unit.name} ...")
            result = generate_households(
                unit=unit,
                households=max(1, round(households * scale)),
                seed=seed,
                year=current - 1,
                actor=admin,
                progress=self._progress,
            )
            self.stdout.write(
                f"  {result.households} households, {result.persons} persons, "
                f"{result.enrolments} enrolments"
            )
            following = generate_next_school_year(
                unit=unit, seed=seed, year=current - 1, actor=admin
            )
            self.stdout.write(
                f"  school year {current}: {following.enrolments} enrolments, "
                f"{following.planted_dropouts} pupils stopped attending"
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
        reports = set_up_demo_reports(actor=admin, school_year=current - 1)
        self.stdout.write("Reports: " + ", ".join(f"{n} {what}" for what, n in reports.items()))
        checks = set_up_demo_crosschecks(actor=admin, school_year=current)
        self.stdout.write("Cross-checks: " + ", ".join(f"{n} {what}" for what, n in checks.items()))
        self.stdout.write(f"Demo loaded in {time.monotonic() - started:.1f} s.")
        self.stdout.write("Accounts (password 'demo'): admin, district, ward01, school01, county")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done}/{total}")
