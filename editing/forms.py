"""Forms that never lose an editor's work and never write back what they did not touch.

Each conflict-checked form carries, in one hidden field (``loaded``), the values
its row held when the editor opened it: the *base*. On save each field is one of

- unchanged by this editor: nothing is written to it, so whatever is saved now
  (perhaps another editor's change) stays;
- changed by this editor only: written;
- changed by both, to different values: a conflict. The form shows both values
  side by side and the editor picks one; the other stays in the history.

Only the fields this editor changed are written (``update_fields``), so a save
that changes nothing writes nothing. Inline rows and matrix cells work the same
way, and a row somebody else deleted meanwhile is reported, not an error.
"""

import datetime
import functools
import json
from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.signals import post_save
from django.forms.models import InlineForeignKeyField
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from .history import last_change

LOADED = "loaded"


def canonical(value):
    """A value in a form that compares equal exactly when an editor would say so."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(canonical(item) for item in value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.replace(microsecond=0).isoformat()  # forms show whole seconds
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        # Browsers send textareas with CRLF; forms strip surrounding space.
        return value.replace("\r\n", "\n").strip()
    return value


def saved_value(row, field):
    """The canonical value of model ``field`` on ``row``."""
    if field.many_to_many:
        return sorted(related.pk for related in getattr(row, field.name).all())
    if field.is_relation:
        return getattr(row, field.attname)
    return canonical(field.value_from_object(row))


def python_value(row, field):
    """The value of ``field`` on ``row`` as a form's cleaned data holds it."""
    if field.many_to_many:
        return list(getattr(row, field.name).all())
    if field.is_relation:
        return getattr(row, field.name)
    return field.value_from_object(row)


def shown(field, value):
    """A value as an editor reads it, for the side-by-side conflict view."""
    if field.many_to_many:
        return "; ".join(str(item) for item in value) or "none"
    if value in (None, "", []):
        return "empty"
    if field.choices and not field.is_relation:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


