"""The daily bulk export of every contracting process's OCDS data.

Two files in ``OCDS_EXPORT_DIR`` (under MEDIA_ROOT by default, so served publicly at
MEDIA_URL + "ocds/"), each a zip of JSON lines, one line per contracting process:

- ``releases.jsonl.zip``: each line a release package of one process's releases;
- ``records.jsonl.zip``: each line a record package (the compiled release).

Written to a temporary name and renamed, so a reader never sees half a file; safe to run
twice. One process that fails to build is logged and left out, the others still go in.
"""

import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path

from celery import shared_task
from django.conf import settings

from .ocds import packages
from .ocds.releases import public_projects

logger = logging.getLogger(__name__)

FILES = {"releases": "releases.jsonl.zip", "records": "records.jsonl.zip"}
BATCH = 200


def ocds_export(*, directory: Path | None = None) -> dict:
    """1. Walk the public projects in batches; 2. write each one's release package and
    record package as a line of its file; 3. swap the new zips in."""
    directory = Path(directory or settings.OCDS_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {"projects": 0, "failed": 0}
    tmp = {kind: tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".jsonl",
                                             dir=directory, delete=False)
           for kind in FILES}
    try:
        last = 0
        while True:
            batch = list(public_projects().filter(pk__gt=last).order_by("pk")[:BATCH])
            if not batch:
                break
            for project in batch:
                last = project.pk
                try:
                    lines = {"releases": packages.project_release_package(project),
                             "records": packages.record_package(project)}
                except Exception:
                    logger.exception("OCDS export: project %s left out", project.code)
                    counts["failed"] += 1
                    continue
                for kind, package in lines.items():
                    tmp[kind].write(json.dumps(package, ensure_ascii=False) + "\n")
                counts["projects"] += 1
        for kind, name in FILES.items():
            tmp[kind].close()
            zipped = directory / f".{name}.part"
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(tmp[kind].name, arcname=name.removesuffix(".zip"))
            os.replace(zipped, directory / name)
    finally:
        for handle in tmp.values():
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
    return counts


@shared_task(ignore_result=True)
def ocds_export_daily() -> None:
    counts = ocds_export()
    logger.info("OCDS export: %(projects)s processes, %(failed)s left out", counts)
