"""A supplier's HTTP client, as a browser or an integration would be: its own session
cookie, the CSRF cookie taken from the login page, ``X-CSRFToken`` on every POST (DRF's
SessionAuthentication enforces CSRF), multipart bodies. Used by ``manage.py bench``
(threads) and ``bench/locustfile.py`` (locust's requests-based HttpUser)."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import requests
from django.conf import settings

LOGIN_PATH = "/accounts/login/"
BASELINE_PATH = "/bench/baseline/"


def bid_path(lot_pk: int) -> str:
    return f"/api/lots/{lot_pk}/bids/"


@dataclass(frozen=True)
class Lot:
    """What a client needs of a lot to bid: its id and its items' ids (for the SME
    declaration, which lists every item with its maker and the maker's scale)."""

    pk: int
    items: tuple[int, ...]

    @classmethod
    def of(cls, lot) -> "Lot":
        return cls(lot.pk, tuple(lot.items.order_by("pk").values_list("pk", flat=True)))


def bid_parts(lot: Lot, *, price: Decimal, file: bytes) -> tuple[dict, list]:
    """The form fields and the file parts of a bid, as the API documents them: ``files``
    are file parts, ``sme_items`` one part holding JSON."""
    data = {"price": str(price), "sme_scale": "small", "contact_name": "基准联系人",
            "contact_phone": "0374-1234567", "brand": "基准", "model": "B-1"}
    sme_items = [{"item": pk, "maker": "基准制造有限公司", "maker_scale": "small"}
                 for pk in lot.items]
    files = [("files", ("offer.pdf", file, "application/pdf")),
             ("sme_items", (None, json.dumps(sme_items), "application/json"))]
    return data, files


def baseline_parts(file: bytes) -> list:
    return [("file", ("offer.pdf", file, "application/pdf"))]


def csrf_headers(session: requests.Session, **extra) -> dict:
    return {"X-CSRFToken": session.cookies.get(settings.CSRF_COOKIE_NAME, ""), **extra}


@dataclass
class Result:
    status: int
    seconds: float
    body: dict | None = None


class BidClient:
    def __init__(self, base_url: str, session_key: str, file: bytes):
        self.base_url = base_url
        self.file = file
        self.http = requests.Session()
        self.session_key = session_key

    def prime(self) -> "BidClient":
        """Take the CSRF cookie from the login page (anonymous, as a browser first does),
        then carry the logged-in session."""
        r = self.http.get(self.base_url + LOGIN_PATH, timeout=60)
        r.raise_for_status()
        if settings.CSRF_COOKIE_NAME not in self.http.cookies:
            raise RuntimeError("The login page set no CSRF cookie.")
        self.http.cookies.set(settings.SESSION_COOKIE_NAME, self.session_key)
        return self

    def _post(self, path: str, **kw) -> Result:
        start = time.perf_counter()
        try:
            r = self.http.post(self.base_url + path, timeout=300, **kw)
        except requests.RequestException as exc:
            return Result(0, time.perf_counter() - start, {"error": repr(exc)})
        seconds = time.perf_counter() - start
        try:
            body = r.json()
        except ValueError:
            body = {"text": r.text[:300]}
        return Result(r.status_code, seconds, body)

    def post_bid(self, lot: Lot, *, price: Decimal, key: str) -> Result:
        data, files = bid_parts(lot, price=price, file=self.file)
        return self._post(bid_path(lot.pk), data=data, files=files,
                          headers=csrf_headers(self.http, **{"Idempotency-Key": key}))

    def post_baseline(self) -> Result:
        return self._post(BASELINE_PATH, files=baseline_parts(self.file),
                          headers=csrf_headers(self.http))


def prime(clients: list[BidClient], concurrency: int) -> list[BidClient]:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(BidClient.prime, clients))
