"""HTTP caching of the portal's pages: ``ETag`` and ``Last-Modified``, so that a browser
(or a proxy) that has a page asks "has it changed?" and gets ``304 Not Modified`` — no
query run, no template rendered — until something is published.

The portal version
    One value in the cache (``VERSION_KEY``, Redis in production, the file cache in the
    embedded mode: shared by every web process), changed whenever a ``Publication`` row is
    written or removed (``connect()``: ``post_save``/``post_delete`` of ``Publication``,
    which every write of ``disclosure.indexing`` goes through; bulk writers call
    ``portal_changed()`` themselves). It is the time of the change in nanoseconds, set
    after the transaction commits. When the cache loses it (a restart, an eviction) the
    next reader sets a new one: every page is then "changed" once, never stale.

The decorators (``django.views.decorators.http.condition`` underneath)
    ``cached_list`` — a page that shows a selection of publications (lists, search,
    feeds): its ETag is the portal version, the query string, the language and the
    view's own arguments; Last-Modified the portal version's time.

    ``cached_detail(model)`` — the page of one published record of ``model`` (the view's
    ``pk``): its ETag is the record's publication's ``updated_at``, the portal version
    (the page lists the project's other notices, which are other publications), the
    language and a time bucket of ``DETAIL_STALE_SECONDS`` (the page shows clocks — the
    bid buttons while a tender is open, the challenge windows — that change with time
    and no write); Last-Modified the publication's ``updated_at``. A record with no
    publication (not public, or not indexed yet) is served without either.

    Both apply to anonymous requests only. A logged-in person's pages carry personal
    parts (their organisation's buttons, their inbox count), so they are neither
    validated nor stored by anyone else: ``Cache-Control: private, no-cache``. Anonymous
    pages get ``Cache-Control: no-cache`` (keep it, but ask every time) and every page
    ``Vary: Cookie, Accept-Language`` (the session and the language cookie, and the
    browser's language, choose what is rendered). An anonymous request with messages
    waiting (a "you have been logged out") is not validated either: a 304 would hide them.

    ``If-None-Match`` takes precedence over ``If-Modified-Since`` (RFC 9110 13.2.2), so
    the one-second resolution of Last-Modified never serves a stale page to a browser,
    which sends both.

Use::

    @cached_list
    def notice_list(request): ...

    @cached_detail(Announcement)
    def notice_detail(request, pk): ...
"""

import datetime as dt
import functools
import hashlib
import time

from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from .models import Publication

VERSION_KEY = "disclosure:portal-version"
# How long a detail page may show a clock's state from before (see the module's text).
DETAIL_STALE_SECONDS = 300


# --- the portal version ----------------------------------------------------------------


def _set_version() -> int:
    version = time.time_ns()
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def portal_version() -> int:
    """The current portal version (an int, the last change's time in ns)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)  # the first reader wins
        version = cache.get(VERSION_KEY) or _set_version()
    return int(version)


def portal_changed() -> None:
    """Something published changed: every page's validator changes, once the current
    transaction commits (at once outside one), so that no reader pairs the new version
    with the old rows."""
    transaction.on_commit(_set_version)


def _publication_changed(sender, **kwargs):
    portal_changed()


def connect() -> None:
    """Bump the version on every write of a Publication (disclosure.indexing.connect)."""
    post_save.connect(_publication_changed, sender=Publication,
                      dispatch_uid="disclosure-caching-save")
    post_delete.connect(_publication_changed, sender=Publication,
                        dispatch_uid="disclosure-caching-delete")


def version_time(version: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(version / 1e9, tz=dt.UTC)


# --- who may be validated --------------------------------------------------------------


def _cacheable(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not len(get_messages(request))


def _etag(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _headers(view):
    """Cache-Control and Vary for every response of a cached view (304s included)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _cacheable(request):
            patch_cache_control(response, no_cache=True)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper


# --- the decorators --------------------------------------------------------------------


def cached_list(view):
    """ETag/Last-Modified of a page showing a selection of publications (see above)."""

    def etag(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        return _etag("list", portal_version(), request.path, request.GET.urlencode(),
                     get_language(), sorted(kwargs.items()))

    def last_modified(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        return version_time(portal_version())

    return functools.wraps(view)(_headers(condition(etag_func=etag,
                                                    last_modified_func=last_modified)(view)))


def cached_detail(model, *, pk_kwarg: str = "pk"):
    """ETag/Last-Modified of the page of one published record of ``model``, found by the
    view's ``pk_kwarg`` (see above)."""

    def updated_at(request, kwargs):
        # One indexed read (disclosure_pub_source_uniq), memoised for the second function.
        if not hasattr(request, "_disclosure_updated_at"):
            content_type = ContentType.objects.get_for_model(model)
            request._disclosure_updated_at = Publication.objects.filter(
                source_type=content_type, source_id=kwargs[pk_kwarg]
            ).values_list("updated_at", flat=True).first()
        return request._disclosure_updated_at

    def etag(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        stamp = updated_at(request, kwargs)
        if stamp is None:
            return None
        bucket = int(timezone.now().timestamp() // DETAIL_STALE_SECONDS)
        return _etag("detail", model._meta.label_lower, kwargs[pk_kwarg], stamp.isoformat(),
                     portal_version(), get_language(), bucket)

    def last_modified(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        stamp = updated_at(request, kwargs)
        # The other notices listed change the page too: the later of the two.
        return stamp and max(stamp, version_time(portal_version()))

    def decorator(view):
        return functools.wraps(view)(_headers(condition(etag_func=etag,
                                                        last_modified_func=last_modified)(view)))

    return decorator
