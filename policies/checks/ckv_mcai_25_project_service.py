"""CKV_MCAI_25: destroying a stack never switches a Google API off for the whole project.

google_project_service's `disable_on_destroy` defaults to true (google 6.50 project_service docs):
destroying the stack that enabled an API disables it project-wide, breaking every other stack and
cluster of the project that uses it. Rule: `disable_on_destroy = false`, and
`disable_dependent_services` not true.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, scalar


class ProjectService(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_25")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        found = []
        if scalar(conf.get("disable_on_destroy")) is not False:
            found.append(
                "disable_on_destroy is not false: destroying this stack disables the API project-wide"
            )
        if scalar(conf.get("disable_dependent_services")) is True:
            found.append("disable_dependent_services is true")
        return found


check = ProjectService()
