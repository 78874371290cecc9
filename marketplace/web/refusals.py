"""A service's refusal shown on a page: field errors beside the form's fields
(when the service names a field the form has), the message in the summary."""

from marketplace.errors import DomainError, translate_message


def show_refusal(form, error: DomainError) -> str:
    """Put the refusal's field errors on `form`; return its message, translated."""
    for location in (getattr(error, "errors", None) or {}).values():
        fields = location if isinstance(location, dict) else {}
        for name, messages in fields.items():
            field = getattr(form, name, None) if form is not None else None
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, *(translate_message(m) for m in messages)]
    return translate_message(str(error))
