"""Writes of the field app: device sessions, records sent by devices, their photos."""
