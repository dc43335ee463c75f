"""The OCDS 1.1 schema, installed from the package registry, and validation against it.

libcoveocds downloads the standard from GitHub by default; this machine (and CI) reach
only the package registries. The 1.1.5 schema files ship inside the source
distributions of two of the Open Contracting Partnership's own PyPI packages, as test
fixtures:

- ``ocdsextensionregistry==0.7.0``: ``release-schema.json`` and
  ``versioned-release-validation-schema.json`` (``id`` …/schema/1__1__5/…);
- ``ocdskit==1.7.0``: ``release-package-schema.json`` (1__1__5) and a dereferenced
  ``record-package-schema.json`` (1__1__5), from which the record package schema is
  put back in its published shape (``definitions.record``, ``$ref`` to the release
  schema; ``versionedRelease`` an object, see ``_record_package_schema``).

``python -m disclosure.ocds.standard`` (``make ocds-standard``) downloads the two sdists
with pip and writes ``OCDS_STANDARD_ZIP``: a zip laid out as the standard repository
(``standard-1__1__5/schema/…``), which libcoveocds reads through its ``standard_zip``
option (``ocdsextensionregistry.ProfileBuilder`` with the zip's bytes).

Not in any registry package: the standard's codelist CSVs. The closed codelists are
``enum``s in the 1.1 schema, so their CSVs are written from those (``_closed_codelists``)
and checked; the open codelists' "additional codes" report is left out. Nor are the
lots and bid extensions' patches: with no network those two extensions cannot be
fetched, and libcoveocds reports their fields as additional fields, unchecked (with a
network they are fetched and applied). Our own complaints extension is read from this
repository (``extensions/complaints/``) and applied.
"""

import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import requests
import urllib3
from django.conf import settings

TAG = "1__1__5"
BASE = f"https://standard.open-contracting.org/schema/{TAG}/"

# (requirement, member path inside the sdist, file name in the standard's schema/)
SOURCES = [
    ("ocdsextensionregistry==0.7.0", "tests/fixtures/release-schema.json",
     "release-schema.json"),
    ("ocdsextensionregistry==0.7.0", "tests/fixtures/versioned-release-validation-schema.json",
     "versioned-release-validation-schema.json"),
    ("ocdskit==1.7.0", "tests/fixtures/release-package-schema.json",
     "release-package-schema.json"),
    ("ocdskit==1.7.0", "tests/fixtures/a/record-package-schema-dereferenced.json",
     "record-package-schema.json"),
]


def _sdist_member(sdists: Path, requirement: str, member: str) -> bytes:
    name, version = requirement.split("==")
    for path in sdists.iterdir():
        if path.name.lower().replace("_", "-").startswith(f"{name}-{version}".lower()):
            with tarfile.open(path) as tar:
                return tar.extractfile(f"{path.name.removesuffix('.tar.gz')}/{member}").read()
    raise FileNotFoundError(f"{requirement}: no source distribution downloaded")


def _record_package_schema(dereferenced: dict) -> dict:
    """The published shape of record-package-schema.json from its dereferenced copy: the
    record under ``definitions.record`` (libcoveocds patches it there), and the embedded
    releases, compiled release and versioned release as ``$ref``s to their schemas."""
    schema = {k: v for k, v in dereferenced.items() if k != "properties"}
    schema["id"] = f"{BASE}record-package-schema.json"
    properties = dict(dereferenced["properties"])
    record = properties["records"]["items"]
    properties["records"] = {**{k: v for k, v in properties["records"].items()
                                if k != "items"}, "items": {"$ref": "#/definitions/record"}}
    releases = record["properties"]["releases"]
    linked, embedded = releases["oneOf"]
    record["properties"]["releases"] = {
        **{k: v for k, v in releases.items() if k != "oneOf"},
        "oneOf": [linked, {**{k: v for k, v in embedded.items() if k != "items"},
                           "items": {"$ref": f"{BASE}release-schema.json"}}]}
    record["properties"]["compiledRelease"] = {
        "title": "Compiled release", "description": "This is the latest version of all "
        "the contracting data, it has the same schema as an open contracting release.",
        "$ref": f"{BASE}release-schema.json"}
    # Published as a $ref to versioned-release-validation-schema.json, which libcoveocds
    # dereferences over the network when it expands a record package (jsonref, outside
    # its registry). Offline that fails, so here it is an object: our records carry no
    # versionedRelease, so nothing of ours goes unchecked.
    record["properties"]["versionedRelease"] = {
        "title": "Versioned release", "description": "This contains the history of all "
        "the data in the compiled release.", "type": "object"}
    schema["properties"] = properties
    schema["definitions"] = {"record": record}
    return schema


