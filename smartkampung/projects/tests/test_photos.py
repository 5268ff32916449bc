"""Photos: what is read from the original, and derivatives that carry pixels and nothing else.

The derivative test reads every JPEG segment itself (not through Pillow, which skips what it
does not understand), so any metadata that survives is seen."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image, ImageCms

from smartkampung.projects import services
from smartkampung.projects.models import ProgressPhoto
from smartkampung.projects.photos import DISPLAY_PX, THUMBNAIL_PX, make_derivative

from .factories import jpeg, project_data, scene

PAYLOAD = b"<?php system($_GET['c']); ?> catatan pribadi: NIK 3510014101900001"
TRAILER = b"PK\x03\x04 hidden archive after the end of the image"
# Markers a bare JPEG needs: SOF0-2, DHT, DQT, DRI, SOS, RST0-7 and APP0 (the JFIF header).
PIXEL_MARKERS = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xDA, *range(0xD0, 0xD8)}


def jpeg_segments(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Every (marker, payload) of a JPEG up to EOI, and the bytes after EOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    i, out = 2, []
    while True:
        assert data[i] == 0xFF, f"no marker at byte {i}"
        while data[i] == 0xFF:
            i += 1
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return out, data[i:]
        if 0xD0 <= marker <= 0xD7:
            out.append((marker, b""))
            continue
        length = int.from_bytes(data[i : i + 2], "big")
        out.append((marker, data[i + 2 : i + length]))
        i += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffing
            while not (data[i] == 0xFF and data[i + 1] != 0 and not 0xD0 <= data[i + 1] <= 0xD7):
                i += 1


def loaded_original() -> bytes:
    """A camera JPEG carrying everything that must not reach the public: EXIF with GPS and a
    device, XMP, an ICC profile, a comment with a payload, a Photoshop/IPTC block (APP13) and
    bytes after the end of the image."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with Image.open(io.BytesIO(jpeg(scene(11), lat=-8.2, lng=114.3))) as img:
        exif = img.getexif()
        out = io.BytesIO()
        img.save(
            out,
            "JPEG",
            quality=90,
            exif=exif,
            comment=PAYLOAD,
            icc_profile=srgb,
            xmp=b"<x:xmpmeta><dc:creator>" + PAYLOAD + b"</dc:creator></x:xmpmeta>",
        )
    data = out.getvalue()
    app13 = b"Photoshop 3.0\x00" + PAYLOAD
    app13_segment = b"\xff\xed" + (len(app13) + 2).to_bytes(2, "big") + app13
    return data[:2] + app13_segment + data[2:] + TRAILER


def assert_pixels_only(data: bytes) -> None:
    segments, trailer = jpeg_segments(data)
    assert trailer == b"", "bytes after EOI"
    for marker, payload in segments:
        if marker == 0xE0:
            assert payload.startswith(b"JFIF\x00"), "APP0 that is not JFIF"
            continue
        assert marker in PIXEL_MARKERS, f"segment 0x{marker:02X} in a derivative"
    assert PAYLOAD not in data


def test_the_original_really_carries_the_metadata():
    """Guards the test below: the hostile original has every segment it is meant to have."""
    segments, trailer = jpeg_segments(loaded_original())
    markers = {m for m, _payload in segments}
    assert {0xE1, 0xE2, 0xED, 0xFE} <= markers and trailer == TRAILER
    assert any(p.startswith(b"http://ns.adobe.com/xap/1.0/") for m, p in segments if m == 0xE1)


@pytest.mark.parametrize("size", [THUMBNAIL_PX, DISPLAY_PX])
def test_derivative_carries_no_metadata_at_all(size):
    derivative = make_derivative(loaded_original(), size)
    assert_pixels_only(derivative)
    with Image.open(io.BytesIO(derivative)) as img:
        assert img.mode == "RGB" and max(img.size) <= size
        assert not img.getexif() and "icc_profile" not in img.info


def test_derivative_of_a_photo_with_a_damaged_profile_or_of_a_png():
    with Image.open(io.BytesIO(jpeg(scene(12)))) as img:
        out = io.BytesIO()
        img.save(out, "JPEG", icc_profile=b"not a profile" * 20, comment=b"hello")
    assert_pixels_only(make_derivative(out.getvalue(), THUMBNAIL_PX))
    png = io.BytesIO()
    scene(13).convert("RGBA").save(png, "PNG", pnginfo=None)
    assert_pixels_only(make_derivative(png.getvalue(), THUMBNAIL_PX))


