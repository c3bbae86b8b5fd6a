"""The OpenAPI schema says what every operation may answer besides success, as API.md describes it: field errors
(400), not signed in (401), not allowed (403), not found (404), a state or race conflict on writes (409), throttled
(429), and for a customer's dossier the ETag it carries, the If-Match it honours and 412 when that tag is stale.
Generated clients then know every status they can get and its body."""

from typing import Any

ERROR = {
    "type": "object",
    "description": "An error that concerns the whole request.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": 'Field errors: each field (or "non_field_errors", or a nested section) with its messages.',
    "additionalProperties": {},
}
DOSSIER = "/api/v1/customers/{code}/"
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": 'The dossier\'s version, e.g. "v3".'}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The ETag the client read ("v3"); a stale or weak tag gets 412 and changes nothing.',
}
WRITES = {"post", "put", "patch"}


def _error(description: str, schema: str = "Error") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _statuses(path: str, method: str) -> dict[str, dict]:
    statuses = {
        "401": _error("Not signed in: no or an unknown token."),
        "403": _error("The caller's role may not do this to this resource."),
        "429": _error("Too many requests; retry after the Retry-After header's seconds."),
    }
    statuses["404"] = _error("No such resource, not one the caller may see, or a cursor that is not ours.")
    statuses["400"] = _error("The input or a query parameter is invalid; nothing was written.", "FieldErrors")
    if path == DOSSIER and method in {"put", "patch", "delete"}:
        statuses["412"] = _error("If-Match names an older version of the dossier; nothing was written.")
    if method in WRITES | {"delete"}:
        statuses["409"] = _error("The resource's state does not allow this, or another request won a race; retry.")
    return statuses


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"], schemas["FieldErrors"] = ERROR, FIELD_ERRORS
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, response in _statuses(path, method).items():
                responses.setdefault(status, response)
            if path != DOSSIER:
                continue
            if method in {"put", "patch", "delete"}:
                operation.setdefault("parameters", []).append(IF_MATCH)
            for status in ("200", "201"):
                if status in responses:
                    responses[status].setdefault("headers", {}).update(ETAG_HEADER)
    return result
