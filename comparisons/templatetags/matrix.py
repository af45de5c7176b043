"""The fact matrix's cells, built in Python: a page holds dozens of whole-row forms,
and building each through nested includes costs more than its widgets."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def matrix_cell(form, single=False):
    """One cell: its main input, then the rest of the fact under "details"."""
    hidden = format_html_join("", "{}", ((field,) for field in form.hidden_fields()))
    main, *rest = form.visible_fields()
    instance = form.instance
    summary = instance.via if getattr(instance, "via", "") else "Details"
    if instance.verified_on:
        summary = f"{summary} · checked {instance.verified_on:%b %Y}"
    elif instance.pk:
        summary = f"{summary} · never checked"
    errors = form.non_field_errors()
    return format_html(
        '{}{}<div class="cell-main">{}{}</div><details class="cell-more"{}>'
        '<summary>{}</summary><div class="cell-fields">{}</div></details>',
        hidden,
        format_html('<div class="cell-error">{}</div>', errors) if errors else "",
        main,
        main.errors,
        " open" if form.errors or single else "",
        summary,
        format_html_join(
            "",
            '<label class="cell-field"><span>{}</span>{}</label>{}',
            ((field.label, field, field.errors) for field in rest),
        ),
    )
