"""One weekly maintenance window and upgrade channel, translated per cloud (pure Python).

The environment states `upgrade_channel` in GKE's words (rapid | regular | stable), a weekday,
a start hour (UTC) and a duration. EKS has neither channel nor window: its control plane is
upgraded only when `version` changes, and node groups roll a third at a time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypedDict

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

GKE_RELEASE_CHANNELS = {"rapid": "RAPID", "regular": "REGULAR", "stable": "STABLE"}

# -> azurerm automatic_upgrade_channel (patch | stable | rapid | node-image). The environment pins
# one Kubernetes minor version across clouds, so "stable" (the default) only takes patches of
# that minor; "regular" follows AKS's stable channel (N-1 minor), "rapid" AKS's rapid.
AKS_UPGRADE_CHANNELS = {"stable": "patch", "regular": "stable", "rapid": "rapid"}

# GKE accepts a maintenance window only if it leaves 48 h of maintenance in every 32 days.
GKE_MIN_HOURS_PER_32_DAYS = 48


def gke_recurring_window(day: str, start_hour_utc: int, duration_hours: int) -> dict[str, str]:
    """`maintenance_policy.recurring_window` arguments: RFC 3339 start and end of a first
    occurrence (the date is only an anchor on the right weekday) and an RFC 5545 rule.

    Any 32 days hold at least four of each weekday, so a weekly window needs 12 h for GKE.
    """
    if 4 * duration_hours < GKE_MIN_HOURS_PER_32_DAYS:
        raise ValueError(
            f"a weekly GKE maintenance window of {duration_hours} h gives {4 * duration_hours} h per 32 days; "
            f"GKE requires {GKE_MIN_HOURS_PER_32_DAYS} h, so use at least {GKE_MIN_HOURS_PER_32_DAYS // 4} h"
        )
    anchor = date(2025, 1, 6) + timedelta(days=WEEKDAYS.index(day))  # 2025-01-06 is a Monday
    start = datetime(anchor.year, anchor.month, anchor.day, start_hour_utc)
    end = start + timedelta(hours=duration_hours)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "start_time": start.strftime(fmt),
        "end_time": end.strftime(fmt),
        "recurrence": f"FREQ=WEEKLY;BYDAY={day[:2].upper()}",
    }


class AksWeeklyWindow(TypedDict):
    """The arguments azurerm_kubernetes_cluster's two maintenance_window_* blocks share."""

    frequency: str
    interval: int
    day_of_week: str
    start_time: str
    utc_offset: str
    duration: int


def aks_weekly_window(day: str, start_hour_utc: int, duration_hours: int) -> AksWeeklyWindow:
    """`maintenance_window_auto_upgrade` / `maintenance_window_node_os` arguments (4..24 h)."""
    if day not in WEEKDAYS:
        raise ValueError(f"unknown weekday {day!r}")
    if not 4 <= duration_hours <= 24:
        raise ValueError(f"AKS maintenance windows last 4 to 24 hours, got {duration_hours}")
    return {
        "frequency": "Weekly",
        "interval": 1,
        "day_of_week": day,
        "start_time": f"{start_hour_utc:02d}:00",
        "utc_offset": "+00:00",
        "duration": duration_hours,
    }
