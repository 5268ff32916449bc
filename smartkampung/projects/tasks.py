"""Background work: metadata-free thumbnail and display copies of a photo (idempotent)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from .photos import DISPLAY_PX, THUMBNAIL_PX, make_derivative


@task()
def photo_make_derivatives(photo_id: int, replace: bool = False) -> None:
    """Make the copies a page shows. With ``replace`` the existing copies are made again and
    the old files removed (``rebuild_photo_derivatives``: copies made before ADR 0036 kept
    the original's comment segment)."""
    from .models import ProgressPhoto

    photo = ProgressPhoto.objects.filter(pk=photo_id).first()
    if photo is None or (photo.thumbnail and photo.display and not replace):
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
    old = [f.name for f in (photo.thumbnail, photo.display) if f]
    rows = ProgressPhoto.objects.filter(pk=photo_id)
    if not replace:
        rows = rows.filter(thumbnail="")
    updated = rows.update(thumbnail=thumb, display=display)
    if not updated:  # another worker was faster
        default_storage.delete(thumb)
        default_storage.delete(display)
    elif replace:
        for name in old:
            if name not in {thumb, display}:
                default_storage.delete(name)
