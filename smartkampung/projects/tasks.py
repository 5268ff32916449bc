"""Background work: EXIF-free thumbnail and display copies of a photo (idempotent)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from .photos import DISPLAY_PX, THUMBNAIL_PX, make_derivative


@task()
def photo_make_derivatives(photo_id: int) -> None:
    from .models import ProgressPhoto

    photo = ProgressPhoto.objects.filter(pk=photo_id).first()
    if photo is None or (photo.thumbnail and photo.display):
        return
    with default_storage.open(photo.original.name, "rb") as fh:
        data = fh.read()
    base = photo.original.name.rsplit(".", 1)[0]
    thumb = default_storage.save(
        f"{base}-thumb.jpg", ContentFile(make_derivative(data, THUMBNAIL_PX))
    )
    display = default_storage.save(
        f"{base}-display.jpg", ContentFile(make_derivative(data, DISPLAY_PX))
    )
    updated = ProgressPhoto.objects.filter(pk=photo_id, thumbnail="").update(
        thumbnail=thumb, display=display
    )
    if not updated:  # another worker was faster
        default_storage.delete(thumb)
        default_storage.delete(display)
