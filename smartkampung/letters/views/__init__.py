"""Letter pages, split by audience: ``public`` (verification), ``catalogue`` (letter types and
certificates), ``overview`` (regency view) and ``requests`` (citizens and village staff)."""
