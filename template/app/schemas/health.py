"""Bodies of the health endpoints."""

from typing import Literal

from pydantic import BaseModel

CheckResult = Literal["ok", "degraded", "disabled", "unavailable", "unmigrated"]


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """Readiness: the dependencies answer too."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, CheckResult]
