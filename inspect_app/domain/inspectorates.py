"""The inspectorates that take part in a Joint Area Review."""

from __future__ import annotations

from enum import StrEnum


class Inspectorate(StrEnum):
    """An inspectorate, stored by its short code."""

    OFSTED = "ofsted"
    CSCI = "csci"
    HEALTHCARE_COMMISSION = "healthcare_commission"
    AUDIT_COMMISSION = "audit_commission"
    HMI_PROBATION = "hmi_probation"
    HMIC = "hmic"
    ALI = "ali"
    HMI_PRISONS = "hmi_prisons"

    @property
    def label(self) -> str:
        return INSPECTORATE_LABELS[self]

    @property
    def short_label(self) -> str:
        return INSPECTORATE_SHORT_LABELS[self]


INSPECTORATE_LABELS: dict[Inspectorate, str] = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CSCI: "Commission for Social Care Inspection",
    Inspectorate.HEALTHCARE_COMMISSION: "Healthcare Commission",
    Inspectorate.AUDIT_COMMISSION: "Audit Commission",
    Inspectorate.HMI_PROBATION: "HM Inspectorate of Probation",
    Inspectorate.HMIC: "HM Inspectorate of Constabulary",
    Inspectorate.ALI: "Adult Learning Inspectorate",
    Inspectorate.HMI_PRISONS: "HM Inspectorate of Prisons",
}

INSPECTORATE_SHORT_LABELS: dict[Inspectorate, str] = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CSCI: "CSCI",
    Inspectorate.HEALTHCARE_COMMISSION: "HC",
    Inspectorate.AUDIT_COMMISSION: "AC",
    Inspectorate.HMI_PROBATION: "HMIP",
    Inspectorate.HMIC: "HMIC",
    Inspectorate.ALI: "ALI",
    Inspectorate.HMI_PRISONS: "HMI Prisons",
}

INSPECTORATE_CODES: frozenset[str] = frozenset(i.value for i in Inspectorate)
