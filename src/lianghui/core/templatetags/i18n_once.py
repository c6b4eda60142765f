"""Django's ``i18n`` tag library, with each constant message rendered once per
language.

``{% translate "Proposals" %}`` looks its message up again on every render:
through a lazy string, the active translation and an escape, about four times
the cost of printing a variable. A page of the portal has some fifty of them
(the proposal page: about 0.4 ms of its 5 ms at 150,000 proposals). Whatever
the page, such a tag gives the same text for the same language, so the text it
gave is kept on the tag's node, per language (and escaping). Tags whose output
can vary otherwise (a variable, a filter, ``as``, ``context``, a plural, a
``with``) render as Django renders them. Settings map ``{% load i18n %}`` to
this library, which holds every other tag and filter of Django's unchanged."""

from __future__ import annotations

from django import template
from django.template.base import Node, TokenType
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class RenderedOnce(Node):
    """A translate tag whose text depends on the language (and escaping) alone."""

    child_nodelists = ()

    def __init__(self, node: Node):
        self.node = node
        self.rendered: dict[tuple[str | None, bool], str] = {}

    def render(self, context) -> str:
        key = (translation.get_language(), context.autoescape)
        found = self.rendered.get(key)
        if found is None:
            # Two threads may both render it the first time: the same text.
            found = self.rendered[key] = self.node.render(context)
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__}: {self.node!r}>"


def _constant_translate(node: django_i18n.TranslateNode) -> bool:
    expression = node.filter_expression
    return (
        node.asvar is None
        and node.message_context is None
        and not expression.filters
        and getattr(expression.var, "literal", None) is not None
    )


def _constant_block(node: django_i18n.BlockTranslateNode) -> bool:
    return (
        not node.extra_context
        and not node.plural
        and node.countervar is None
        and node.asvar is None
        and node.message_context is None
        and all(token.token_type == TokenType.TEXT for token in node.singular)
    )


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return RenderedOnce(node) if _constant_translate(node) else node


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser, token):
    node = django_i18n.do_block_translate(parser, token)
    return RenderedOnce(node) if _constant_block(node) else node
