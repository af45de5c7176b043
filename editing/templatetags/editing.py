from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def inline_cells(form):
    """The cells of a tabular inline row (admin/editing/tabular.html), built in Python:
    a framework's page holds dozens of rows, and template loops cost more than widgets."""
    return format_html_join(
        "",
        '<td class="field-{}">{}{}</td>',
        (
            (field.name, field.errors, field)
            for field in form.visible_fields()
            if field.name != "DELETE"
        ),
    )
