from django.core.exceptions import ValidationError


def add_validation_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors next to their fields, the rest
    at the top (UI.md "Forms": errors next to the field and summarised at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
