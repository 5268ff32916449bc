"""Plain-language explanations of red flags, in the active language (Indonesian or English)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ..models import RedFlag, RuleCode, WorkType

MATCH_LABELS = {
    "identical": "identical",
    "full": "whole",
    "rot90": "rotated",
    "rot180": "rotated",
    "rot270": "rotated",
    "crop90": "cropped",
    "crop80": "cropped",
    "crop90-other": "cropped",
    "crop80-other": "cropped",
}


def _reuse(e: dict[str, Any]) -> str:
    if e.get("sha256_identical"):
        how = _("The file is byte-for-byte identical (same SHA-256).")
    elif e.get("signal") == "phash+dhash":
        how = _(
            "The pictures match on two independent hashes of their whole and cropped regions: "
            "%(p)d of 64 bits of the perceptual hash and %(d)d of 64 bits of the difference "
            "hash differ — a cropped, brightened or re-encoded copy."
        ) % {"p": e.get("hamming_distance", 0), "d": e.get("dhash_distance", 0)}
    else:
        kind = MATCH_LABELS.get(str(e.get("match")), "whole")
        label = {
            "whole": _("as a whole"),
            "rotated": _("after rotating one of them"),
            "cropped": _("when one is a cropped copy of the other"),
        }.get(kind, "")
        how = _(
            "The pictures are near-identical %(how)s: %(bits)d of 64 bits of their perceptual "
            "hash differ (similarity %(pct).0f %%)."
        ) % {
            "how": label,
            "bits": e.get("hamming_distance", 0),
            "pct": e.get("similarity", 0) * 100,
        }
    if e.get("same_project"):
        where = _(
            "A photo of stage %(stage)d %% is the same picture as the photo of the earlier stage "
            "%(other)d %%: it does not show any progress."
        ) % {"stage": e["photo"]["stage"], "other": e["other_photo"]["stage"]}
    else:
        where = _(
            "This photo is the same picture as a photo of another project (no. %(other)d)."
        ) % {"other": e["other_photo"]["project"]}
    lost = e.get("exif_lost")
    if lost:
        how += " " + _(
            "The photo carries no camera data at all (no device, time or position), while "
            "%(n)d other photos this account sent for the project came from a device "
            "(%(device)s): it was re-saved or forwarded, not taken for this report."
        ) % {"n": lost.get("siblings_with_exif", 0), "device": lost.get("sibling_device", "")}
    return f"{where} {how}"


def _duplicate(e: dict[str, Any]) -> str:
    other = e["other_project"]
    text = _(
        "Project “%(other)s” (no. %(id)d, %(start)s – %(end)s) lies %(m).0f m away. Title "
        "similarity %(sim).0f of 100%(type)s."
    ) % {
        "other": other["title"],
        "id": other["id"],
        "start": other["start"],
        "end": other["end"],
        "m": e["distance_m"],
        "sim": e["title_similarity"],
        "type": _("; the same work type") if e.get("same_work_type") else "",
    }
    gap = e["period_gap_days"]
    if gap <= 0:
        period = _("Their periods overlap by %(d)d days.") % {"d": -gap}
    else:
        period = _("Their periods are %(d)d days apart.") % {"d": gap}
    parts = [_("The same work may have been planned or paid twice."), text, period]
    if e.get("same_place"):
        work = WorkType(e["work_type"]).label if e.get("work_type") in WorkType.values else ""
        parts.append(
            _(
                "Both are the same work type (%(work)s) at the same place (%(pct).0f %% of the "
                "smaller work lies within %(m).0f m of the other), %(years).1f years apart: "
                "such works last longer than that."
            )
            % {
                "work": work,
                "pct": e.get("place_overlap", 0) * 100,
                "m": e.get("place_distance_m", 0),
                "years": e.get("years_apart", 0),
            }
        )
    return " ".join(parts)


def _locations(e: dict[str, Any]) -> str:
    parts = []
    for loc in e.get("locations", []):
        source = _("device") if loc["source"] == "device" else _("EXIF")
        parts.append(
            _("%(source)s location %(m).0f m from the site")
            % {
                "source": source,
                "m": loc["distance_to_site_m"],
            }
        )
    return "; ".join(parts)


def _time(e: dict[str, Any]) -> str:
    texts = []
    for r in e.get("reasons", []):
        if r["reason"] == "before_start":
            texts.append(
                _("taken %(d)d days before the planned start (%(start)s)")
                % {"d": r["days_before"], "start": r["planned_start"]}
            )
        elif r["reason"] == "future":
            texts.append(_("the capture time lies in the future"))
        elif r["reason"] == "stage_order":
            texts.append(
                _("taken before the photo of the earlier stage %(stage)d %%")
                % {"stage": r["other_stage"]}
            )
    return _("The photo's capture time (%(t)s) is inconsistent: %(why)s.") % {
        "t": e.get("taken_at", "")[:16].replace("T", " "),
        "why": "; ".join(texts),
    }


def _rp(value: Any) -> str:
    return "Rp " + f"{float(value or 0):,.0f}".replace(",", ".")


def explain(flag: RedFlag) -> str:
    """One or two sentences that say what was found and why it matters."""
    e = flag.evidence or {}
    rule = flag.rule
    if rule == RuleCode.DUPLICATE_PROJECT:
        return _duplicate(e)
    if rule == RuleCode.PHOTO_REUSE:
        return _reuse(e)
    if rule == RuleCode.GEOTAG_OUTSIDE_VILLAGE:
        return _(
            "The photo was taken outside the village boundary (more than %(t).0f m outside, the "
            "tolerance for simplified boundaries): %(where)s."
        ) % {"t": e.get("tolerance_m", 0), "where": _locations(e)}
    if rule == RuleCode.GEOTAG_FAR_FROM_SITE:
        return _(
            "The photo was taken more than %(limit).0f m from the project's location: %(where)s."
        ) % {"limit": e.get("limit_m", 0), "where": _locations(e)}
    if rule == RuleCode.GEOTAG_MISSING:
        if e.get("reason") == "device_accuracy_zero":
            return _(
                "The device reported its location with an accuracy of 0 m, which real GPS never "
                "does: the location was typed in or faked."
            )
        return _(
            "The photo carries no location: neither the device nor the EXIF data say where it "
            "was taken."
        )
    if rule == RuleCode.PHOTO_TIME_INCONSISTENT:
        return _time(e)
    if rule == RuleCode.UNIT_COST_OUTLIER:
        parts = [
            _("The cost per %(unit)s is Rp %(cost)s.")
            % {"unit": e.get("unit", ""), "cost": f"{e.get('unit_cost', 0):,.0f}".replace(",", ".")}
        ]
        if "fence" in e:
            parts.append(
                _(
                    "Among %(n)d projects of the same work type in the regency the median is "
                    "Rp %(median)s and the outlier limit (Q3 + 1.5 × IQR) Rp %(fence)s."
                )
                % {
                    "n": e["samples"],
                    "median": f"{e['median']:,.0f}".replace(",", "."),
                    "fence": f"{e['fence']:,.0f}".replace(",", "."),
                }
            )
        if "beyond_fence_iqr" in e:
            parts.append(
                _("It lies %(x).1f × IQR beyond that limit.") % {"x": e["beyond_fence_iqr"]}
            )
        if "ssh_ceiling" in e:
            parts.append(
                _("The regency's unit price standard (SSH) allows Rp %(c)s.")
                % {"c": f"{e['ssh_ceiling']:,.0f}".replace(",", ".")}
            )
        return " ".join(parts)
    if rule == RuleCode.PROGRESS_WITHOUT_EVIDENCE:
        return _(
            "Progress of %(stage)d %% was reported %(h)d hours ago without any photo as evidence."
        ) % {"stage": e.get("stage", 0), "h": e.get("hours_without_photo", 0)}
    if rule == RuleCode.DISBURSED_AHEAD_OF_PROGRESS:
        money = {k: _rp(e.get(k)) for k in ("activity_budget", "realised", "allowed")}
        if e.get("evidenced_progress") is None:
            shown = _("no progress report with a photo yet")
        else:
            shown = _("%(p).0f %% progress shown with photos") % {"p": e["evidenced_progress"]}
        return _(
            "%(realised)s of the budget activity's %(budget)s has been released, but its "
            "projects have %(shown)s: at most %(allowed)s may be released (evidenced progress "
            "plus an advance of %(advance).0f %%). Money ran ahead of the evidence."
        ) % {
            "realised": money["realised"],
            "budget": money["activity_budget"],
            "allowed": money["allowed"],
            "shown": shown,
            "advance": e.get("advance_percent", 0),
        }
    if rule == RuleCode.STALLED:
        return _(
            "The project should have ended on %(end)s (%(d)d days ago) but stands at %(p)d %%."
        ) % {"end": e.get("planned_end", ""), "d": e.get("days_late", 0), "p": e.get("progress", 0)}
    return ""


def explain_both(flag: RedFlag) -> dict[str, str]:
    """The explanation in Indonesian and in English (for the API and exports)."""
    out = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            out[lang] = explain(flag)
    return out
