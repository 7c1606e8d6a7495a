"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import CacheDep, DatabaseDep
from app.schemas.health import CheckResult, Health, Readiness

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    summary="Liveness probe",
    response_description="The process is up; nothing else is checked",
)
async def health() -> Health:
    return Health()


@router.get(
    "/ready",
    summary="Readiness probe",
    response_description="The database answers; the cache state is reported",
    responses={503: {"model": Readiness, "description": "The database is unavailable"}},
)
async def ready(database: DatabaseDep, cache: CacheDep) -> JSONResponse:
    checks: dict[str, CheckResult] = {
        "database": await database.check(),
        "cache": "disabled" if cache is None else await cache.health(),
    }
    ok = checks["database"] == "ok"
    body = Readiness(status="ok" if ok else "unavailable", checks=checks)
    return JSONResponse(status_code=200 if ok else 503, content=body.model_dump())
