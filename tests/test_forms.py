"""The built-in form components: a Form bound to a declared action, and its fields."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from genui import (
    ActionEvent,
    ActionGate,
    Actions,
    GenerativeUIValidationError,
    Renderer,
    default_registry,
    validate,
)
from genui.envelope import ActionSurface
from genui.spec import GenerativeUISpec
from genui.writing import ENVELOPE_FIELD, FormFeedback
from tests.html_parsing import elements, parse_errors

pytestmark = pytest.mark.usefixtures("spec_form")  # every test, from data and from JSON text

ENDPOINT = "/app/actions"
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'&<b>\"x"]


class ContactInputs(BaseModel):
    """Every field name the tests' forms use (all optional)."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = None
    age: str | None = None
    when: str | None = None
    message: str | None = None
    country: str | None = None
    newsletter: bool = False
    delivery: str | None = None


def _actions() -> Actions:
    actions = Actions()

    @actions.action(inputs=ContactInputs, description="Send a message.")
    def contact(event: ActionEvent[Any, ContactInputs]) -> None:
        return None

    return actions


ACTIONS = _actions()


class NothingShown:
    """The Surfaces protocol: the tests only render, nothing is verified."""

    def current(self, surface: str) -> GenerativeUISpec | None:
        return None


GATE = ActionGate(
    ACTIONS, ["k" * 32], surfaces=NothingShown(), endpoint=ENDPOINT, clock=lambda: 1.7e9
)
RENDERER = Renderer(actions=ACTIONS)
BOUND = {"name": "contact"}


def surface() -> ActionSurface:
    return GATE.surface("s1")


def form(*children: Any, **props: Any) -> dict[str, Any]:
    return {"component": "Form", "props": {"action": BOUND, **props}, "children": list(children)}


