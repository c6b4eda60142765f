import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Done once as a worker starts instead of by its first requests: importing
    every app's views for the URLs took 2-3 s of the first request, and loading a
    language's translations a share of the first in that language. What startup
    made lives as long as the process, so it is frozen out of the collector's
    full passes, which otherwise walked it (about 80 ms) in whichever request
    happened to trigger one. The first search's loading (search.selectors.warm_up)
    is done here too.

    A request's arithmetic runs on one core: the numerical library's threads,
    left spinning after scoring the search vectors, took the cores the embedding
    engine's own threads wanted, and a search by meaning waited (at 150,000
    proposals the median search went from 113 to 76 ms with one).
    """
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation
    from threadpoolctl import threadpool_limits

    from lianghui.search.selectors import warm_up

    get_resolver().reverse_dict  # noqa: B018 - populates the resolver
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Search")
    # The search's model, vectors and figures; then no connection is left open
    # for a forking server to hand to its workers.
    warm_up()
    threadpool_limits(limits=1, user_api="blas")
    connections.close_all()
    gc.collect()
    gc.freeze()


_warm_up()