@pytest.mark.django_db
def test_stored_and_served_copies_carry_no_metadata(
    operator, village, login_client, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(
            actor=operator,
            project=project,
            stage=0,
            reported_on=timezone.localdate(),
            photos=[services.PhotoIn(loaded_original(), "asli.jpg")],
        )
    photo = ProgressPhoto.objects.get(report=report)
    assert photo.exif_lat is not None  # the evidence was read from the original
    for stored in (photo.thumbnail, photo.display):
        with default_storage.open(stored.name, "rb") as fh:
            assert_pixels_only(fh.read())
    client = login_client(operator)
    for variant in ("thumb", "display"):
        assert_pixels_only(client.get(f"/projects/photos/{photo.pk}/{variant}/").content)
    ProgressPhoto.objects.filter(pk=photo.pk).update(thumbnail="", display="")
    assert_pixels_only(client.get(f"/projects/photos/{photo.pk}/thumb/").content)  # on the fly


A98 = "/usr/share/color/icc/ghostscript/a98.icc"


@pytest.mark.skipif(not __import__("os").path.exists(A98), reason="no Adobe RGB profile here")
def test_derivative_converts_another_colour_space_to_srgb():
    """An Adobe RGB photo: the pixels are converted to sRGB (then the profile is dropped), so
    the copy looks like the original instead of being relabelled."""
    with open(A98, "rb") as fh:
        adobe = fh.read()
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (60, 150, 60)).save(out, "JPEG", quality=98, icc_profile=adobe)
    with Image.open(io.BytesIO(make_derivative(out.getvalue(), 64))) as result:
        got = result.getpixel((32, 32))
    expected = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), (60, 150, 60)),
        ImageCms.ImageCmsProfile(io.BytesIO(adobe)),
        ImageCms.createProfile("sRGB"),
    ).getpixel((0, 0))
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) <= 4
    assert max(abs(a - b) for a, b in zip(got, (60, 150, 60), strict=True)) > 10


@pytest.mark.django_db
def test_rebuild_replaces_copies_made_with_metadata(operator, village, settings):
    """Copies stored by the old code (with the comment segment) are made again, clean, and the
    old files are gone."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    photo = services.photo_add(actor=operator, report=report, data=loaded_original())
    leaky = default_storage.save("projects/old-thumb.jpg", ContentFile(loaded_original()))
    ProgressPhoto.objects.filter(pk=photo.pk).update(thumbnail=leaky, display=leaky)
    call_command("rebuild_photo_derivatives", verbosity=0)
    photo.refresh_from_db()
    assert photo.thumbnail.name != leaky and not default_storage.exists(leaky)
    for stored in (photo.thumbnail, photo.display):
        with default_storage.open(stored.name, "rb") as fh:
            assert_pixels_only(fh.read())


@pytest.mark.django_db
def test_backfill_adds_the_new_hash_kinds_to_older_photos(operator, village):
    from django.core.management import call_command

    from smartkampung.projects.models import PHASH_KINDS, HashKind, PhotoHash

    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    photo = services.photo_add(actor=operator, report=report, data=jpeg(scene(21)))
    complete = dict(PhotoHash.objects.filter(photo=photo).values_list("kind", "value"))
    old_kinds = [HashKind.FULL, HashKind.CROP90, HashKind.CROP80]
    PhotoHash.objects.filter(photo=photo).exclude(kind__in=old_kinds).delete()
    assert PhotoHash.objects.filter(photo=photo).count() == 3  # a photo stored before ADR 0038
    call_command("photo_hashes_backfill", verbosity=0)
    assert dict(PhotoHash.objects.filter(photo=photo).values_list("kind", "value")) == complete
    assert len(complete) == 2 * len(PHASH_KINDS)
    call_command("photo_hashes_backfill", verbosity=0)  # nothing left to do
    assert PhotoHash.objects.filter(photo=photo).count() == len(complete)
    # Only the band-searched kinds fill the band indexes (the rest would dilute them).
    from smartkampung.projects.photos import bands

    for kind, value, *stored in PhotoHash.objects.filter(photo=photo).values_list(
        "kind", "value", "band0", "band1", "band2", "band3"
    ):
        expected = bands(value) if kind in old_kinds else (-1, -1, -1, -1)
        assert tuple(stored) == expected, kind
