"""Errors of the economy app, each with a stable code."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict, ValidationFailed


class EconomyErrorCode(StrEnum):
    INVALID_ENTERPRISE = "invalid_enterprise"
    INVALID_MANAGER = "invalid_manager"
    INVALID_CAPITAL = "invalid_capital"
    CAPITAL_ABOVE_BUDGET = "capital_above_budget"
    INVALID_REPORT = "invalid_report"
    REPORT_EXISTS = "report_exists"
    REPORT_STATE = "report_state"
    INVALID_BUSINESS = "invalid_business"
    INVALID_PRODUCT = "invalid_product"
    DECISION_STATE = "decision_state"


class EnterpriseInvalid(ValidationFailed):
    code = EconomyErrorCode.INVALID_ENTERPRISE


class ManagerInvalid(ValidationFailed):
    code = EconomyErrorCode.INVALID_MANAGER


class CapitalInvalid(ValidationFailed):
    code = EconomyErrorCode.INVALID_CAPITAL


class CapitalAboveBudget(ValidationFailed):
    code = EconomyErrorCode.CAPITAL_ABOVE_BUDGET


class ReportInvalid(ValidationFailed):
    code = EconomyErrorCode.INVALID_REPORT


class ReportExists(Conflict):
    code = EconomyErrorCode.REPORT_EXISTS


class ReportState(Conflict):
    code = EconomyErrorCode.REPORT_STATE


class BusinessInvalid(ValidationFailed):
    code = EconomyErrorCode.INVALID_BUSINESS


class ProductInvalid(ValidationFailed):
    code = EconomyErrorCode.INVALID_PRODUCT


class DecisionState(Conflict):
    code = EconomyErrorCode.DECISION_STATE
