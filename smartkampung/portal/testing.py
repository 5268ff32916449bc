"""Test data for the portal and the dashboard, built through the other apps' services.

``build_sample()`` makes a small regency's worth of figures: Sarongan with residents, an
approved and partly realised APBDes, a published project with a geotagged photo (its EXIF-free
copies made), a planned project (not published), a duplicate that raises a red flag, and
letters issued to its residents (7 SPM, 2 domicile letters); Sukorejo with a draft budget, a
completed project and one SPM. Call it inside
``django_capture_on_commit_callbacks(execute=True)`` so that the photo copies are made.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets import services as budget_services
from smartkampung.letters.composition import LetterSubject
from smartkampung.letters.models import Letter, LetterType
from smartkampung.letters.services.catalogue import letter_types_install_defaults
from smartkampung.letters.services.letters import letter_create_numbered
from smartkampung.projects import services as project_services
from smartkampung.projects.geometry import parse_geometry
from smartkampung.projects.models import Project
from smartkampung.regions.geo import parse_geojson_geometry
from smartkampung.regions.models import Region

REGENCY = "35.10"
SARONGAN = "35.10.01.2001"
PESANGGARAN = "35.10.01.2002"
SUKOREJO = "35.10.02.2001"
YEAR = date.today().year

# Residents of Sarongan in the sample: names that must never appear on a public page.
RESIDENT_NAMES = [
    "Siti Aminah",
    "Slamet Riyadi",
    "Bambang Purnomo",
    "Dewi Lestari",
    "Agus Salim",
    "Endang Sulastri",
    "Joko Susilo",
    "Wahyu Hidayat",
    "Ratna Sari",
    "Sugeng Prayitno",
    "Tri Wahyuni",
    "Hadi Santoso",
]


@dataclass
class Sample:
    year: int
    operator: User
    published: Project
    planned: Project
    completed: Project
    photo_ids: list[int] = field(default_factory=list)
    nik: list[str] = field(default_factory=list)
    kk: list[str] = field(default_factory=list)


def _user(username: str, role: str, scope: str) -> User:
    user, _created = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=scope)
    return user


def photo_with_exif(lat: float, lng: float, picture: int = 0) -> bytes:
    """A JPEG carrying GPS position, capture time and device in its EXIF (``picture`` makes
    another, unrelated picture: a photo of a different project)."""
    img = Image.new("RGB", (640, 480), (120, 160, 90))
    if picture:
        draw = ImageDraw.Draw(img)
        for i in range(12):
            x, y = (i * 97 * picture) % 600, (i * 53 + 31 * picture) % 440
            draw.ellipse((x, y, x + 40 + i * 9, y + 30 + i * 7), fill=(i * 20, 255 - i * 19, 90))
    else:
        for x in range(0, 640, 40):
            for y in range(0, 480, 40):
                img.paste(((x * 3) % 256, (y * 5) % 256, (x + y) % 256), (x, y, x + 20, y + 20))
    exif = Image.Exif()
    exif[271], exif[272] = "Samsung", "SM-A125F"
    exif[306] = "2026:03:01 10:00:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "S", "E"
    for tag, value in ((2, abs(lat)), (4, lng)):
        d = int(value)
        m = int((value - d) * 60)
        gps[tag] = (float(d), float(m), round((value - d - m / 60) * 3600, 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def _inside(code: str, north: float = 0.0) -> tuple[float, float]:
    village = Region.objects.get(code=code)
    point = parse_geojson_geometry(village.boundary).representative_point()
    return point.y + north, point.x


def _project(actor: User, code: str, title: str, *, start: date, north: float = 0.0) -> Project:
    lat, lng = _inside(code, north)
    return project_services.project_create(
        actor=actor,
        village_code=code,
        data=project_services.ProjectData(
            title=title,
            work_type="road",
            fund_source="DDS",
            budget=Decimal("150000000"),
            volume=Decimal("300"),
            unit="m",
            planned_start=start,
            planned_end=start + timedelta(days=120),
            geometry=parse_geometry(lat=lat, lng=lng),
            activity_code="02.03.10",
            executor="CV Maju Jaya milik Haji Darmawan",
        ),
    )


def build_sample(residents: int = len(RESIDENT_NAMES)) -> Sample:
    from smartkampung.budgets.tests.helpers import approved_budget, draft_budget, make_staff
    from smartkampung.population.testing import make_resident

    year = YEAR
    staff = make_staff(SARONGAN)
    budget = approved_budget(staff, year)
    item = budget.items.get(description="Semen")
    request = budget_services.disbursement_request(
        actor=staff.treasurer, item=item, amount="7500000", description="Semen tahap 1"
    )
    budget_services.disbursement_approve(actor=staff.head, disbursement=request)
    budget_services.receipt_record(
        actor=staff.treasurer,
        village_code=SARONGAN,
        year=year,
        account_code="4.2.1.01",
        fund_source_code="DDS",
        amount="40000000",
        description="Dana Desa tahap I",
    )
    other = make_staff(SUKOREJO)
    budget_services.ceiling_set(
        actor=other.pmd, village_code=SUKOREJO, year=year, fund_source_code="DDS", amount="1"
    )
    draft_budget(other, year)

    sample = Sample(
        year=year,
        operator=staff.operator,
        published=_project(
            staff.operator, SARONGAN, "Rabat beton jalan dusun Krajan", start=date(year, 2, 1)
        ),
        planned=_project(
            staff.operator,
            SARONGAN,
            "Gedung serbaguna dusun Sumberjo",
            start=date(year, 12, 1),
            north=0.004,
        ),
        completed=_project(
            _user("op.sukorejo.sample", Role.VILLAGE_OPERATOR, SUKOREJO),
            SUKOREJO,
            "Saluran drainase dusun Krajan",
            start=date(year, 1, 10),
        ),
    )
    # A second, almost identical road 40 m away: a DUPLICATE_PROJECT red flag.
    _project(
        staff.operator,
        SARONGAN,
        "Rabat beton jalan dusun Krajan (lanjutan)",
        start=date(year, 2, 20),
        north=0.00036,
    )
    report = project_services.report_create(
        actor=staff.operator, project=sample.published, stage=0, reported_on=date(year, 2, 2)
    )
    lat, lng = _inside(SARONGAN)
    photo = project_services.photo_add(
        actor=staff.operator,
        report=report,
        data=photo_with_exif(lat, lng),
        filename="IMG_0001.jpg",
        device_lat=lat,
        device_lng=lng,
        device_accuracy_m=5,
    )
    sample.photo_ids.append(photo.pk)
    operator_sukorejo = User.objects.get(username="op.sukorejo.sample")
    for stage in (0, 50, 100):
        done = project_services.report_create(
            actor=operator_sukorejo,
            project=sample.completed,
            stage=stage,
            reported_on=date(year, 1, 10) + timedelta(days=stage),
        )
    # A stage counts only with a photo (ADR 0035): the completed project shows its last one.
    s_lat, s_lng = _inside(SUKOREJO)
    project_services.photo_add(
        actor=operator_sukorejo,
        report=done,
        data=photo_with_exif(s_lat, s_lng, picture=1),
        filename="IMG_0100.jpg",
        device_lat=s_lat,
        device_lng=s_lng,
        device_accuracy_m=5,
    )
    sample.published.refresh_from_db()
    sample.completed.refresh_from_db()
    residents_made = []
    for i, name in enumerate(RESIDENT_NAMES[:residents]):
        resident = make_resident(
            actor=staff.operator,
            village=Region.objects.get(code=SARONGAN),
            full_name=name,
            sex=1 + i % 2,
            birth_date=date(1950 + 3 * i, 1 + i % 12, 1 + i),
            mother_name=f"Ibu {name.split()[0]}",
        )
        sample.nik.append(resident.nik)
        if resident.household_id:
            sample.kk.append(resident.household.kk_number)
        residents_made.append(resident)
    head = _user("kades.sarongan.sample", Role.VILLAGE_HEAD, SARONGAN)
    subjects = [LetterSubject(name=r.full_name, nik=r.nik) for r in residents_made] or [
        LetterSubject(name="Siti Aminah", nik="3510014507900003")
    ]
    for i, minutes in enumerate((12, 18, 25, 28, 31, 45, 90)):  # median 28 minutes
        issue_letter(
            SARONGAN, "spm", subjects[i % len(subjects)], head, minutes=minutes, days_ago=i
        )
    for i in range(2):
        issue_letter(
            SARONGAN, "domisili", subjects[i % len(subjects)], head, minutes=60, days_ago=40
        )
    head_sukorejo = _user("kades.sukorejo.sample", Role.VILLAGE_HEAD, SUKOREJO)
    issue_letter(SUKOREJO, "spm", subjects[0], head_sukorejo, minutes=20, days_ago=50)
    return sample


def issue_letter(
    village_code: str,
    type_code: str,
    subject: LetterSubject,
    signer: User,
    *,
    minutes: int,
    days_ago: int = 0,
) -> Letter:
    """A numbered letter issued ``days_ago`` days ago, ``minutes`` after its request (not
    signed: the figures count numbered letters; signing is the letters app's business)."""
    letter_types_install_defaults(regency_code=REGENCY)
    letter_type = LetterType.objects.get(regency_id=REGENCY, code=type_code)
    now = timezone.now()
    # Within this year, so that the year's figures do not depend on the day the tests run.
    start_of_year = now.replace(month=1, day=1, hour=1, minute=0, second=0, microsecond=0)
    moment = max(now - timedelta(days=days_ago), start_of_year)
    with transaction.atomic():
        letter = letter_create_numbered(
            letter_type=letter_type,
            village=Region.objects.get(code=village_code),
            subject=subject,
            values={},
            signer=signer,
            now=moment,
        )
    Letter.objects.filter(pk=letter.pk).update(issue_seconds=minutes * 60)
    return letter
