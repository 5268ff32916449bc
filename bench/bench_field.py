"""The offline field app: app shell size and offline start on a mid-range phone profile.

- **Shell size**: every file the service worker keeps (the shell page, manifest, CSS, ES
  modules, the vendored idb), as served, compressed with gzip -9 (target < 200 KB in all).
- **Offline start**: Chromium (Debian's, /usr/bin/chromium, headless) opens the field app once
  online (the service worker installs the shell), a device with 500 projects, a posyandu's 200
  children (the visit form's list) and 30 queued records in its IndexedDB; then, offline and
  with the CPU slowed 4× (CDP ``Emulation.setCPUThrottlingRate``), the app is reloaded N
  times. Measured in the page: from the start of navigation to the queue rendered from
  IndexedDB (``performance.now()`` when the app marks itself ready), target p95 < 1 s.
  The same with the CPU unthrottled for reference.
- **Sending**: one progress record through the API with a device token, new and replayed (the
  idempotent resend), through the full Django stack.

The server is Django's live-server thread on the bench database (production settings,
collected static files served by WhiteNoise).
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import uuid
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import timezone
from harness import Harness, Measurement, percentile

from conftest import BOUNDARIES_FILE, CODES_FILE
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.field import assets
from smartkampung.field.services.devices import device_session_create
from smartkampung.regions.models import Region

CHROMIUM = os.environ.get("SK_CHROMIUM", "/usr/bin/chromium")
SHELL_TARGET_KB = 200
START_TARGET_MS = 1000
SARONGAN = "35.10.01.2001"

SEED_DEVICE = """async ([projects, records]) => {
  const db = await import("/static/field/db.js");
  await db.setMeta("token", "skd_bench-not-a-real-token");
  const bootstrap = {user: "Bench", stages: [0, 50, 100], chunk_bytes: 262144,
    max_photo_bytes: 20971520, letter_types: [], projects: []};
  for (let i = 0; i < projects; i += 1) {
    bootstrap.projects.push({id: i + 1, title: `Rabat beton jalan dusun ${i}`,
      village: "35.10.01.2001", village_name: "Sarongan", status: "ongoing", progress: 0,
      lat: -8.58, lng: 114.02, reported_stages: [0]});
  }
  // A cadre's device: a posyandu with 200 children under five (the visit form's list).
  bootstrap.posyandu = {id: 1, name: "Melati", village: "35.10.01.2001", village_name: "Sarongan",
    children: []};
  for (let i = 0; i < 200; i += 1) {
    bootstrap.posyandu.children.push({id: i + 1, name: `Anak ${i}`, sex: 1 + (i % 2),
      birth_date: new Date(Date.now() - (30 + 9 * i) * 86400000).toISOString().slice(0, 10)});
  }
  await db.setMeta("bootstrap", bootstrap);
  const photo = new Blob([new Uint8Array(200000)], {type: "image/jpeg"});
  for (let i = 0; i < records; i += 1) {
    await db.saveRecordWithBlobs({key: crypto.randomUUID(), kind: "progress_report",
      label: `Proyek ${i}`, status: i % 3 === 0 ? "attention" : "waiting",
      problem: i % 3 === 0 ? {code: "stage_already_reported", message: "…",
        actions: ["attach", "discard"]} : null,
      createdAt: new Date().toISOString(),
      payload: {project: i + 1, stage: 50, reported_on: "2026-12-01", note: "",
        captured_at: new Date().toISOString(), location: null,
        photos: [{sha256: "0".repeat(64), size: 200000, name: "a.jpg", type: "image/jpeg"}]},
      photos: [{stored: false, offset: 0, size: 200000}]}, [photo]);
  }
  return true;
}"""


PHASES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const out = {html: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd};
  for (const m of performance.getEntriesByType("mark")) out[m.name] = m.startTime;
  return out;
}"""


