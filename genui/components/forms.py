"""Form components: a ``Form`` that runs a declared action, and the fields inside it.

A ``Form`` bound to one of the application's actions (see :class:`genui.Actions`) is a
``<form method="post">`` to the app's action endpoint with the signed envelope in a hidden
field: it works without JavaScript, and the fields' constraints are HTML attributes the
browser checks before sending (the app's ``inputs`` model checks them again on submit).
Without a binding — no action, or a render without a surface to sign for — the form is
shown inert, its fields disabled.

The fields (``TextInput``, ``TextArea``, ``Select``, ``Checkbox``, ``RadioGroup``) live
only in a ``Form``. Each has a visible label bound to its control, optional help text, and
an error element the control's ``aria-describedby`` names; after a refused submission the
renderer gives each field what was sent and why it was refused (``Element.feedback``), and
the first invalid field takes the focus. There is no ``pattern`` prop: an agent-written
regular expression would be a denial-of-service and injection surface.

Every rule on these props is one the catalog's JSON Schema states, so what a model
constrained by it writes is valid. Rules between props follow HTML instead: a constraint
that does not apply to a field's kind (``min_length`` on a number, a date ``min`` on a
number) is not written, as a browser would ignore it; a ``value`` that is none of the
options chooses nothing; of options with the same value, the first is the one chosen.
The app's ``inputs`` model is what decides on submit.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, TypeAlias

from pydantic import Field

from genui.actions import ActionRef
from genui.components.base import PropsModel
from genui.htmltext import escape_html, format_number
from genui.registry import Component
from genui.writing import Element, FieldFeedback

__all__ = [
    "CHECKBOX",
    "FIELD_COMPONENTS",
    "FORM",
    "RADIO_GROUP",
    "SELECT",
    "TEXT_AREA",
    "TEXT_INPUT",
    "Autocomplete",
    "CheckboxProps",
    "FormProps",
    "InputKind",
    "Option",
    "RadioGroupProps",
    "SelectProps",
    "TextAreaProps",
    "TextInputProps",
]

FieldName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
"""A field's submitted name: an ASCII identifier of up to 64 characters (never the
envelope's field, ``genui-action``, which has a hyphen)."""
Label = Annotated[str, Field(min_length=1, max_length=200)]
"""A field's visible label."""
ShortText = Annotated[str, Field(max_length=200)]
"""A placeholder or an option's value."""
HelpText = Annotated[str, Field(max_length=1_000)]
"""Help text shown under a field."""
Length = Annotated[int, Field(ge=0, le=100_000)]
"""A minimum or maximum number of characters."""
IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
"""A calendar date, ``YYYY-MM-DD``."""
Number: TypeAlias = int | float
"""A number prop."""
PositiveNumber: TypeAlias = Annotated[int, Field(gt=0)] | Annotated[float, Field(gt=0)]
"""A number above zero (the bound on each member: JSON Schema has it on both)."""

InputKind = Literal["text", "email", "number", "tel", "url", "date"]
"""What a TextInput asks for (its HTML ``type``)."""
Autocomplete = Literal[
    "off",
    "on",
    "name",
    "given-name",
    "family-name",
    "email",
    "tel",
    "street-address",
    "postal-code",
    "country",
    "organization",
    "username",
    "bday",
]
"""An HTML autofill token: what the browser may fill the field with."""

_TEXT_KINDS: Final = frozenset({"text", "email", "tel", "url"})
_REQUIRED_MARK: Final = '<span class="genui-field__required" aria-hidden="true">*</span>'


class Option(PropsModel):
    """One choice of a Select or a RadioGroup."""

    value: Annotated[str, Field(min_length=1, max_length=200)]
    """What is submitted when this option is chosen."""
    label: Label
    """What the person sees."""


def _chosen(options: list[Option], value: str | None) -> int | None:
    """The position of the first option whose value is ``value`` (``None``: none is)."""
    return next((i for i, option in enumerate(options) if option.value == value), None)


# ----------------------------------------------------------------------------------------
# Form
# ----------------------------------------------------------------------------------------


class FormProps(PropsModel):
    """A form whose submit runs one of the application's declared actions."""

    action: ActionRef | None = None
    """The declared action submitting the form runs: `{"name": ..., "params": {...}}` (the
    app's catalog lists the actions, their params and the inputs they read). Name each field
    after one of the action's inputs. Without an action the form is shown disabled."""
    submit_label: Label | None = None
    """The submit button's text (default `Submit`)."""
    title: Label | None = None
    """A heading shown at the top of the form, and its accessible name."""