def field(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


def render(root: Any, *, bound: bool = True, feedback: FormFeedback | None = None) -> str:
    html = str(
        RENDERER.render({"root": root}, surface=surface() if bound else None, feedback=feedback)
    )
    assert parse_errors(html) == []
    return html


def by_id(html: str) -> dict[str, Any]:
    return {e.get("id"): e for e in elements(html) if e.get("id") is not None}


def tags(html: str, tag: str) -> list[Any]:
    return [e for e in elements(html) if e.tag == tag]


def text_of(element: Any) -> str:
    return "".join(element.itertext())


def refused(root: Any) -> list[tuple[str, str]]:
    with pytest.raises(GenerativeUIValidationError) as caught:
        RENDERER.render({"root": root})
    return [(error.path, error.code) for error in caught.value.errors]


def assert_labelled(html: str) -> None:
    """Every label names a control, every control id and described-by id exists."""
    ids = by_id(html)
    for label in tags(html, "label"):
        target = label.get("for")
        if target is not None:
            assert ids[target].tag in {"input", "select", "textarea"}
    for control in [*tags(html, "input"), *tags(html, "select"), *tags(html, "textarea")]:
        if control.get("type") == "hidden":
            continue
        for described in control.get("aria-describedby", "").split():
            assert described in ids, described


# ----------------------------------------------------------------------------------------
# Form
# ----------------------------------------------------------------------------------------


def test_a_bound_form_posts_to_the_endpoint_with_its_envelope_and_a_submit_button() -> None:
    html = render(form(field("TextInput", name="email", label="Email"), title="Contact"))
    (element,) = tags(html, "form")
    assert element.get("method") == "post" and element.get("action") == ENDPOINT
    assert element.get("data-genui-path") == "/root" and "data-genui-action" in element.attrib
    assert element.get("class") == "genui-form"
    hidden = [e for e in tags(html, "input") if e.get("type") == "hidden"]
    assert [e.get("name") for e in hidden] == [ENVELOPE_FIELD] and hidden[0].get("value")
    ids = by_id(html)
    assert text_of(ids[element.get("aria-labelledby")]) == "Contact"
    summary = ids["genui-r-summary"]
    assert summary.get("role") == "alert" and "hidden" in summary.attrib
    assert text_of(summary) == ""
    (button,) = tags(html, "button")
    assert (button.get("type"), text_of(button)) == ("submit", "Submit")
    assert "disabled" not in button.attrib and not tags(html, "fieldset")


def test_a_form_without_a_surface_or_an_action_is_inert() -> None:
    unbound = {**form(field("TextInput", name="email", label="Email"), submit_label="Send")}
    unbound["props"] = {"submit_label": "Send"}
    for html in (render(form(submit_label="Send"), bound=False), render(unbound, bound=False)):
        assert tags(html, "form") == []
        assert "method=" not in html and "action=" not in html
        (outer,) = [e for e in elements(html) if e.get("data-genui-path") == "/root"]
        assert outer.tag == "div" and outer.get("class") == "genui-form genui-form--inert"
        (fieldset,) = tags(html, "fieldset")
        assert "disabled" in fieldset.attrib
        (button,) = tags(html, "button")
        assert "disabled" in button.attrib and text_of(button) == "Send"
        assert not [e for e in tags(html, "input") if e.get("type") == "hidden"]


def test_an_undeclared_action_is_refused_and_forms_take_no_buttons_or_forms() -> None:
    assert refused(form(action={"name": "nope"})) == [("/root/props/action/name", "unknown_action")]
    button = {"component": "Button", "props": {"label": "Go", "href": "/x"}}
    assert refused(form(button)) == [("/root/children/0", "children_not_allowed")]
    assert refused(form(form())) == [("/root/children/0", "children_not_allowed")]
    assert refused(form({"component": "Image", "props": {"image": "/a.png"}})) == [
        ("/root/children/0", "children_not_allowed")
    ]


def test_a_form_holds_text_between_its_fields() -> None:
    html = render(
        form(
            {"component": "Heading", "props": {"text": "About you", "level": 3}},
            field("TextInput", name="email", label="Email"),
            {"component": "Text", "props": {"text": "We reply within a day."}},
        )
    )
    assert html.index("About you") < html.index('name="email"') < html.index("within a day")


# ----------------------------------------------------------------------------------------
# fields
# ----------------------------------------------------------------------------------------


def test_text_input_writes_its_label_constraints_help_and_error_element() -> None:
    html = render(
        form(
            field(
                "TextInput",
                name="email",
                label="Email",
                kind="email",
                required=True,
                placeholder="you@example.com",
                help="We reply here.",
                value="a@b.c",
                min_length=3,
                max_length=200,
                autocomplete="email",
            )
        )
    )
    assert_labelled(html)
    ids = by_id(html)
    control = ids["genui-r-c-0"]
    assert {k: control.get(k) for k in control.attrib} == {
        "class": "genui-field__control",
        "id": "genui-r-c-0",
        "name": "email",
        "type": "email",
        "required": "",
        "minlength": "3",
        "maxlength": "200",
        "autocomplete": "email",
        "placeholder": "you@example.com",
        "value": "a@b.c",
        "aria-describedby": "genui-r-c-0-help genui-r-c-0-error",
    }
    (label,) = tags(html, "label")
    assert label.get("for") == control.get("id") and text_of(label) == "Email*"
    (mark,) = [e for e in elements(html) if e.get("class") == "genui-field__required"]
    assert mark.get("aria-hidden") == "true"
    assert text_of(ids["genui-r-c-0-help"]) == "We reply here."
    error = ids["genui-r-c-0-error"]
    assert "hidden" in error.attrib and text_of(error) == ""
    wrapper = next(e for e in elements(html) if e.get("data-genui-path") == "/root/children/0")
    assert wrapper.tag == "div" and wrapper.get("class") == "genui-field genui-text-input"


def test_number_and_date_inputs_write_their_bounds() -> None:
    html = render(
        form(
            field("TextInput", name="age", label="Age", kind="number", min=18, max=120.5, step=1),
            field(
                "TextInput",
                name="when",
                label="Day",
                kind="date",
                min="2024-01-01",
                max="2024-12-31",
            ),
        )
    )
    number, date = [e for e in tags(html, "input") if e.get("type") != "hidden"]
    assert (number.get("min"), number.get("max"), number.get("step")) == ("18", "120.5", "1")
    assert (date.get("type"), date.get("min"), date.get("max")) == (
        "date",
        "2024-01-01",
        "2024-12-31",
    )
    assert "aria-describedby" in number.attrib and number.get("type") == "number"


def test_text_area_select_checkbox_and_radio_group() -> None:
    options = [{"value": "fr", "label": "France"}, {"value": "de", "label": "Germany"}]
    html = render(
        form(
            field(
                "TextArea", name="message", label="Message", rows=6, max_length=500, value="\nHi"
            ),
            field(
                "Select",
                name="country",
                label="Country",
                options=options,
                value="de",
                placeholder="Pick",
                required=True,
            ),
            field("Checkbox", name="newsletter", label="Newsletter", checked=True, help="Monthly"),
            field(
                "RadioGroup",
                name="delivery",
                label="Speed",
                options=options,
                value="fr",
                required=True,
            ),
        )
    )
    assert_labelled(html)
    (area,) = tags(html, "textarea")
    assert (area.get("rows"), area.get("maxlength"), area.text) == ("6", "500", "\nHi")
    (select,) = tags(html, "select")
    assert "required" in select.attrib
    shown = [(o.get("value"), text_of(o), "selected" in o.attrib) for o in tags(html, "option")]
    assert shown == [("", "Pick", False), ("fr", "France", False), ("de", "Germany", True)]
    box = next(e for e in tags(html, "input") if e.get("type") == "checkbox")
    assert (box.get("name"), box.get("value"), "checked" in box.attrib) == (
        "newsletter",
        "true",
        True,
    )
    assert box.get("aria-describedby", "").split()[0].endswith("-help")
    (group,) = tags(html, "fieldset")
    assert group.get("class") == "genui-field genui-radio-group"
    assert group.get("data-genui-path") == "/root/children/3"
    (legend,) = tags(html, "legend")
    assert text_of(legend) == "Speed*"
    radios = [e for e in tags(html, "input") if e.get("type") == "radio"]
    assert [(r.get("name"), r.get("value"), "checked" in r.attrib) for r in radios] == [
        ("delivery", "fr", True),
        ("delivery", "de", False),
    ]
    assert all("required" in r.attrib for r in radios)
    labels = [text_of(e) for e in tags(html, "label") if e.get("for") is None]
    assert labels == ["France", "Germany"]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_prop_text_is_escaped(text: str) -> None:
    options = [{"value": text, "label": text}, {"value": "b", "label": "b"}]
    html = render(
        form(
            field("TextInput", name="email", label=text, placeholder=text, help=text, value=text),
            field("TextArea", name="message", label=text, placeholder=text, help=text, value=text),
            field(
                "Select", name="country", label=text, options=options, value=text, placeholder=text
            ),
            field("Checkbox", name="newsletter", label=text, help=text),
            field(
                "RadioGroup", name="delivery", label=text, options=options, value=text, help=text
            ),
            title=text,
            submit_label=text,
        )
    )
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    parsed = elements(html)
    assert not [e for e in parsed if e.tag in {"script", "img", "b"}]
    assert not [e for e in parsed for name in e.attrib if name.startswith("on")]
    values = [v for e in parsed for v in e.attrib.values()]
    texts = [text_of(e) for e in parsed]
    assert values.count(text) >= 5  # placeholders, values, option values
    assert sum(text in t for t in texts) >= 10


# ----------------------------------------------------------------------------------------
# feedback after a refused submission
# ----------------------------------------------------------------------------------------

FEEDBACK = FormFeedback(
    "/root",
    {"email": ('x"<',), "message": ("</textarea><script>",), "newsletter": ("true",)},
    {"email": "Enter an email", "message": "Too <short>"},
    "2 fields need attention.",
)


def test_feedback_shows_the_submitted_values_the_errors_and_the_summary() -> None:
    html = render(
        form(
            field("TextInput", name="email", label="Email", value="old"),
            field("TextArea", name="message", label="Message", value="old"),
            field("Checkbox", name="newsletter", label="News"),
            field(
                "Select",
                name="country",
                label="Country",
                options=[{"value": "fr", "label": "France"}],
                value="fr",
            ),
        ),
        feedback=FEEDBACK,
    )
    assert_labelled(html)
    assert "<script" not in html
    ids = by_id(html)
    summary = ids["genui-r-summary"]
    assert "hidden" not in summary.attrib and text_of(summary) == "2 fields need attention."
    email = ids["genui-r-c-0"]
    assert email.get("value") == 'x"<'
    assert email.get("aria-invalid") == "true" and "autofocus" in email.attrib
    email_error = ids["genui-r-c-0-error"]
    assert "hidden" not in email_error.attrib and text_of(email_error) == "Enter an email"
    message = ids["genui-r-c-1"]
    assert message.text == "</textarea><script>"
    assert message.get("aria-invalid") == "true" and "autofocus" not in message.attrib
    assert text_of(ids["genui-r-c-1-error"]) == "Too <short>"
    box = ids["genui-r-c-2"]
    assert "checked" in box.attrib and "aria-invalid" not in box.attrib
    assert "hidden" in ids["genui-r-c-2-error"].attrib
    # a field nothing was submitted for shows nothing chosen
    assert not [o for o in tags(html, "option") if "selected" in o.attrib]
    assert [e.get("id") for e in elements(html) if "autofocus" in e.attrib] == [email.get("id")]


def test_feedback_focuses_the_chosen_radio_of_a_first_invalid_group() -> None:
    options = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    feedback = FormFeedback("/root", {"delivery": ("b",)}, {"delivery": "Pick again"}, None)
    html = render(
        form(field("RadioGroup", name="delivery", label="Speed", options=options)),
        feedback=feedback,
    )
    radios = [e for e in tags(html, "input") if e.get("type") == "radio"]
    assert [("checked" in r.attrib, "autofocus" in r.attrib) for r in radios] == [
        (False, False),
        (True, True),
    ]
    assert all(r.get("aria-invalid") == "true" for r in radios)
    assert "hidden" in by_id(html)["genui-r-summary"].attrib  # no summary message


def test_feedback_for_another_form_changes_nothing() -> None:
    spec = form(field("TextInput", name="email", label="Email", value="kept"))
    other = FormFeedback("/root/children/9", {"email": ("new",)}, {"email": "bad"}, "no")
    assert render(spec, feedback=other) == render(spec)


# ----------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------


def test_pattern_is_not_a_prop() -> None:
    spec = form(field("TextInput", name="email", label="Email", pattern="(a+)+$"))
    assert refused(spec) == [("/root/children/0/props/pattern", "extra_field")]
    dropping = Renderer(actions=ACTIONS, on_invalid_props="drop")
    result = dropping.render_with_report({"root": spec}, surface=surface())
    assert [(e.path, e.prop, e.reason) for e in result.report] == [
        ("/root/children/0", "pattern", "unknown_prop")
    ]
    assert "pattern" not in str(result.html)


@pytest.mark.parametrize(
    ("props", "path", "code"),
    [
        ({"name": "genui-action", "label": "x"}, "name", "pattern_mismatch"),
        ({"name": "1st", "label": "x"}, "name", "pattern_mismatch"),
        ({"name": "email", "label": ""}, "label", "invalid_value"),
        ({"name": "email", "label": "x" * 201}, "label", "too_long"),
        ({"name": "email", "label": "x", "kind": "number", "min": True}, "min", "type_mismatch"),
        (
            {"name": "email", "label": "x", "kind": "date", "max": "2024-2-3"},
            "max",
            "type_mismatch",
        ),
        ({"name": "email", "label": "x", "kind": "number", "step": 0}, "step", "invalid_value"),
        ({"name": "email", "label": "x", "max_length": 100_001}, "max_length", "invalid_value"),
        ({"name": "email", "label": "x", "kind": "color"}, "kind", "invalid_value"),
        (
            {"name": "email", "label": "x", "autocomplete": "cc-number"},
            "autocomplete",
            "invalid_value",
        ),
    ],
)
def test_text_input_props_are_checked(props: dict[str, Any], path: str, code: str) -> None:
    problems = refused(form(field("TextInput", **props)))
    assert problems[0] == (f"/root/children/0/props/{path}", code), problems


def test_constraints_that_do_not_apply_to_the_kind_are_not_written() -> None:
    """What the catalog's schema allows is valid; HTML would ignore these, so do we."""
    html = render(
        form(
            field(
                "TextInput", name="age", label="A", kind="number", min_length=2, min="2024-01-01"
            ),
            field("TextInput", name="when", label="W", kind="date", min=3, step=2, max_length=9),
            field("TextInput", name="email", label="E", min=1, max="2024-01-01", step=1),
        )
    )
    number, date, text = [e for e in tags(html, "input") if e.get("type") != "hidden"]
    for control in (number, date, text):
        assert not {"minlength", "maxlength", "min", "max", "step"} & set(control.attrib)


def test_a_value_no_option_has_chooses_nothing_and_of_equal_values_the_first_is_chosen() -> None:
    options = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    twice = [*options, {"value": "a", "label": "again"}]
    for component in ("Select", "RadioGroup"):
        html = render(form(field(component, name="country", label="C", options=options, value="z")))
        assert " selected" not in html and " checked" not in html
        html = render(form(field(component, name="country", label="C", options=twice, value="a")))
        chosen = [e for e in elements(html) if e.get("selected") is not None]
        chosen += [e for e in elements(html) if e.get("checked") is not None]
        assert [e.get("value") for e in chosen] == ["a"]
        assert "again" in html
        spec = form(field(component, name="country", label="C", options=[]))
        assert refused(spec)[0][0] == "/root/children/0/props/options"
    many = [{"value": str(i), "label": str(i)} for i in range(51)]
    assert refused(form(field("RadioGroup", name="delivery", label="C", options=many)))
    assert validate(
        {"root": form(field("Select", name="country", label="C", options=many))}, actions=ACTIONS
    ).ok


@pytest.mark.parametrize("name", ["TextInput", "TextArea", "Select", "Checkbox", "RadioGroup"])
def test_fields_live_only_directly_in_a_form_and_take_no_children(name: str) -> None:
    props = default_registry()[name].example
    assert props is not None
    node = {"component": name, "props": dict(props["props"])}
    assert refused(node) == [("/root", "children_not_allowed")]
    stack = {"component": "Stack", "children": [node]}
    assert refused(stack) == [("/root/children/0", "children_not_allowed")]
    unbound = {"component": "Form", "children": [{**node, "children": ["x"]}]}
    assert refused(unbound) == [("/root/children/0/children/0", "children_not_allowed")]


def test_a_field_the_action_does_not_declare_is_refused() -> None:
    spec = form(field("TextInput", name="nickname", label="Nickname"))
    assert refused(spec) == [("/root/children/0/props/name", "unknown_input")]