def _shell_size(h: Harness) -> None:
    client = Client()
    raw = compressed = 0
    rows = []
    for url in assets.shell_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        size = len(gzip.compress(body, 9))
        raw += len(body)
        compressed += size
        rows.append((url, len(body), size))
    kb = compressed / 1024
    h.context["field_shell_files"] = rows
    h.record("app shell, uncompressed", raw / 1024, "KB")
    h.record(
        f"app shell, gzip -9 ({len(rows)} files)",
        kb,
        "KB",
        target=f"< {SHELL_TARGET_KB} KB",
        passed=kb < SHELL_TARGET_KB,
    )


def _offline_start(h: Harness, base: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{base}/field/")
        page.wait_for_selector("body[data-ready=true]", state="attached")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.evaluate(SEED_DEVICE, [500, 30])
        cdp = context.new_cdp_session(page)
        context.set_offline(True)
        for rate in (4, 1):
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            samples = []
            phases: dict[str, list[float]] = {}
            for i in range(runs + 2):
                page.reload()
                page.wait_for_selector("body[data-ready=true]", state="attached")
                assert page.locator("#queue-list .q-item").count() == 30
                assert page.locator("#rf-project option").count() == 501
                assert page.locator("#vf-child option").count() == 201
                if i >= 2:  # two warm-up starts
                    samples.append(float(page.locator("body").get_attribute("data-ready-ms") or 0))
                    for phase, at in page.evaluate(PHASES).items():
                        phases.setdefault(phase, []).append(at)
            p95 = percentile(samples, 95)
            name = (
                f"offline start, CPU {rate}× slower (500 projects, 200 children, 30 queued records)"
            )
            h.results.append(
                Measurement(
                    benchmark=h.benchmark,
                    name=name,
                    unit="ms",
                    n=len(samples),
                    p50=round(percentile(samples, 50), 1),
                    p95=round(p95, 1),
                    mean=round(statistics.fmean(samples), 1),
                    target=f"p95 < {START_TARGET_MS} ms" if rate == 4 else "",
                    passed=(p95 < START_TARGET_MS) if rate == 4 else None,
                    notes="navigation start → queue rendered from IndexedDB, served by the SW",
                )
            )
            print(f"  {name}: p50 {percentile(samples, 50):.0f} ms, p95 {p95:.0f} ms")
            medians = {k: round(percentile(v, 50)) for k, v in phases.items()}
            h.context[f"field_start_phases_cpu{rate}x_p50_ms"] = medians
            print(f"    phases (p50, ms after navigation start): {medians}")
        context.close()
        browser.close()


def _sending(h: Harness, runs: int) -> None:
    from smartkampung.projects import services as project_services
    from smartkampung.projects.tests.factories import project_data

    user, _ = User.objects.get_or_create(username="bench.field.operator")
    RoleAssignment.objects.get_or_create(user=user, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    village = Region.objects.get(code=SARONGAN)
    _, secret = device_session_create(actor=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    projects = [
        project_services.project_create(
            actor=user,
            village_code=SARONGAN,
            data=project_data(village, title=f"Bench jalan {uuid.uuid4().hex[:6]}"),
            screen=False,
        )
        for _ in range(runs + 3)
    ]
    bodies = [
        {
            "key": str(uuid.uuid4()),
            "kind": "progress_report",
            "payload": {
                "project": p.pk,
                "stage": 0,
                "reported_on": timezone.localdate().isoformat(),
                "location": {"lat": p.lat, "lng": p.lng, "accuracy_m": 8},
            },
        }
        for p in projects
    ]
    pending = list(bodies)

    def post(body: dict[str, Any]) -> None:
        response = client.post(
            "/api/v1/field/records", json.dumps(body), content_type="application/json"
        )
        assert response.status_code in (200, 201), response.content

    h.measure("send a new progress record (device token)", lambda: post(pending.pop()), n=runs)
    h.measure("resend the same record (idempotent replay)", lambda: post(bodies[0]), n=runs)


def run(h: Harness, *, quick: bool = False) -> None:
    if not Region.objects.exists():
        from smartkampung.regions.services import region_import

        region_import(codes=CODES_FILE.read_bytes(), boundaries=BOUNDARIES_FILE.read_bytes())
    _shell_size(h)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        _offline_start(h, f"http://127.0.0.1:{server.port}", runs=10 if quick else 30)
    finally:
        server.terminate()
    _sending(h, runs=10 if quick else 30)
