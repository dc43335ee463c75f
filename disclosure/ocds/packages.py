"""Release packages and record packages, with the publisher's metadata.

A record is compiled from all of its process's releases by the OCDS merge routine
(``ocdsmerge``, the Open Contracting Partnership's reference implementation), with the
release schema patched by the extensions we use, read from this repository's copy of our
own extension plus the standard (``standard``): the merge needs to know which arrays are
merged by ``id``.
"""

import copy
import json
from functools import lru_cache

import ocdsmerge
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .releases import BIDS_EXTENSION, LOTS_EXTENSION, absolute, iso, ocid_for, project_releases
from .standard import EXTENSIONS_DIR, TAG, standard_zip

VERSION = "1.1"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def extension_url_prefix() -> str:
    return absolute("/api/ocds/extensions/")


def extensions() -> list[str]:
    return [LOTS_EXTENSION, BIDS_EXTENSION,
            f"{extension_url_prefix()}complaints/extension.json"]


def publisher() -> dict:
    return {"name": str(settings.PLATFORM_NAME), "uri": settings.OCDS_BASE_URL}


def _metadata(uri: str, published) -> dict:
    return {"uri": uri, "version": VERSION, "extensions": extensions(),
            "publisher": publisher(), "license": LICENSE,
            "publicationPolicy": absolute("/api/ocds/extensions/complaints/README.md"),
            "publishedDate": published or iso(timezone.now())}


def release_package(releases: list[dict], *, uri: str) -> dict:
    """``publishedDate`` is the newest release's date: a package generated on demand
    reflects the last change of its contents (the schema's own advice)."""
    newest = max((r["date"] for r in releases), default=None)
    package = _metadata(uri, None)
    if newest:
        package["publishedDate"] = newest
    package["releases"] = releases
    return package


# --- records ---------------------------------------------------------------------------

def _merge_patch(target, patch):
    """RFC 7396 JSON Merge Patch, as the extensions are written."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    target = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = _merge_patch(target.get(key), value)
    return target


@lru_cache(maxsize=1)
def _merger() -> ocdsmerge.Merger:
    """The merge rules from the release schema with our complaints extension applied
    (``complaints`` merged by id). The lots and bids extensions' arrays (``tender.lots``,
    ``bids.details``, ``bids.statistics``) have ``id``s too, merged by id by default."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(standard_zip())) as archive:
        schema = json.loads(archive.read(f"standard-{TAG}/schema/release-schema.json"))
    patch = json.loads((EXTENSIONS_DIR / "complaints" / "release-schema.json").read_text())
    return ocdsmerge.Merger(schema=_merge_patch(schema, patch))


def compile_record(releases: list[dict]) -> dict:
    return _merger().create_compiled_release(releases)


def record(ocid: str, releases: list[dict], *, package_uri: str) -> dict:
    return {"ocid": ocid,
            "releases": [{"url": f"{package_uri}#{r['id']}", "date": r["date"],
                          "tag": r["tag"]} for r in releases],
            "compiledRelease": compile_record(releases)}


def record_package(project) -> dict:
    ocid = ocid_for(project.code)
    releases = project_releases(project)
    releases_uri = absolute(reverse("api:disclosure:ocds-project-release-package",
                                    args=[project.pk]))
    package = _metadata(absolute(reverse("api:disclosure:ocds-record", args=[ocid])),
                        max((r["date"] for r in releases), default=None))
    package["packages"] = [releases_uri]
    package["records"] = [record(ocid, releases, package_uri=releases_uri)]
    return package


def project_release_package(project) -> dict:
    return release_package(project_releases(project), uri=absolute(reverse(
        "api:disclosure:ocds-project-release-package", args=[project.pk])))
