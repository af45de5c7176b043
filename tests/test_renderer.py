"""editing.renderers.FastRenderer writes the same HTML as Django's widget templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe

from editing.renderers import FastRenderer

TRICKY = 'Fish & "chips" <b>'

WIDGETS = [
    (forms.TextInput(attrs={"size": 10, "required": True, "disabled": False}), TRICKY),
    (forms.TextInput(attrs={"aria-label": mark_safe("a &amp; b")}), None),
    (forms.NumberInput(), 3),
    (forms.EmailInput(), "a@example.org"),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.HiddenInput(), '{"a": "b"}'),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), datetime.date(2026, 11, 22)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.Textarea(attrs={"rows": 2}), "Line one\r\nLine <two>"),
    (forms.Textarea(), ""),
    (forms.Select(choices=[("a", "A & a"), ("b", TRICKY)]), "b"),
    (forms.Select(choices=[("Group <1>", [("x", "X")]), ("y", "Y")]), "x"),
    (forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]), [1, 3]),
    (forms.NullBooleanSelect(), None),
    (forms.MultipleHiddenInput(), ["1", "2"]),
    (forms.RadioSelect(choices=[("a", "A")]), "a"),  # its own templates: rendered normally
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_widgets_render_the_same_html_as_their_templates(widget, value):
    attrs = {"id": "id_field"}
    slow = widget.render("field", value, attrs, renderer=DjangoTemplates())
    fast = widget.render("field", value, attrs, renderer=FastRenderer())
    assert fast == slow


@pytest.mark.parametrize(
    "errors",
    [[], ["One problem."], [TRICKY, mark_safe("<em>Safe</em> markup")]],
)
def test_error_lists_render_the_same_html_as_their_templates(errors):
    slow = ErrorList(errors, renderer=DjangoTemplates())
    fast = ErrorList(errors, renderer=FastRenderer())
    assert str(fast) == str(slow)
    slow.field_id = fast.field_id = "id_title"
    assert str(fast) == str(slow)
    assert fast.as_ul() == slow.as_ul()


def test_a_whole_form_renders_the_same(db):
    from comparisons.models import Support

    class SupportForm(forms.ModelForm):
        class Meta:
            model = Support
            fields = ["level", "via", "via_url", "note", "verified_on"]

    form = SupportForm(data={"level": "nope", "via": TRICKY})
    form.is_valid()
    assert form.render(renderer=FastRenderer()) == form.render(renderer=DjangoTemplates())
