"""Jinja2 inside a page written in Django's language (core/jinja.py):
``{% layout %}`` puts a page's blocks into the Jinja2 layout (portal/base.html);
``{% macro "name" "macro" arg ... %}`` calls one of a Jinja2 template's macros,
so a partial both engines' pages show is written once."""

from django import template
from django.utils.safestring import mark_safe

from lianghui.core import jinja

register = template.Library()


@register.simple_tag(name="macro")
def call(name: str, macro: str, *args) -> str:
    return mark_safe(jinja.macro(name, macro)(*args))


class LayoutNode(template.Node):
    """``{% layout "name" %}{% slot title %}…{% slot content %}…{% endlayout %}``:
    each slot rendered here (the blocks of the page that extends this template
    among them), then the Jinja2 layout ``name`` with the page's context and the
    slots as its values."""

    def __init__(self, name, slots: dict[str, template.NodeList]):
        self.name = name
        self.slots = slots
        # Django finds the blocks of an extended template through these.
        self.child_nodelists = tuple(f"slot_{slot}" for slot in slots)
        for slot, nodelist in slots.items():
            setattr(self, f"slot_{slot}", nodelist)

    def render(self, context) -> str:
        values = {slot: mark_safe(nodes.render(context)) for slot, nodes in self.slots.items()}
        return jinja.render(self.name.resolve(context), {**context.flatten(), **values})


@register.tag
def layout(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% layout %} takes the name of a Jinja2 template.")
    name = parser.compile_filter(bits[1])
    parser.parse(("slot", "endlayout"))  # nothing before the first slot
    slots = {}
    token = parser.next_token()
    while token.contents != "endlayout":
        parts = token.split_contents()
        if len(parts) != 2:
            raise template.TemplateSyntaxError("{% slot %} takes the name of a block.")
        slots[parts[1]] = parser.parse(("slot", "endlayout"))
        token = parser.next_token()
    return LayoutNode(name, slots)
