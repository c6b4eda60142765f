"""The Jinja2 environment of the layout and of the page the public reads most (the
proposal page), and the bridges between it and Django's template language.

Django's template engine resolves every variable by trying a key, an attribute and
an index in turn inside a context stack; Jinja2 compiles a template to Python. The
proposal page spent about three fifths of its time in Django's engine. The other
pages stay in Django's language, inside the Jinja2 layout (``portal/base.html``:
templatetags/jinja.py, ``{% layout %}``).

Messages: ``{{ _("...") }}``, with values through ``|format(name=value)``: the same
message ids as ``{% translate %}`` and ``{% blocktranslate %}`` write, and the form
``makemessages`` finds in a template. As in Django's templates, a message is the
translators' text and is not escaped; the values put into it are. Escaping
otherwise: Django's safe strings (``format_html``, ``linebreaks``) are markup to
Jinja2 too (``__html__``), so the helpers of ``portal/templatetags/portal.py``
serve both engines unchanged.
"""

from __future__ import annotations

import functools

import jinja2
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, defaultfilters, engines
from django.utils import translation
from django.utils.safestring import mark_safe
from markupsafe import Markup


def environment(**options) -> jinja2.Environment:
    from lianghui.insights.templatetags import insights_tags
    from lianghui.portal.templatetags import portal

    # As in Django's templates, a missing value (or a value's missing attribute)
    # prints nothing: the error pages render without the context processors' values.
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(**options)
    env.globals.update(
        _=lambda message: messages()(message),
        day=portal.day,
        bilingual=portal.bilingual,
        language_name=portal.language_name,
        proposal_interests=insights_tags.proposal_interests,
        dtl=_dtl,
        site_languages=site_languages,
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
    """The active language's messages: ``_`` in a Jinja2 template."""
    language = translation.get_language() or "en"
    found = _messages.get(language)
    if found is None:
        found = _messages[language] = _Messages(language)
    return found


@functools.cache
def site_languages() -> list[dict]:
    """The languages the switcher offers, each with its own name for itself."""
    return [translation.get_language_info(code) for code, _name in settings.LANGUAGES]


@receiver(setting_changed)
def _languages_changed(*, setting, **kwargs) -> None:
    # As Django drops its own catalogues (django/test/signals.py).
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _messages.clear()
        site_languages.cache_clear()


def context(request) -> dict:
    """The Jinja2 engine's context processor: ``_``, the active language's messages,
    looked up once for the page."""
    return {"_": messages()}


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
