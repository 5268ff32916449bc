"""Errors of the projects app, each with a stable code."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict, ValidationFailed


class ProjectErrorCode(StrEnum):
    INVALID_PROJECT = "invalid_project"
    INVALID_STAGE = "invalid_stage"
    STAGE_ALREADY_REPORTED = "stage_already_reported"
    UPLOAD_OFFSET_MISMATCH = "upload_offset_mismatch"
    UPLOAD_INCOMPLETE = "upload_incomplete"
    UPLOAD_CLOSED = "upload_closed"
    FLAG_ALREADY_DECIDED = "flag_already_decided"
    INVALID_DECISION = "invalid_decision"
    IMPORT_INVALID = "import_invalid"


class ProjectInvalid(ValidationFailed):
    code = ProjectErrorCode.INVALID_PROJECT


class ProjectConflict(Conflict):
    code = "project_conflict"
