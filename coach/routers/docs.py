"""`/docs`: the API reference as a plain HTML page rendered from the OpenAPI document, without scripts.

FastAPI's Swagger UI and ReDoc load their scripts from a CDN: on a machine without internet they stay blank, and
they would need a looser Content-Security-Policy. This page needs nothing but the service itself; `/redoc` leads
here and `/openapi.json` stays the machine-readable contract.
"""

from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import RedirectResponse

from coach.routers.templating import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the OpenAPI document, flattened for the template."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            refs = [option.get("$ref", "") for option in body.get("oneOf", [body])]
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": [ref.rsplit("/", 1)[-1] for ref in refs if ref],
                    "responses": sorted(operation.get("responses", {}).items()),
                }
            )
    return found


@router.get("/docs")
def api_docs(request: Request) -> Response:
    document = request.app.openapi()
    context = {"document": document, "operations": operations(document)}
    return render(request, "api_docs.html", context)


@router.get("/redoc")
def redoc() -> RedirectResponse:
    return RedirectResponse("/docs", status_code=status.HTTP_308_PERMANENT_REDIRECT)
