"""Pages: scope, logging, forms, import upload with progress, export, citizen page."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import snapshot_rows
from smartkampung.core.privacy import mask_identifier
from smartkampung.population import services
from smartkampung.population.importer import records_to_csv
from smartkampung.population.models import ImportJob, Resident, ResidentViewLog, TransferRequest
from smartkampung.population.testing import make_resident, resident_data

from .test_import import family_records

pytestmark = pytest.mark.django_db


def test_list_masks_niks_and_stays_within_query_budget(
    operator, village, login_client, django_assert_max_num_queries
) -> None:
    people = [
        make_resident(actor=operator, village=village, full_name=f"Warga {chr(65 + i)}")
        for i in range(12)
    ]
    client = login_client(operator)
    with django_assert_max_num_queries(12):
        response = client.get("/population/residents/")
    html = response.content.decode()
    assert response.status_code == 200
    for person in people:
        assert person.nik not in html
        assert mask_identifier(person.nik) in html
    assert not ResidentViewLog.objects.exists()  # a list is not a full view


def test_htmx_search_returns_the_results_partial(operator, resident, login_client) -> None:
    response = login_client(operator).get("/population/residents/?q=slam", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Slamet Riyadi" in html and "<html" not in html
    short = login_client(operator).get("/population/residents/?q=3510")
    assert "16" in short.content.decode()  # "enter all 16 digits"


def test_detail_is_a_logged_full_view(operator, resident, login_client) -> None:
    response = login_client(operator).get(f"/population/residents/{resident.pk}/?reason=Surat+SKTM")
    assert response.status_code == 200
    assert resident.nik in response.content.decode()
    assert ResidentViewLog.objects.get().reason == "Surat SKTM"


def test_detail_without_a_reason_asks_for_one_and_shows_nothing(
    operator, resident, login_client
) -> None:
    from smartkampung.audit.models import AuditEvent

    client = login_client(operator)
    before = snapshot_rows(ResidentViewLog, AuditEvent)
    page = client.get(f"/population/residents/{resident.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="reason"' in html and "Mengapa Anda membuka data lengkap?" in html
    assert resident.nik not in html and resident.household.kk_number not in html
    assert 'role="alert"' not in html  # no error before a reason was sent
    for bad in ("", "   ", "x" * 201):
        response = client.get(f"/population/residents/{resident.pk}/", {"reason": bad})
        html = response.content.decode()
        assert response.status_code == 400, bad
        assert resident.nik not in html and 'class="field-error"' in html
    assert snapshot_rows(ResidentViewLog, AuditEvent) == before
    # The form sends the reason back to the same page, which then opens the record.
    response = client.get(f"/population/residents/{resident.pk}/", {"reason": "Surat domisili"})
    assert response.status_code == 200 and resident.nik in response.content.decode()
    assert ResidentViewLog.objects.get().reason == "Surat domisili"


def test_reason_form_reads_in_english(operator, resident, login_client) -> None:
    client = login_client(operator)
    client.cookies["sk_language"] = "en"
    html = client.get(f"/population/residents/{resident.pk}/", {"reason": " "}).content.decode()
    assert "Why do you open the full record?" in html
    assert "Say why you open the full record; the resident can read it." in html


@pytest.mark.parametrize("role", [Role.VILLAGE_TREASURER, Role.CITIZEN])
def test_detail_refused_to_roles_without_access(make_user, resident, login_client, role):
    user = make_user(roles=[(role, resident.village_id)])
    assert login_client(user).get(f"/population/residents/{resident.pk}/").status_code == 404
    assert not ResidentViewLog.objects.exists()


def test_other_village_gets_404_everywhere(make_user, resident, login_client, other_village):
    client = login_client(make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)]))
    for url in (
        f"/population/residents/{resident.pk}/",
        f"/population/residents/{resident.pk}/edit/",
        f"/population/residents/{resident.pk}/death/",
        f"/population/households/{resident.household_id}/",
        f"/population/residents/?village={resident.village_id}",
        f"/population/statistics/{resident.village_id}/",
        f"/population/export.xlsx?village={resident.village_id}",
        f"/population/import/?village={resident.village_id}",
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(resident) -> None:
    response = Client().get(f"/population/residents/{resident.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_register_form_shows_service_errors_by_field(operator, village, login_client) -> None:
    client = login_client(operator)
    data = dict(resident_data(nik="3510015705900001"))
    data["village"] = village.code
    before = snapshot_rows(Resident)
    response = client.post(f"/population/residents/new/?village={village.code}", data)
    assert response.status_code == 400
    assert "milik perempuan" in response.content.decode()  # Indonesian by default
    assert snapshot_rows(Resident) == before
    good = resident_data()
    response = client.post(f"/population/residents/new/?village={village.code}", good)
    assert response.status_code == 302
    assert Resident.objects.filter(nik=good["nik"]).exists()


def test_edit_form_logs_a_view_and_saves(operator, resident, login_client) -> None:
    client = login_client(operator)
    page = client.get(f"/population/residents/{resident.pk}/edit/")
    assert page.status_code == 200 and ResidentViewLog.objects.count() == 1
    data = {**page.context["form"].initial, "full_name": "Slamet Riyadi Santoso"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(f"/population/residents/{resident.pk}/edit/", data)
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.full_name == "Slamet Riyadi Santoso"


def test_village_head_reads_but_cannot_edit(make_user, resident, login_client) -> None:
    head = make_user(roles=[(Role.VILLAGE_HEAD, resident.village_id)])
    client = login_client(head)
    opened = client.get(f"/population/residents/{resident.pk}/?reason=Surat+SKTM")
    assert opened.status_code == 200 and resident.nik in opened.content.decode()
    assert client.get(f"/population/residents/{resident.pk}/edit/").status_code == 403
    assert (
        client.post(
            f"/population/residents/{resident.pk}/death/", {"occurred_on": "2025-01-01"}
        ).status_code
        == 403
    )
    resident.refresh_from_db()
    assert resident.status == "alive"


def test_death_and_transfer_forms(
    operator, family, login_client, neighbour_village, make_user
) -> None:
    client = login_client(operator)
    head, wife, child = family
    response = client.post(
        f"/population/residents/{head.pk}/death/",
        {"occurred_on": "2025-02-01", "place": "Rumah", "details": ""},
    )
    assert response.status_code == 302
    response = client.post(
        f"/population/residents/{wife.pk}/transfer/",
        {
            "to_village": neighbour_village.code,
            "occurred_on": "2025-03-01",
            "whole_household": "on",
            "rt": "2",
            "rw": "3",
        },
        follow=True,
    )
    # A request is sent; nobody moves until the receiving village accepts (ADR 0064).
    assert response.redirect_chain[-1][0] == "/population/transfers/"
    assert "Permintaan terkirim" in response.content.decode()
    child.refresh_from_db()
    assert child.village_id != neighbour_village.code
    receiving = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    inbox = login_client(receiving).get("/population/transfers/")
    assert wife.full_name in inbox.content.decode()
    request = TransferRequest.objects.get()
    assert (
        login_client(receiving).post(f"/population/transfers/{request.pk}/accept/").status_code
        == 302
    )
    child.refresh_from_db()
    assert child.village_id == neighbour_village.code  # moved with the household
    head.refresh_from_db()
    assert head.village_id != neighbour_village.code  # the dead stay where they died


def test_transfer_page_in_both_languages_and_refusal_without_note(
    operator, resident, login_client, neighbour_village, make_user
) -> None:
    request = services.resident_transfer(
        actor=operator,
        resident=resident,
        to_village=neighbour_village,
        occurred_on=date(2025, 6, 1),
        kk_number="3510010101250099",
        rt="1",
        rw="1",
    )
    receiving = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    client = login_client(receiving)
    indonesian = client.get("/population/transfers/").content.decode()
    assert "Menunggu keputusan Anda" in indonesian and "KK baru" in indonesian
    english = login_client(receiving)
    english.cookies["sk_language"] = "en"
    page = english.get("/population/transfers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for your decision" in page and "New household" in page
    # Refusing without saying why is refused, and nothing changes.
    before = snapshot_rows(Resident, TransferRequest)
    response = client.post(f"/population/transfers/{request.pk}/refuse/", {"note": ""}, follow=True)
    assert snapshot_rows(Resident, TransferRequest) == before
    assert "Sebutkan alasan kepindahan ditolak." in response.content.decode()
    # The origin may not accept its own request; a stranger gets a 404.
    assert (
        login_client(operator).post(f"/population/transfers/{request.pk}/accept/").status_code
        == 403
    )
    stranger = make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")])
    assert (
        login_client(stranger).post(f"/population/transfers/{request.pk}/accept/").status_code
        == 404
    )
    assert snapshot_rows(Resident, TransferRequest) == before
    client.post(f"/population/transfers/{request.pk}/refuse/", {"note": "Tidak dikenal"})
    request.refresh_from_db()
    assert request.status == "refused"
    resident.refresh_from_db()
    assert resident.village_id == operator.role_assignments.get().scope_id


def test_activation_code_is_shown_once_not_stored(operator, resident, login_client) -> None:
    response = login_client(operator).post(f"/population/residents/{resident.pk}/activation/")
    code = response.context["code"]
    assert code in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert code.replace("-", "") not in json.dumps(
        list(resident.activation_codes.values()), default=str
    )


def test_citizen_activates_then_sees_own_record_and_view_log(operator, family, login_client):
    head, wife, _child = family
    code = services.activation_code_issue(actor=operator, resident=wife)
    client = Client()
    response = client.post(
        "/population/activate/",
        {
            "nik": wife.nik,
            "code": code,
            "password": "kopi-osing-2026",
            "password_again": "kopi-osing-2026",
        },
    )
    assert response.status_code == 302
    login_client(operator).get(f"/population/residents/{wife.pk}/?reason=Surat+domisili")
    client.post("/accounts/login/", {"username": wife.nik, "password": "kopi-osing-2026"})
    page = client.get("/population/me/")
    html = page.content.decode()
    assert wife.nik in html  # her own NIK
    assert head.nik not in html and mask_identifier(head.nik) in html  # her husband's: masked
    assert "Surat domisili" in html and operator.display_name in html
    assert client.get(f"/population/residents/{head.pk}/").status_code == 404
    assert client.get("/population/residents/").status_code == 404
    assert client.get(f"/population/residents/{wife.pk}/").status_code == 302  # to /me/


def test_activation_page_refuses_bad_input_without_change(resident) -> None:
    client = Client()
    for data in (
        {"nik": "123", "code": "x", "password": "a", "password_again": "b"},
        {
            "nik": resident.nik,
            "code": "AAAAA-BBBBB",
            "password": "kopi-osing-2026",
            "password_again": "kopi-osing-2026",
        },
    ):
        assert client.post("/population/activate/", data).status_code == 400
    resident.refresh_from_db()
    assert resident.user is None


def test_statistics_pages_by_scope(operator, make_user, resident, login_client) -> None:
    assert (
        login_client(operator).get(f"/population/statistics/{resident.village_id}/").status_code
        == 200
    )
    assert login_client(operator).get("/population/statistics/35.10/").status_code == 404
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    page = login_client(camat).get("/population/statistics/35.10.01/")
    assert page.status_code == 200 and "Sarongan" in page.content.decode()
    pmd = make_user(roles=[(Role.REGENCY_OFFICER, "35.10")])
    regency = login_client(pmd).get("/population/statistics/")
    assert regency.status_code == 302 and regency["Location"].endswith("/35.10/")
    html = login_client(pmd).get("/population/statistics/35.10/").content.decode()
    assert "Pesanggaran" in html and "<svg" in html and "<table" in html
    # Indonesian formats 45.5 as "45,5": SVG coordinates must not be localised.
    assert not re.search(r'(width|x)="\d+,\d+"', html)
    assert resident.full_name not in html


def test_export_masks_and_neutralises_formulas(operator, village, login_client) -> None:
    evil = make_resident(
        actor=operator, village=village, full_name="Budi", address='=HYPERLINK("http://x","y")'
    )
    response = login_client(operator).get(f"/population/export.xlsx?village={village.code}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert evil.nik not in values and mask_identifier(evil.nik) in values
    address = next(
        c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)
    )
    assert address.value.startswith("'=") and address.data_type == "s"


def test_export_refused_to_district_officer(make_user, village, login_client) -> None:
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    assert (
        login_client(camat).get(f"/population/export.xlsx?village={village.code}").status_code
        == 404
    )


def test_templates_download(operator, login_client) -> None:
    client = login_client(operator)
    csv_response = client.get("/population/import/template.csv")
    assert csv_response.content.startswith(b"nik,no_kk,nama_lengkap")
    xlsx = client.get("/population/import/template.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "nik"


def test_web_import_runs_as_task_and_shows_progress(
    operator, village, login_client, django_capture_on_commit_callbacks
) -> None:
    client = login_client(operator)
    upload = SimpleUploadedFile("warga.csv", records_to_csv(family_records(20)), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/population/import/?village={village.code}", {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == "done" and job.created_count == Resident.objects.count() >= 20
    assert not job.file  # the upload is deleted
    progress = client.get(f"/population/import/{job.pk}/progress/")
    html = progress.content.decode()
    assert 'data-state="done"' in html and "hx-trigger" not in html  # polling stops
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_web_import_with_errors_lists_them(
    operator, village, login_client, django_capture_on_commit_callbacks
) -> None:
    records = family_records(6)
    records[2]["religion"] = "77"
    upload = SimpleUploadedFile("warga.csv", records_to_csv(records), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        login_client(operator).post(f"/population/import/?village={village.code}", {"file": upload})
    job = ImportJob.objects.get()
    assert job.state == "failed" and job.error_count == 1
    html = login_client(operator).get(f"/population/import/{job.pk}/progress/").content.decode()
    assert "agama" in html and ">4<" in html
    # a refused import shows no (full) progress bar, only the refusal
    assert "<progress" not in html and "data-import-refused" in html
    assert not Resident.objects.exists()


def test_queued_job_page_polls(operator, village, login_client) -> None:
    job = ImportJob.objects.create(village=village, created_by=operator, file_name="a.csv")
    html = login_client(operator).get(f"/population/import/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in html


@pytest.mark.parametrize(
    "name,body,message",
    [
        ("foto.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "berjenis lain"),
        ("kosong.csv", b"", "kosong"),
        ("latin.csv", "nik,nama\nÉ,é\n".encode("latin-1"), "UTF-8"),
        ("kolom.csv", b"nik,nama\n1,2\n", "Baris judul"),
    ],
)
def test_web_upload_refuses_bad_files_at_once(operator, village, login_client, name, body, message):
    upload = SimpleUploadedFile(name, body, "text/csv")
    response = login_client(operator).post(
        f"/population/import/?village={village.code}", {"file": upload}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_web_upload_refuses_50_mb(operator, village, login_client) -> None:
    upload = SimpleUploadedFile("besar.csv", b"a" * (50 * 1024 * 1024), "text/csv")
    response = login_client(operator).post(
        f"/population/import/?village={village.code}", {"file": upload}
    )
    assert response.status_code == 400
    assert "lebih besar dari batas" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_village_page_panel(operator, resident, login_client) -> None:
    html = login_client(operator).get(f"/villages/{resident.village_id}/").content.decode()
    assert "/population/residents/?village=" in html and "/population/import/" in html


def test_household_page_masks_kk(operator, family, login_client) -> None:
    html = (
        login_client(operator)
        .get(f"/population/households/{family[0].household_id}/")
        .content.decode()
    )
    assert family[0].household.kk_number not in html
    assert mask_identifier(family[0].household.kk_number) in html
    assert all(p.full_name in html for p in family)


def test_nav_items(operator, make_user, login_client, resident) -> None:
    html = login_client(operator).get("/population/residents/").content.decode()
    assert "/population/statistics/" in html
    assert login_client(make_user()).get("/population/").status_code == 404
    assert date.today()  # keeps the import used


def test_citizen_account_page_shows_name_and_masked_nik_not_the_username(
    operator, family, login_client
):
    _head, wife, _child = family
    code = services.activation_code_issue(actor=operator, resident=wife)
    user = services.citizen_activate(
        nik=wife.nik, code=code, password="kopi-osing-2026", address=None
    )
    html = login_client(user).get("/accounts/profile/").content.decode()
    main = html[html.index("<main") :]
    assert wife.full_name in main
    assert mask_identifier(wife.nik) in main and wife.nik not in main
    assert user.username not in html  # "warga.<id>" means nothing to a citizen
    # An official's account still shows the username they log in with.
    assert operator.username in login_client(operator).get("/accounts/profile/").content.decode()
