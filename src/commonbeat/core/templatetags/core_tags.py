from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def path_in_language(context, language: str) -> str:
    """The current page in another language (same path, with or without the /es/ prefix)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag
def field_widget(field):
    """The field's input with USWDS classes and aria-describedby pointing at its hint and error."""
    css = {"select": "usa-select", "textarea": "usa-textarea"}.get(field.widget_type, "usa-input")
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        css += " usa-input--error"
        described_by.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def page_query(context, number: int) -> str:
    """The current query string with `page` set to `number`, so paging keeps the filters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
