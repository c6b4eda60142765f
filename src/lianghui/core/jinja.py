"""The Jinja2 environment of the pages the public reads most (the proposal page's
record), and the bridges between it and Django's template language.

Django's template engine resolves every variable by trying a key, an attribute and
an index in turn inside a context stack; Jinja2 compiles a template to Python. The
proposal page spent about three fifths of its time in the engine, so its record is
written for Jinja2, inside the site's layout (``portal/base.html``, Django's).

Messages: ``{{ _("...") }}``, with values through ``|format(name=value)``: the same
message ids as ``{% translate %}`` and ``{% blocktranslate %}`` write, and the form
``makemessages`` finds in a template. As in Django's templates, a message is the
translators' text and is not escaped; the values put into it are. Escaping
otherwise: Django's safe strings (``format_html``, ``linebreaks``) are markup to
Jinja2 too (``__html__``), so the helpers of ``portal/templatetags/portal.py``
serve both engines unchanged.
"""

from __future__ import annotations

import jinja2
from django.template import Context, defaultfilters, engines
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext
from markupsafe import Markup


def environment(**options) -> jinja2.Environment:
    from lianghui.insights.templatetags import insights_tags
    from lianghui.portal.templatetags import portal

    env = jinja2.Environment(**options)
    env.globals.update(
        _=lambda message: messages()(message),
        ngettext=ngettext,
        url=lambda name, *args: reverse(name, args=args),
        day=portal.day,
        bilingual=portal.bilingual,
        language_name=portal.language_name,
        proposal_interests=insights_tags.proposal_interests,
        dtl=_dtl,
    )
    env.filters.update(
        linebreaks=defaultfilters.linebreaks_filter,
        truncatechars=defaultfilters.truncatechars,
        urlencode=defaultfilters.urlencode,
        shown_lang=portal.shown_lang,
        short=portal.short,
        localized=portal.localized,
        shared_words=portal.shared_words,
    )
    return env


class _Messages(dict):
    """One language's messages as markup, each looked up once: a page of the
    portal shows some forty, and Django's gettext finds the active language anew
    for each (about 3 µs)."""

    def __init__(self, language: str):
        super().__init__()
        self.catalog = translation.trans_real.translation(language)

    def __missing__(self, message: str) -> Markup:
        found = self[message] = Markup(self.catalog.gettext(message))
        return found

    __call__ = dict.__getitem__


_messages: dict[str, _Messages] = {}


def messages() -> _Messages:
    """The active language's messages (``_`` in a template rendered by ``render``)."""
    language = translation.get_language() or "en"
    found = _messages.get(language)
    if found is None:
        found = _messages[language] = _Messages(language)
    return found


def _dtl(name: str, **values) -> str:
    """A partial written in Django's language, rendered from a Jinja2 template with
    ``values`` (one copy of a partial both engines' pages show)."""
    template = engines["django"].get_template(name).template
    return mark_safe(template.render(Context(values)))


def render(name: str, context: dict) -> str:
    """A Jinja2 template with a context already made (a Django template's, with
    its context processors' values: they do not run again)."""
    template = engines["jinja2"].env.get_template(name)
    return mark_safe(template.render({**context, "_": messages()}))


def macro(name: str, macro: str):
    """A macro of a Jinja2 template (its module is made once), for Django's
    templates (``{% macro %}``): their messages are the active language's."""
    return getattr(engines["jinja2"].env.get_template(name).module, macro)