def _form(element: Element[FormProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    base = element.dom_id
    heading = labelled = ""
    if props.title is not None:
        labelled = f' aria-labelledby="{base}-title"'
        heading = f'<h3 class="genui-form__title" id="{base}-title">{escape_html(props.title)}</h3>'
    message = element.feedback.error if element.feedback is not None else None
    summary = (
        f'<div class="genui-form__summary" role="alert" id="{base}-summary" hidden></div>'
        if message is None
        else f'<div class="genui-form__summary" role="alert" id="{base}-summary">'
        f"{escape_html(message)}</div>"
    )
    label = escape_html(props.submit_label if props.submit_label is not None else "Submit")
    body = f'{heading}{summary}<div class="genui-form__body">{element.children}</div>'
    binding = element.action
    if binding is None:  # nothing to post to: shown, but nothing in it can be used
        return (
            f'<div class="{cls} genui-form--inert"{ident}{labelled}>'
            f'<fieldset class="genui-form__fieldset" disabled>{body}'
            '<div class="genui-form__actions"><button class="genui-button'
            f' genui-button--primary" type="button" disabled>{label}</button></div>'
            "</fieldset></div>"
        )
    return (
        f'<form class="{cls}"{ident}{binding.form_attrs()} data-genui-action{labelled}>'
        f"{binding.hidden_input()}{body}"
        '<div class="genui-form__actions"><button class="genui-button genui-button--primary"'
        f' type="submit">{label}</button></div></form>'
    )


# ----------------------------------------------------------------------------------------
# what every field writes
# ----------------------------------------------------------------------------------------


def _label_text(label: str, required: bool) -> str:
    return escape_html(label) + (_REQUIRED_MARK if required else "")


def _described(base: str, help_text: str | None, feedback: FieldFeedback | None) -> str:
    """The control's ``aria-describedby`` (help, error) and, when refused, ``aria-invalid``."""
    described = f"{base}-help {base}-error" if help_text is not None else f"{base}-error"
    invalid = feedback is not None and feedback.error is not None
    return f' aria-describedby="{described}"' + (' aria-invalid="true"' if invalid else "")


def _autofocus(feedback: FieldFeedback | None) -> str:
    """`` autofocus`` on the form's first invalid field: the focus moves there, no script."""
    first = feedback is not None and feedback.error is not None and feedback.first
    return " autofocus" if first else ""


def _notes(base: str, help_text: str | None, feedback: FieldFeedback | None) -> str:
    """The help paragraph (when there is help) and the error paragraph (always)."""
    notes = ""
    if help_text is not None:
        notes = f'<p id="{base}-help" class="genui-field__help">{escape_html(help_text)}</p>'
    error = feedback.error if feedback is not None else None
    if error is None:
        return notes + f'<p id="{base}-error" class="genui-field__error" hidden></p>'
    return notes + f'<p id="{base}-error" class="genui-field__error">{escape_html(error)}</p>'


def _submitted(feedback: FieldFeedback | None, initial: str | None) -> str | None:
    """The value to show: what was submitted (after a refused submission), else ``initial``."""
    if feedback is None:
        return initial
    return feedback.values[0] if feedback.values else None


def _number_or_text(value: str | int | float | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return format_number(value)


def _attr(name: str, value: str | int | float | None) -> str:
    """`` name="value"``, escaped (numbers as JavaScript prints them), or nothing."""
    text = _number_or_text(value)
    return "" if text is None else f' {name}="{escape_html(text)}"'


# ----------------------------------------------------------------------------------------
# TextInput
# ----------------------------------------------------------------------------------------


class TextInputProps(PropsModel):
    """A one-line input: text, an email address, a number, a phone number, a URL or a date."""

    name: FieldName
    """The name the value is submitted under: one of the action's inputs (letters, digits
    and `_`, starting with a letter)."""
    label: Label
    """The visible label, e.g. `Email address`."""
    kind: InputKind = "text"
    """What the field asks for: `text`, `email`, `number`, `tel`, `url` or `date`."""
    required: bool = False
    """Whether the field must be filled in."""
    placeholder: ShortText | None = None
    """An example value shown while the field is empty (not a replacement for the label)."""
    help: HelpText | None = None
    """Help text shown under the field."""
    value: str | int | float | None = None
    """The initial value."""
    min_length: Length | None = None
    """The fewest characters accepted (text, email, tel and url kinds; ignored by others)."""
    max_length: Length | None = None
    """The most characters accepted (text, email, tel and url kinds; ignored by others)."""
    min: Number | IsoDate | None = None
    """The smallest value: a number for the `number` kind, a `YYYY-MM-DD` date for `date`
    (ignored otherwise)."""
    max: Number | IsoDate | None = None
    """The largest value: a number for the `number` kind, a `YYYY-MM-DD` date for `date`
    (ignored otherwise)."""
    step: PositiveNumber | None = None
    """The granularity of a `number` (`1` for whole numbers, `0.01` for cents; ignored by
    other kinds)."""
    autocomplete: Autocomplete | None = None
    """What the browser may fill the field with (`email`, `name`, `postal-code`...)."""


def _bound(kind: InputKind, bound: int | float | str | None) -> int | float | str | None:
    """A ``min``/``max`` that fits the kind: a number for ``number``, a date for ``date``."""
    if kind == "number" and not isinstance(bound, str):
        return bound
    if kind == "date" and isinstance(bound, str):
        return bound
    return None


def _text_input(element: Element[TextInputProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    base = element.dom_id
    feedback = element.feedback
    shown = _submitted(feedback, _number_or_text(props.value))
    text = props.kind in _TEXT_KINDS
    constraints = (
        (" required" if props.required else "")
        + (
            _attr("minlength", props.min_length) + _attr("maxlength", props.max_length)
            if text
            else ""
        )
        + _attr("min", _bound(props.kind, props.min))
        + _attr("max", _bound(props.kind, props.max))
        + (_attr("step", props.step) if props.kind == "number" else "")
        + _attr("autocomplete", props.autocomplete)
        + _attr("placeholder", props.placeholder)
        + _attr("value", shown)
    )
    return (
        f'<div class="genui-field {cls}"{ident}>'
        f'<label class="genui-field__label" for="{base}">'
        f"{_label_text(props.label, props.required)}</label>"
        f'<input class="genui-field__control" id="{base}" name="{escape_html(props.name)}"'
        f' type="{props.kind}"{constraints}{_described(base, props.help, feedback)}'
        f"{_autofocus(feedback)}>"
        f"{_notes(base, props.help, feedback)}</div>"
    )


TEXT_INPUT = Component(
    "TextInput",
    TextInputProps,
    "genui/text_input.html",
    writer=_text_input,
    children="none",
    standalone=False,
    css_class="genui-text-input",
    description=(
        "A one-line field of a Form: text, email, number, tel, url or date (kind), with a"
        " label, optional help text and constraints (required, min_length/max_length, min/max"
        " and step for numbers, min/max dates for dates) the browser checks before sending."
        " Its name must be one of the Form action's inputs."
    ),
    example={
        "component": "TextInput",
        "props": {
            "name": "email",
            "label": "Email address",
            "kind": "email",
            "required": True,
            "autocomplete": "email",
            "help": "We send the confirmation here.",
        },
    },
)


# ----------------------------------------------------------------------------------------
# TextArea
# ----------------------------------------------------------------------------------------


class TextAreaProps(PropsModel):
    """A multi-line text field."""

    name: FieldName
    """The name the text is submitted under: one of the action's inputs (letters, digits
    and `_`, starting with a letter)."""
    label: Label
    """The visible label, e.g. `Message`."""
    required: bool = False
    """Whether the field must be filled in."""
    placeholder: ShortText | None = None
    """An example shown while the field is empty (not a replacement for the label)."""
    help: HelpText | None = None
    """Help text shown under the field."""
    value: str | None = None
    """The initial text."""
    min_length: Length | None = None
    """The fewest characters accepted."""
    max_length: Length | None = None
    """The most characters accepted."""
    rows: Annotated[int, Field(ge=1, le=20)] = 4
    """The visible height, in lines (1 to 20)."""


def _text_area(element: Element[TextAreaProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    base = element.dom_id
    feedback = element.feedback
    shown = _submitted(feedback, props.value)
    constraints = (
        (" required" if props.required else "")
        + _attr("minlength", props.min_length)
        + _attr("maxlength", props.max_length)
        + _attr("placeholder", props.placeholder)
    )
    # The line feed after the start tag is the one the parser drops: a value that starts
    # with a line feed keeps it.
    text = escape_html(shown) if shown is not None else ""
    return (
        f'<div class="genui-field {cls}"{ident}>'
        f'<label class="genui-field__label" for="{base}">'
        f"{_label_text(props.label, props.required)}</label>"
        f'<textarea class="genui-field__control" id="{base}" name="{escape_html(props.name)}"'
        f' rows="{props.rows}"{constraints}{_described(base, props.help, feedback)}'
        f"{_autofocus(feedback)}>\n"
        f"{text}</textarea>{_notes(base, props.help, feedback)}</div>"
    )


TEXT_AREA = Component(
    "TextArea",
    TextAreaProps,
    "genui/text_area.html",
    writer=_text_area,
    children="none",
    standalone=False,
    css_class="genui-text-area",
    description=(
        "A multi-line text field of a Form (a message, a comment, an address), with a label,"
        " optional help text, rows (its height) and min_length/max_length. Its name must be"
        " one of the Form action's inputs."
    ),
    example={
        "component": "TextArea",
        "props": {"name": "message", "label": "Message", "rows": 5, "max_length": 2000},
    },
)


# ----------------------------------------------------------------------------------------
# Select
# ----------------------------------------------------------------------------------------


class SelectProps(PropsModel):
    """A drop-down list: one choice among many."""

    name: FieldName
    """The name the chosen option's value is submitted under: one of the action's inputs."""
    label: Label
    """The visible label, e.g. `Country`."""
    required: bool = False
    """Whether a choice must be made."""
    help: HelpText | None = None
    """Help text shown under the field."""
    options: Annotated[list[Option], Field(min_length=1, max_length=200)]
    """The choices, in order (1 to 200; give each its own value: of options with the
    same value, only the first can be chosen)."""
    value: str | None = None
    """The value of the option chosen at first (a value none of the options has chooses
    nothing)."""
    placeholder: ShortText | None = None
    """Text of an empty first choice (e.g. `Choose a country`), chosen when no value is."""


def _select(element: Element[SelectProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    base = element.dom_id
    feedback = element.feedback
    chosen = _chosen(props.options, _submitted(feedback, props.value))
    parts = [
        f'<div class="genui-field {cls}"{ident}>'
        f'<label class="genui-field__label" for="{base}">'
        f"{_label_text(props.label, props.required)}</label>"
        f'<select class="genui-field__control" id="{base}" name="{escape_html(props.name)}"'
        f"{' required' if props.required else ''}{_described(base, props.help, feedback)}"
        f"{_autofocus(feedback)}>"
    ]
    if props.placeholder is not None:
        parts.append(f'<option value="">{escape_html(props.placeholder)}</option>')
    for position, option in enumerate(props.options):
        selected = " selected" if position == chosen else ""
        parts.append(
            f'<option value="{escape_html(option.value)}"{selected}>'
            f"{escape_html(option.label)}</option>"
        )
    parts.append(f"</select>{_notes(base, props.help, feedback)}</div>")
    return "".join(parts)


SELECT = Component(
    "Select",
    SelectProps,
    "genui/select.html",
    writer=_select,
    children="none",
    standalone=False,
    description=(
        "A drop-down choice of one option in a Form, for longer lists (for two to five"
        " options a RadioGroup shows them all). Options are {value, label} pairs; value picks"
        " the initial choice, placeholder adds an empty first choice. Its name must be one of"
        " the Form action's inputs."
    ),
    example={
        "component": "Select",
        "props": {
            "name": "country",
            "label": "Country",
            "placeholder": "Choose a country",
            "options": [
                {"value": "fr", "label": "France"},
                {"value": "de", "label": "Germany"},
                {"value": "it", "label": "Italy"},
            ],
        },
    },
)


# ----------------------------------------------------------------------------------------
# Checkbox
# ----------------------------------------------------------------------------------------


class CheckboxProps(PropsModel):
    """A single yes/no choice; submits `true` when checked, nothing otherwise."""

    name: FieldName
    """The name `true` is submitted under when checked: one of the action's inputs."""
    label: Label
    """The text beside the box, e.g. `Send me the newsletter`."""
    checked: bool = False
    """Whether the box is checked at first."""
    required: bool = False
    """Whether the box must be checked (to accept terms, for example)."""
    help: HelpText | None = None
    """Help text shown under the field."""


def _checkbox(element: Element[CheckboxProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    base = element.dom_id
    feedback = element.feedback
    checked = "true" in feedback.values if feedback is not None else props.checked
    return (
        f'<div class="genui-field {cls}"{ident}>'
        f'<input class="genui-checkbox__box" id="{base}" name="{escape_html(props.name)}"'
        f' type="checkbox" value="true"{" checked" if checked else ""}'
        f"{' required' if props.required else ''}{_described(base, props.help, feedback)}"
        f"{_autofocus(feedback)}>"
        f'<label class="genui-field__label" for="{base}">'
        f"{_label_text(props.label, props.required)}</label>"
        f"{_notes(base, props.help, feedback)}</div>"
    )


CHECKBOX = Component(
    "Checkbox",
    CheckboxProps,
    "genui/checkbox.html",
    writer=_checkbox,
    children="none",
    standalone=False,
    description=(
        "A single yes/no checkbox in a Form (opt-ins, accepting terms); it submits `true`"
        " when checked and nothing otherwise. Its name must be one of the Form action's inputs."
    ),
    example={
        "component": "Checkbox",
        "props": {"name": "newsletter", "label": "Send me the monthly newsletter"},
    },
)


# ----------------------------------------------------------------------------------------
# RadioGroup
# ----------------------------------------------------------------------------------------


class RadioGroupProps(PropsModel):
    """One choice among a few options, all shown."""

    name: FieldName
    """The name the chosen option's value is submitted under: one of the action's inputs."""
    label: Label
    """The question the options answer, e.g. `Delivery speed`."""
    options: Annotated[list[Option], Field(min_length=1, max_length=50)]
    """The choices, in order (1 to 50; give each its own value: of options with the
    same value, only the first can be chosen)."""
    value: str | None = None
    """The value of the option chosen at first (a value none of the options has chooses
    nothing)."""
    required: bool = False
    """Whether a choice must be made."""
    help: HelpText | None = None
    """Help text shown under the options."""


def _radio_group(element: Element[RadioGroupProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    base = element.dom_id
    feedback = element.feedback
    chosen = _chosen(props.options, _submitted(feedback, props.value))
    described = _described(base, props.help, feedback)
    name = escape_html(props.name)
    required = " required" if props.required else ""
    parts = [
        f'<fieldset class="genui-field {cls}"{ident}>'
        f'<legend class="genui-field__label">{_label_text(props.label, props.required)}</legend>'
    ]
    # the focus goes to one radio of an invalid first group: the chosen one, else the first
    focus = _autofocus(feedback)
    focused = chosen if chosen is not None else 0
    for position, option in enumerate(props.options):
        checked = " checked" if position == chosen else ""
        autofocus = focus if position == focused else ""
        parts.append(
            '<label class="genui-radio-group__option">'
            f'<input class="genui-radio-group__radio" id="{base}-{position}" name="{name}"'
            f' type="radio" value="{escape_html(option.value)}"{checked}{required}'
            f"{described}{autofocus}><span>{escape_html(option.label)}</span></label>"
        )
    parts.append(f"{_notes(base, props.help, feedback)}</fieldset>")
    return "".join(parts)


RADIO_GROUP = Component(
    "RadioGroup",
    RadioGroupProps,
    "genui/radio_group.html",
    writer=_radio_group,
    children="none",
    standalone=False,
    css_class="genui-radio-group",
    description=(
        "One choice among a few options (two to about six) in a Form, all shown as radio"
        " buttons under a question (label). Options are {value, label} pairs; value picks the"
        " initial choice. Its name must be one of the Form action's inputs."
    ),
    example={
        "component": "RadioGroup",
        "props": {
            "name": "delivery",
            "label": "Delivery speed",
            "value": "standard",
            "options": [
                {"value": "standard", "label": "Standard (3-5 days)"},
                {"value": "express", "label": "Express (next day)"},
            ],
        },
    },
)

FIELD_COMPONENTS: tuple[Component, ...] = (TEXT_INPUT, TEXT_AREA, SELECT, CHECKBOX, RADIO_GROUP)
"""The fields a Form takes, in documentation order."""

_FORM_CONTENT: Final = frozenset(
    {
        *(field.name for field in FIELD_COMPONENTS),
        "Heading",
        "Text",
        "Code",
        "Badge",
        "Alert",
        "Link",
        "Divider",
        "Stack",
        "Grid",
        "List",
    }
)

FORM = Component(
    "Form",
    FormProps,
    "genui/form.html",
    writer=_form,
    children=_FORM_CONTENT,
    description=(
        "A form that runs one of the app's declared actions when submitted (action), with"
        " its fields as children: TextInput, TextArea, Select, Checkbox, RadioGroup, named"
        " after the action's inputs, plus Heading, Text, Alert and other text between them"
        " (no Buttons: the form has its own submit button, submit_label). Fields live only"
        " directly inside a Form. Errors are shown beside the fields after a refused submit."
    ),
    example={
        "component": "Form",
        "props": {"title": "Contact us", "submit_label": "Send"},
        "children": [
            {
                "component": "TextInput",
                "props": {"name": "email", "label": "Email", "kind": "email", "required": True},
            },
            {"component": "TextArea", "props": {"name": "message", "label": "Message"}},
        ],
    },
)
