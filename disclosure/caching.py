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
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from .models import Publication

VERSION_KEY = "disclosure:portal-version"
# How long a detail page may show a clock's state from before (see the module's text).
DETAIL_STALE_SECONDS = 300
_MISSING = object()


# --- the portal version ----------------------------------------------------------------


def _set_version() -> int:
    version = time.time_ns()
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def portal_version(request=None) -> int:
    """The current portal version (an int, the last change's time in ns); read once per
    ``request`` when one is given (the validators and the page cache all ask)."""
    if request is not None and hasattr(request, "_portal_version"):
        return request._portal_version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)  # the first reader wins
        version = cache.get(VERSION_KEY) or _set_version()
    if request is not None:
        request._portal_version = int(version)
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
        return _etag("list", portal_version(request), request.path, request.GET.urlencode(),
                     get_language(), sorted(kwargs.items()))

    def last_modified(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        return version_time(portal_version(request))

    return functools.wraps(view)(_headers(condition(etag_func=etag,
                                                    last_modified_func=last_modified)(view)))


def cached_detail(model, *, pk_kwarg: str = "pk"):
    """ETag/Last-Modified of the page of one published record of ``model``, found by the
    view's ``pk_kwarg`` (see above)."""

    def updated_at(request, kwargs):
        # One indexed read (disclosure_pub_source_uniq), memoised for the second function
        # and kept in the cache under the portal version, which every write of a
        # publication changes: a page served from the cache (cached_page) reads nothing.
        if not hasattr(request, "_disclosure_updated_at"):
            key = (f"disclosure:stamp:{model._meta.label_lower}:{kwargs[pk_kwarg]}:"
                   f"{portal_version(request)}")
            stamp = cache.get(key, _MISSING)
            if stamp is _MISSING:
                content_type = ContentType.objects.get_for_model(model)
                stamp = Publication.objects.filter(
                    source_type=content_type, source_id=kwargs[pk_kwarg]
                ).values_list("updated_at", flat=True).first()
                cache.set(key, stamp, DETAIL_STALE_SECONDS)
            request._disclosure_updated_at = stamp
        return request._disclosure_updated_at

    def etag(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        stamp = updated_at(request, kwargs)
        if stamp is None:
            return None
        bucket = int(timezone.now().timestamp() // DETAIL_STALE_SECONDS)
        return _etag("detail", model._meta.label_lower, kwargs[pk_kwarg], stamp.isoformat(),
                     portal_version(request), get_language(), bucket)

    def last_modified(request, *args, **kwargs):
        if not _cacheable(request):
            return None
        stamp = updated_at(request, kwargs)
        # The other notices listed change the page too: the later of the two.
        return stamp and max(stamp, version_time(portal_version(request)))

    def decorator(view):
        return functools.wraps(view)(_headers(condition(etag_func=etag,
                                                        last_modified_func=last_modified)(view)))

    return decorator


# --- whole pages for anonymous readers -------------------------------------------------

# How long a whole page is kept for anonymous readers; a publication changes the portal
# version and with it every key at once, so this bounds what a page may show of the
# clock (the same bound as DETAIL_STALE_SECONDS) and the memory a rare page holds.
PAGE_SECONDS = DETAIL_STALE_SECONDS
# What a page-cached request's templates print for the CSRF token (``page_csrf``); each
# response gets its own reader's token in its place.
CSRF_PLACEHOLDER = "cf-page-cache-csrf-token"


def page_csrf(request) -> dict:
    """Context processor (settings): while ``cached_page`` renders a page to keep, every
    ``{% csrf_token %}`` prints the placeholder instead of this reader's token, so that
    no reader's token is ever stored or served to another (it would give away the
    secret in their cookie). Later in the list than the built-in ``csrf``, so it wins."""
    if getattr(request, "_page_cache", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def set_part(key: str, html, seconds: int) -> None:
    """Keep a part of a page (a fragment shared by every reader) — unless it was
    rendered while ``cached_page`` rendered its page and holds the CSRF placeholder:
    a part shared with people logged in must hold no token at all."""
    text = html if isinstance(html, str) else "".join(html.values())
    if CSRF_PLACEHOLDER not in text:
        cache.set(key, html, seconds)


def _served(request, content: bytes, content_type: str) -> HttpResponse:
    token = get_token(request).encode()  # sets the reader's CSRF cookie when it has none
    return HttpResponse(content.replace(CSRF_PLACEHOLDER.encode(), token),
                        content_type=content_type)


def cached_page(view=None, *, vary=None):
    """Keep the whole page of a view for anonymous readers without messages waiting:
    one cache read instead of its queries and templates, under the portal version, the
    language and the full path (the navigation marks the page's own link, the language
    switch returns to it). The CSRF token of the language switch is put back for each
    reader (``page_csrf``). A response other than a 200, or one that says
    ``page_cache_seconds = 0``, is not kept; a view may shorten the time the same way
    (``response.page_cache_seconds``) when its page changes at a known moment.

    Only for pages whose anonymous content depends on nothing else — or on what
    ``vary(request)`` returns, made part of the key (the search page's date presets
    count from today). A person logged in gets the view itself (their organisation's
    buttons, their inbox). Use as ``@cached_page`` or ``@cached_page(vary=…)``."""
    if view is None:
        return functools.partial(cached_page, vary=vary)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not _cacheable(request):
            return view(request, *args, **kwargs)
        key = "disclosure:page:" + _etag(portal_version(request), get_language(),
                                         request.get_host(), request.get_full_path(),
                                         vary(request) if vary else "")
        entry = cache.get(key)
        if entry is not None:
            return _served(request, *entry)
        request._page_cache = True
        try:
            response = view(request, *args, **kwargs)
        finally:
            request._page_cache = False
        if response.status_code != 200 or response.streaming:
            return response
        content, content_type = response.content, response["Content-Type"]
        seconds = min(PAGE_SECONDS, getattr(response, "page_cache_seconds", PAGE_SECONDS))
        # A page rendered outside ``page_csrf`` (render_to_string without the request)
        # would carry a real token: never kept.
        if seconds > 0 and (CSRF_PLACEHOLDER.encode() in content
                            or b"csrfmiddlewaretoken" not in content):
            cache.set(key, (content, content_type), seconds)
        response.content = content.replace(CSRF_PLACEHOLDER.encode(),
                                           get_token(request).encode())
        return response

    return wrapper
