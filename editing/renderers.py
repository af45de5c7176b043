"""A form renderer that writes Django's plain widget templates in Python.

The editors' big pages (the fact matrix, a framework with its inline rows)
hold hundreds of inputs and empty error lists. Through the template engine
each costs a few hundred microseconds, most of the page's time; the same HTML
written here costs a small fraction. Any other template (the admin's own
widgets, markdownx's editor, whole forms) renders from its template as before.
``tests/test_renderer.py`` checks that both give the same HTML.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _text(value):
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs):
    # django/forms/widgets/attrs.html
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget):
    kind, name, attrs = _text(widget["type"]), _text(widget["name"]), _attrs(widget["attrs"])
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{kind}" name="{name}"{value}{attrs}>'


def _textarea(widget):
    name, attrs = _text(widget["name"]), _attrs(widget["attrs"])
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{name}"{attrs}>\n{value}</textarea>'


def _option(option):
    value, attrs, label = _text(option["value"]), _attrs(option["attrs"]), _text(option["label"])
    return f'<option value="{value}"{attrs}>{label}</option>'


def _select(widget):
    name, attrs = _text(widget["name"]), _attrs(widget["attrs"])
    parts = [f'<select name="{name}"{attrs}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            label = _text(group_name)
            parts.append(f'\n  <optgroup label="{label}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None  # an option with a template of its own: render normally
            parts.append(f"\n  {_option(option)}\n")  # the included template ends a line
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _error_list(errors, error_class):
    # django/forms/errors/list/ul.html (and default.html, which includes it)
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_attr = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(error_class)}"{id_attr}>{items}</ul>'


_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "search", "tel", "color", "checkbox",
    )
}  # fmt: skip
_WIDGETS = {
    **dict.fromkeys(_INPUTS, _input),
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}
_ERROR_LISTS = {"django/forms/errors/list/ul.html", "django/forms/errors/list/default.html"}


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in _WIDGETS and "widget" in context:
            html = _WIDGETS[template_name](context["widget"])
            if html is not None:
                return html
        elif template_name in _ERROR_LISTS and "errors" in context:
            return _error_list(context["errors"], context.get("error_class", ""))
        return super().render(template_name, context, request)