def _closed_codelists(schema: dict) -> dict:
    """The closed codelists' CSVs, from the ``enum`` the 1.1 schema gives each closed
    codelist field (the same codes). libcoveocds needs at least one standard codelist."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            name, enum = node.get("codelist"), node.get("enum") or (
                node.get("items", {}).get("enum") if isinstance(node.get("items"), dict)
                else None)
            if name and node.get("openCodelist") is False and enum:
                found.setdefault(name, [c for c in enum if c is not None])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return {f"codelists/{name}": ("Code\n" + "".join(f"{c}\n" for c in codes)).encode()
            for name, codes in sorted(found.items())}


def build(target: Path | None = None) -> Path:
    """Download the sdists with pip (the registry is the one network here) and write the
    standard's zip."""
    target = Path(target or settings.OCDS_STANDARD_ZIP)
    with tempfile.TemporaryDirectory() as tmp:
        requirements = sorted({req for req, _member, _name in SOURCES})
        subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", "--dest", tmp, *requirements], check=True)
        files = {}
        for requirement, member, name in SOURCES:
            content = _sdist_member(Path(tmp), requirement, member)
            if name == "record-package-schema.json":
                content = json.dumps(_record_package_schema(json.loads(content)),
                                     ensure_ascii=False, indent=2).encode()
            files[name] = content
    files.update(_closed_codelists(json.loads(files["release-schema.json"])))
    for name in ("release-schema.json", "versioned-release-validation-schema.json",
                 "release-package-schema.json"):
        if f"/{TAG}/" not in json.loads(files[name]).get("id", ""):
            raise ValueError(f"{name}: not the OCDS {TAG} schema")
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    root = f"standard-{TAG}/"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ProfileBuilder takes the first entry as the repository's root folder.
        archive.writestr(root, "")
        archive.writestr(f"{root}schema/", "")
        for name, content in sorted(files.items()):
            archive.writestr(f"{root}schema/{name}", content)
    target.write_bytes(buffer.getvalue())
    return target


def standard_zip() -> bytes:
    path = Path(settings.OCDS_STANDARD_ZIP)
    if not path.exists():
        build(path)
    return path.read_bytes()


# --- validation -------------------------------------------------------------------------

EXTENSIONS_DIR = Path(__file__).resolve().parent / "extensions"


class _LocalExtensions(requests.adapters.BaseAdapter):
    """Answers ocdsextensionregistry's requests from this repository: our own
    extensions by their public URL; anything else refused at once (no network here, and
    a hanging request would stall the check)."""

    def __init__(self, prefix: str):
        super().__init__()
        self.prefix = prefix

    def send(self, request, **kwargs):
        response = requests.Response()
        response.request, response.url = request, request.url
        path = None
        if request.url.startswith(self.prefix):
            path = (EXTENSIONS_DIR / request.url[len(self.prefix):]).resolve()
            if not path.is_relative_to(EXTENSIONS_DIR) or not path.is_file():
                path = None
        if path is None:
            raise requests.ConnectionError(f"offline: {request.url}", request=request)
        response.status_code, response.reason = 200, "OK"
        # A urllib3 response, as requests-cache (ocdsextensionregistry's session) stores it.
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(path.read_bytes()), status=200,
                                            preload_content=False, request_url=request.url)
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


def validate(package: dict, *, record: bool = False) -> dict:
    """libcoveocds' report on a release or record package (API context): its
    ``validation_errors`` must be empty."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig
    from ocdsextensionregistry import util

    from .packages import extension_url_prefix

    adapter = _LocalExtensions(extension_url_prefix())
    saved = dict(util.session.adapters)
    for scheme in ("http://", "https://"):
        util.session.mount(scheme, adapter)
    try:
        config = LibCoveOCDSConfig({"context": "api", "standard_zip": standard_zip()})
        with tempfile.TemporaryDirectory() as tmp:
            return ocds_json_output(tmp, None, "1.1", convert=False, json_data=package,
                                    lib_cove_ocds_config=config, record_pkg=record)
    finally:
        util.session.adapters.clear()
        util.session.adapters.update(saved)

if __name__ == "__main__":  # python -m disclosure.ocds.standard [target.zip]
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
