"""The framework's own refusals, documented on every operation they can reach.

Besides the errors a view declares (`Blueprint.errors`) and its access rule's
refusals, a request can be refused before it reaches either: a path argument
that names no row (404 `not_found`, e.g. an id beyond the integer range), and
for an operation that takes a JSON body, a body that is not JSON (400
`malformed_json`), too large (413 `payload_too_large`) or of another type (415
`unsupported_media_type`). This apispec plugin adds those codes to each
operation's responses as its path is registered.
"""

from http import HTTPStatus

from apispec import BasePlugin

FOR_PATH_ARGUMENTS = {404: {"not_found": "Not found."}}
FOR_JSON_BODIES = {
    400: {"malformed_json": "The request body is not valid JSON."},
    413: {"payload_too_large": "The request body is too large."},
    415: {"unsupported_media_type": "Send the body as application/json."},
}


class FrameworkErrors(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if "{" in (path or ""):
                _add(responses, FOR_PATH_ARGUMENTS)
            if any(p.get("in") == "body" for p in operation.get("parameters", [])) or "requestBody" in operation:
                _add(responses, FOR_JSON_BODIES)


def _add(responses: dict, codes_by_status: dict) -> None:
    for status, codes in codes_by_status.items():
        response = responses.get(status) or responses.get(str(status))
        if response is None or isinstance(response, str):  # absent, or a shared component
            responses[status] = HTTPStatus(status).name if response is None else response
            continue
        description = response.get("description", "")
        listed = description.partition("code: ")[2].split(", ") if "code: " in description else []
        new = [code for code in codes if code not in listed]
        if not new:
            continue
        response["description"] = (f"{description}, {', '.join(new)}" if listed
                                   else f"{HTTPStatus(status).phrase}. code: {', '.join(new)}")
        examples = response.setdefault("content", {}).setdefault("application/json", {}).setdefault("examples", {})
        for code in new:
            examples[code] = {"value": {"status": status, "code": code, "message": codes[code], "errors": {}}}
