"""No personal data on any public page or file.

A crawler starts at the portal's home, follows every link that stays on the portal (pages,
open-data files, photos, the Fiscal Data Package) across every region, and opens the public
API of each region it met. Village pages are followed for every village that has data. Every
answer is searched for NIK and KK numbers — any 16-digit number, plain, grouped or masked
(``3510••••••••0003`` is still personal data on a public page) — and for the names of the
residents in the database; every photo must come without EXIF.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from smartkampung.budgets.models import VillageBudget
from smartkampung.core.privacy import mask_identifier
from smartkampung.population.models import Household, Resident
from smartkampung.projects.models import Project

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
# The same digits written in groups ("3510 0108 0492 0722", "3510-01-...").
GROUPED_DIGITS = re.compile(r"(?<![\d.,])(?:\d[ \-]?){15}\d(?![\d])")
# Masked forms: digits around a run of mask characters, or a run of them alone.
MASKED = re.compile(r"\d[•*xX]{4,}\d|•{4,}")
# The page shell's CSRF token is random text: "x9Umi2…" would read as the name "Umi".
CSRF_TOKENS = re.compile(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "href" or (tag == "img" and name == "src")):
                self.urls.append(value)
            if value and name == "data-map-config":
                config = json.loads(value)
                self.urls += [config["projects"]]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text.lower())


def _ngrams(words: list[str], longest: int) -> set[str]:
    grams: set[str] = set()
    for n in range(1, longest + 1):
        for i in range(len(words) - n + 1):
            grams.add(" ".join(words[i : i + n]))
    return grams


def _public_words() -> set[str]:
    """Words of public reference data (place names, the chart of accounts, activity names):
    a one-word name such as "Bayu" that is also a village's name cannot be told apart."""
    from smartkampung.budgets.models import Account, Activity, FundSource, Sector, SubSector
    from smartkampung.regions.models import Region

    words: set[str] = set()
    for name in Region.objects.values_list("name", flat=True):
        words.update(_words(name))
    for model in (Account, Activity, FundSource, Sector, SubSector):
        for pair in model.objects.values_list("name_id", "name_en"):
            for text in pair:
                words.update(_words(text or ""))
    return words


def _personal_data() -> tuple[set[str], set[str], int]:
    """Residents' names (whole names; one-word names unless they are public words too),
    NIK and KK numbers."""
    public = _public_words()
    names: set[str] = set()
    for row in Resident.objects.values_list("full_name", "father_name", "mother_name"):
        for name in row:
            words = _words(name or "")
            if len(words) > 1 or (words and words[0] not in public):
                names.add(" ".join(words))
    numbers = set(Resident.objects.values_list("nik", flat=True))
    numbers |= set(Household.objects.values_list("kk_number", flat=True))
    longest = max((len(n.split()) for n in names), default=1)
    return names, numbers, longest


def _villages_with_data() -> set[str]:
    codes = set(Resident.objects.values_list("village_id", flat=True))
    codes |= set(VillageBudget.objects.values_list("village_id", flat=True))
    codes |= set(Project.objects.values_list("village_id", flat=True))
    return codes


def _region_code(path: str) -> str:
    """The region code in /portal/<code>/ or /portal/data/<code>/<file>, else ""."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[1][:2].isdigit():
        return parts[1]
    if len(parts) == 4 and parts[1] == "data" and parts[2][:2].isdigit():
        return parts[2]
    return ""


def crawl(client: Client) -> dict[str, Any]:
    """Every public URL reachable from /portal/ (and each region's API answer)."""
    with_data = _villages_with_data()
    seen: set[str] = set()
    queue = deque(["/portal/", "/portal/data/"])
    answers: dict[str, Any] = {}
    regions: set[str] = set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        answers[url] = response
        code = _region_code(urlsplit(url).path)
        if code:
            regions.add(code)
        if not response["Content-Type"].startswith("text/html"):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for link in parser.urls:
            target = urljoin(url, link.split("#")[0])
            split = urlsplit(target)
            if split.netloc or not split.path.startswith("/portal/"):
                continue
            code = _region_code(split.path)
            if code.count(".") == 3 and code not in with_data:
                continue  # a village without any data: nothing to check
            queue.append(target if not split.query else f"{split.path}?{split.query}")
    for code in sorted(regions):
        answers[f"/api/v1/portal/regions/{code}"] = client.get(f"/api/v1/portal/regions/{code}")
    return answers


def assert_no_personal_data(answers: dict[str, Any]) -> None:
    names, numbers, longest = _personal_data()
    assert names and numbers, "the crawl needs residents to look for"
    masked = {mask_identifier(n) for n in numbers}
    problems: list[str] = []
    for url, response in answers.items():
        assert response.status_code == 200, url
        body = response.content
        if response["Content-Type"] == "image/jpeg":
            image = Image.open(io.BytesIO(body))
            if image.getexif() or b"Exif" in body[:4096]:
                problems.append(f"{url}: EXIF in a public photo")
            continue
        text = CSRF_TOKENS.sub(r'\1""', body.decode("utf-8"))
        for pattern in (SIXTEEN_DIGITS, GROUPED_DIGITS, MASKED):
            for match in pattern.finditer(text):
                problems.append(f"{url}: {pattern.pattern!r} matched {match.group()!r}")
        for number in numbers:
            if number in text:
                problems.append(f"{url}: NIK/KK {number}")
        for form in masked:
            if form in text:
                problems.append(f"{url}: masked NIK/KK {form}")
        for name in _ngrams(_words(text), longest) & names:
            problems.append(f"{url}: resident name {name!r}")
    assert not problems, "\n".join(problems[:50])


@pytest.mark.django_db
def test_no_personal_data_on_any_public_page_or_file_of_the_demo(
    client: Client, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_seed", stdout=io.StringIO())
    assert Resident.objects.count() > 800

    answers = crawl(client)
    assert len(answers) > 500  # 597 when written: 29 regions' pages, files, photos, API

    kinds = {response["Content-Type"].split(";")[0] for response in answers.values()}
    assert {
        "text/html",
        "text/csv",
        "application/json",
        "application/geo+json",
        "image/jpeg",
    } <= kinds
    urls = set(answers)
    assert "/portal/35.10.01.2001/" in urls and "/portal/35.10.24/" in urls
    assert any(
        u.startswith("/portal/data/fiscal/") and u.endswith("datapackage.json") for u in urls
    )
    assert any(u.startswith("/portal/photos/") for u in urls)
    assert sum(1 for u in urls if u.startswith("/portal/data/35.10.01.2001/")) >= 8
    assert_no_personal_data(answers)


def test_no_personal_data_in_the_sample(sample: Any, client: Client) -> None:
    answers = crawl(client)
    assert any(u.startswith("/portal/photos/") for u in answers)
    assert_no_personal_data(answers)


def test_the_crawler_would_notice_personal_data(sample: Any, client: Client) -> None:
    """The checks themselves: a name, a NIK, a masked NIK in a project title are all found."""
    resident = Resident.objects.order_by("pk").first()
    assert resident is not None
    for leak in (resident.full_name, resident.nik, mask_identifier(resident.nik)):
        Project.objects.filter(pk=sample.published.pk).update(title=f"Jalan {leak}")
        from django.core.cache import cache

        cache.clear()
        answers = {"/p": client.get(f"/portal/projects/{sample.published.pk}/")}
        with pytest.raises(AssertionError):
            assert_no_personal_data(answers)
