"""The regency dashboard shows the SPMs issued outside the welfare register, per village
(issue 13), with the list behind the figure and its CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone

from conftest import SARONGAN, SUKOREJO
from smartkampung.welfare import services as welfare


def test_spms_outside_the_register_per_village(
    regions_loaded: Any, regency_officer: Any, login_client: Any
) -> None:
    for request_id, village in [(1, SARONGAN), (2, SARONGAN), (3, SUKOREJO)]:
        welfare.spm_outside_register_record(
            actor=None,
            letter_request_id=request_id,
            village_code=village,
            household_id=None,
            reason="Keluarga baru, belum masuk DTKS",
        )
    year = timezone.localdate().year
    client = login_client(regency_officer)
    client.cookies["sk_language"] = "en"
    page = client.get(f"/dashboards/?year={year}")
    assert page.status_code == 200
    assert page.context["summary"].spm_outside == 3
    assert "SPMs issued to households outside the welfare register" in page.content.decode()
    response = client.get(
        f"/dashboards/tables/letters-villages/?year={year}&spm_outside=yes&format=csv"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "SPMs outside the welfare register"
    assert {(r[0], r[-1]) for r in rows[1:]} == {("Sarongan", "2"), ("Sukorejo", "1")}
    # The reason (free text about a family) is not on the dashboard.
    assert "DTKS" not in page.content.decode() and "DTKS" not in response.content.decode()
    client.cookies["sk_language"] = "id"
    page = client.get(f"/dashboards/?year={year}").content.decode()
    assert "SPM yang diterbitkan untuk keluarga di luar data kesejahteraan" in page
    # Last year had none.
    last = client.get(f"/dashboards/?year={year - 1}")
    assert last.context["summary"].spm_outside == 0
