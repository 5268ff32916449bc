"""Errors of the health app, each with a stable code."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict, ValidationFailed


class HealthErrorCode(StrEnum):
    INVALID_VISIT = "invalid_visit"
    VISIT_EXISTS = "visit_exists"
    INVALID_PREGNANCY = "invalid_pregnancy"
    INVALID_POSYANDU = "invalid_posyandu"
    INVALID_CADRE = "invalid_cadre"
    INVALID_CSV = "invalid_csv"


class VisitInvalid(ValidationFailed):
    code = HealthErrorCode.INVALID_VISIT


class VisitExists(Conflict):
    code = HealthErrorCode.VISIT_EXISTS


class PregnancyInvalid(ValidationFailed):
    code = HealthErrorCode.INVALID_PREGNANCY


class PosyanduInvalid(ValidationFailed):
    code = HealthErrorCode.INVALID_POSYANDU


class CadreInvalid(ValidationFailed):
    code = HealthErrorCode.INVALID_CADRE