class LoadedField(forms.CharField):
    """The row as the editor loaded it (JSON); never a change in itself."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)

    def has_changed(self, initial, data):
        return False


class ConflictCheckedForm(forms.ModelForm):
    """A model form that writes only what its editor changed (see the module text)."""

    loaded = LoadedField()

    # Inline rows and matrix cells the editor did not touch are not validated
    # at all: a page of a hundred rows would otherwise cost queries per row.
    skip_untouched = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.changes = None  # after clean(): the fields this editor changed
        self._shown = {}  # html name -> value to show instead of the submitted one
        if not self.is_bound and self.instance.pk:
            row = self.saved_row()
            if row is not None:
                self.initial[LOADED] = json.dumps(self.values_of(row))

    # --- What is compared --------------------------------------------------------

    def tracked(self):
        """(name, model field) for every form field that edits the row.

        Not the primary key, nor an inline's link to its page: they say which
        row this is, they are not part of what the editor edits.
        """
        opts = self._meta.model._meta
        for name, form_field in self.fields.items():
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.primary_key or isinstance(form_field, InlineForeignKeyField):
                continue
            if field.concrete or field.many_to_many:
                yield name, field

    def values_of(self, row):
        return {name: saved_value(row, field) for name, field in self.tracked()}

    def saved_row(self):
        """The row as saved now.

        A form bound to a row just read from the database uses it as it is; a
        revert form is filled from a historical copy (never loaded), so the
        saved row is read afresh.
        """
        if self.instance._state.db is not None:
            return self.instance
        return self._meta.model._default_manager.filter(pk=self.instance.pk).first()

    def base(self):
        """The values the editor loaded, or None if the form did not say."""
        try:
            base = json.loads(self.data.get(self.add_prefix(LOADED)) or "null")
        except ValueError:
            return None
        return base if isinstance(base, dict) else None

    # --- Validation --------------------------------------------------------------

    def untouched(self):
        """Whether the editor left every field as loaded (compared without queries)."""
        base = self.base()
        if base is None or ("DELETE" in self.fields and self["DELETE"].data):
            return False
        for name, field in self.tracked():
            loaded = base.get(name)
            if not field.is_relation:
                try:
                    loaded = field.to_python(loaded)
                except ValidationError:
                    return False
            if self.fields[name].has_changed(loaded, self[name].data):
                return False
        return True

    def full_clean(self):
        vanished = getattr(self, "vanished", None)
        if self.is_bound and (
            vanished or (self.skip_untouched and self.instance.pk and self.untouched())
        ):
            self._errors = ErrorDict()
            # What formset-wide checks read: the row as saved (relations come
            # preloaded with the row, so this costs no query).
            self.cleaned_data = {} if vanished else {
                name: python_value(self.instance, field) for name, field in self.tracked()
            }  # fmt: skip
            self.changes = []
            return
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        row = self.saved_row()
        if row is None:
            raise ValidationError(
                "Someone deleted this %(what)s after you opened it, so nothing was saved. "
                "It can be restored from its list's “Deleted” page.",
                params={"what": self._meta.model._meta.verbose_name},
                code="deleted",
            )
        fields = dict(self.tracked())
        names = [name for name in fields if name in cleaned]
        theirs = self.values_of(row)
        base = self.base() or theirs
        changes, conflicts = [], []
        for name in names:
            mine, loaded = canonical(cleaned[name]), base.get(name, theirs[name])
            keep = self.data.get(self.add_prefix(f"keep-{name}"))
            if keep == "theirs" or mine in (loaded, theirs[name]):
                continue
            if theirs[name] != loaded or keep == "":
                conflicts.append(name)  # both changed it, or asked and not answered
            else:
                changes.append(name)
        self.changes = changes
        mine = {name: cleaned[name] for name in conflicts}
        for name in names:
            if name not in changes and canonical(cleaned[name]) != theirs[name]:
                cleaned[name] = python_value(row, fields[name])  # keep what is saved
        if conflicts:
            self._ask_which(row, fields, names, mine, theirs)
        return cleaned

    def _ask_which(self, row, fields, names, mine, theirs):
        """Show both values of each conflicting field and ask which to keep."""
        for name in names:  # theirs, except where this editor changed it
            value = mine[name] if name in mine else self.cleaned_data[name]
            self._shown[self[name].html_name] = value
        self._shown[self[LOADED].html_name] = json.dumps(theirs)
        for name, value in mine.items():
            field = fields[name]
            who, when = last_change(row, name)
            saved_by = (
                format_html(
                    "Saved by {} at {}",
                    who or "someone",
                    f"{timezone.localtime(when):%H:%M on %d %b}",
                )
                if when
                else "Saved now"
            )
            keep = self.add_prefix(f"keep-{name}")
            self.add_error(
                name,
                ValidationError(
                    format_html(
                        '<span class="conflict" role="group" aria-label="Which {} to keep">'
                        '<span class="conflict-note">Someone else changed this while you were '
                        "editing. Choose the value to keep; the other stays in the history."
                        '</span><input type="hidden" name="{}" value="">'
                        '<span class="conflict-values">'
                        '<label class="conflict-choice"><span class="conflict-who">'
                        '<input type="radio" name="{}" value="theirs"> {}</span>'
                        '<span class="conflict-value">{}</span></label>'
                        '<label class="conflict-choice"><span class="conflict-who">'
                        '<input type="radio" name="{}" value="mine"> Yours</span>'
                        '<span class="conflict-value">{}</span></label></span></span>',
                        field.verbose_name,
                        keep,
                        keep,
                        saved_by,
                        Truncator(shown(field, python_value(row, field))).chars(4000),
                        keep,
                        Truncator(shown(field, value)).chars(4000),
                    ),
                    code="conflict",
                ),
            )
        self.add_error(
            None,
            ValidationError(
                "Someone else saved this %(what)s while you were editing. Their changes to "
                "other fields are kept, and so are yours. Where you both changed a field, "
                "choose which value to keep, then save again.",
                params={"what": self._meta.model._meta.verbose_name},
                code="conflict",
            ),
        )

    def _widget_data_value(self, widget, html_name):
        if html_name in self._shown:
            return self._shown[html_name]
        return super()._widget_data_value(widget, html_name)

    # --- Saving --------------------------------------------------------------------

    def has_changed(self):
        if self.changes is not None and self.instance.pk:
            return bool(self.changes)
        return super().has_changed()

    @property
    def changed_data(self):
        if self.changes is not None and self.instance.pk:
            return list(self.changes)
        return super().changed_data

    def update_fields(self):
        """The columns a save of an existing row writes: what this editor changed."""
        opts = self._meta.model._meta
        names = [name for name in self.changes if not opts.get_field(name).many_to_many]
        if self.changes:
            names += [
                field.name
                for field in opts.concrete_fields
                if getattr(field, "auto_now", False) and field.name not in names
            ]
        return names

    def save_changes(self):
        """Write this editor's changes to the saved row, as one save with one history entry.

        Links (sources) are set first and without history of their own, so the
        row's single history entry records the new links with the new values.
        """
        instance = self.instance
        links = [
            name for name, field in self.tracked() if field.many_to_many and name in self.changes
        ]
        if links:
            instance.skip_history_when_saving = True
            try:
                for name in links:
                    instance._meta.get_field(name).save_form_data(instance, self.cleaned_data[name])
            finally:
                del instance.skip_history_when_saving
        fields = self.update_fields()
        if fields:
            instance.save(update_fields=fields)
        elif links:  # a row without a timestamp: announce the change of links
            post_save.send(sender=type(instance), instance=instance, created=False,
                           update_fields=None, raw=False, using=instance._state.db)  # fmt: skip
        self._links_saved = True

    def save(self, commit=True):
        if not commit or self.changes is None or self.instance._state.adding:
            return super().save(commit)
        self.save_changes()
        return self.instance

    def _save_m2m(self):
        if self.changes is None or self.instance._state.adding:
            return super()._save_m2m()
        if not getattr(self, "_links_saved", False):
            self.save_changes()


class InlineConflictCheckedForm(ConflictCheckedForm):
    """An inline row or matrix cell: saved, and validated, only when changed."""

    skip_untouched = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance._state.db is not None:
            _label_known_choices(self)


class KnownLabels:
    """Autocomplete widgets that label their selected options from rows already loaded.

    Django's autocomplete widgets query the selected options' labels, one query
    per widget: a page of a hundred rows would cost a hundred queries. A row
    read with its relations (select_related, prefetch_related) already has them.
    """

    known = None  # {str(pk): label}

    def get_url(self):
        return _autocomplete_url(self.url_name % self.admin_site.name)

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or not set(selected) <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in selected:
            options.append(
                self.create_option(name, pk, self.known[pk], set(selected), len(options))
            )
        return [(None, options, 0)]


@functools.cache
def _autocomplete_url(name):
    return reverse(name)


class KnownLabelsSelect(KnownLabels, AutocompleteSelect):
    pass


class KnownLabelsSelectMultiple(KnownLabels, AutocompleteSelectMultiple):
    pass


def _label_known_choices(form):
    for name, field in form.tracked():
        widget = getattr(form.fields[name].widget, "widget", form.fields[name].widget)
        if not isinstance(widget, KnownLabels):
            continue
        if field.many_to_many:
            related = getattr(form.instance, name).all()
        elif field.is_relation and field.is_cached(form.instance):
            related = [getattr(form.instance, name)]
        else:
            continue
        widget.known = {str(item.pk): str(item) for item in related if item is not None}


class VanishedRows:
    """A formset mixin: a row deleted by someone else meanwhile is skipped and named.

    Django would fail such a form on its hidden id ("Select a valid choice"),
    blocking the whole save with nothing marked. Here its form is left empty and
    unsaved, and ``vanished()`` says what it was so the page can tell the editor.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound and i < self.initial_form_count() and form.instance.pk is None:
            form.vanished = self.data.get(f"{self.add_prefix(i)}-{self.model._meta.pk.name}")
        return form

    def vanished(self):
        """One sentence per row somebody deleted while this editor had it open."""
        sentences = []
        for form in self.initial_forms:
            pk = getattr(form, "vanished", None)
            if not pk or not str(pk).isdigit():
                continue
            record = (
                self.model.history.filter(**{self.model._meta.pk.attname: pk}, history_type="-")
                .select_related("history_user")
                .order_by("-history_date")
                .first()
            )
            if record is None:
                continue
            sentences.append(
                f"“{record.instance}” was deleted by {record.history_user or 'someone'} at "
                f"{timezone.localtime(record.history_date):%H:%M} while you were editing, so "
                "your changes to it were not saved. Restore it from its “Deleted” list to "
                "edit it again."
            )
        return sentences
