"""Jinja2 inside a page written in Django's language (core/jinja.py):
``{% jinja "name" %}`` renders a Jinja2 template with the page's context;
``{% macro "name" "macro" arg ... %}`` calls one of a Jinja2 template's macros,
so a partial both engines' pages show is written once."""

from django import template
from django.utils.safestring import mark_safe

from lianghui.core import jinja

register = template.Library()


@register.simple_tag(takes_context=True, name="jinja")
def render(context, name: str, **values) -> str:
    return jinja.render(name, {**context.flatten(), **values})


@register.simple_tag(name="macro")
def call(name: str, macro: str, *args) -> str:
    return mark_safe(jinja.macro(name, macro)(*args))
