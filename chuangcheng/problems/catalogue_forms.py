"""Forms of the catalogue pages. They parse fields (labels from the models); the rules — unique
codes, levels, departments of the area — live in ``catalogue``. No form here saves itself."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from chuangcheng.problems.catalogue import TEMPLATE_ACTIONS
from chuangcheng.problems.forms import area_units
from chuangcheng.problems.models import Category, DeadlineRule, NoteTemplate


class SmallClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj}"


def small_classes(area):
    return (
        Category.objects.filter(area=area, parent__isnull=False)
        .select_related("parent")
        .order_by("-is_active", "category_class", "parent__code", "code")
    )


def at_least_one(field):
    """A time limit of zero means nothing; refuse it at the field (the model allows 0)."""
    field.min_value = 1
    field.validators.append(MinValueValidator(1))
    field.widget.attrs["min"] = 1


class SortOrderOptional(forms.ModelForm):
    """The sort order may be left empty (0: by code)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort_order"].required = False

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class BigClassForm(SortOrderOptional):
    class Meta:
        model = Category
        fields = ["code", "name", "category_class", "sort_order", "is_active"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area


class SmallClassForm(SortOrderOptional):
    class Meta:
        model = Category
        fields = [
            "parent",
            "code",
            "name",
            "time_limit",
            "time_unit",
            "responsible_unit",
            "needs_photo",
            "sort_order",
            "is_active",
        ]

    def __init__(self, *args, area, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        big = Category.objects.filter(area=area, parent__isnull=True)
        if current is not None and current.parent_id:
            big = big.filter(is_active=True) | big.filter(pk=current.parent_id)
        else:
            big = big.filter(is_active=True)
        self.fields["parent"].queryset = big.order_by("category_class", "sort_order", "code")
        self.fields["parent"].required = True
        self.fields["parent"].empty_label = None
        self.fields["responsible_unit"].queryset = area_units(area)
        at_least_one(self.fields["time_limit"])
        self.fields["time_limit"].help_text = _(
            "Empty: the campaign's rule for the problem's severity applies."
        )


class DeadlineRuleForm(forms.ModelForm):
    category = SmallClassChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    class Meta:
        model = DeadlineRule
        fields = ["category", "severity", "amount", "unit"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["category"].queryset = small_classes(area)
        self.fields["category"].empty_label = _("All categories")
        at_least_one(self.fields["amount"])


class NoteTemplateForm(SortOrderOptional):
    category = SmallClassChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("Empty: offered for problems of every category."),
    )

    class Meta:
        model = NoteTemplate
        fields = ["action", "category", "text", "sort_order"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["action"].choices = [(a.value, a.label) for a in TEMPLATE_ACTIONS]
        self.fields["category"].queryset = small_classes(area).filter(is_active=True)
        self.fields["category"].empty_label = _("All categories")
