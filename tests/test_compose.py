"""What the app writes in docker-compose.yml survives the containers: every directory it is
told to write to lies on a named volume, writable by the image's unprivileged user.

Read generically from the files, so a directory added later (a new ``*_DIR`` or
``*_ROOT`` variable) is held to the same rule without touching this test."""

import re
from pathlib import Path, PurePosixPath

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# At least these run the application's image; app_services() finds every one that does.
APP_SERVICES = ["web", "worker", "beat"]
# Variables settings.py reads that need no volume, and why.
NO_VOLUME = {
    "STATIC_ROOT": "collected into the image at build time (Dockerfile)",
    "CELERY_FILESYSTEM_BROKER_DIR": "compose uses Redis as the broker",
}
DIRECTORY = re.compile(r"^[A-Z][A-Z0-9_]*_(?:ROOT|DIR)$")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def app_services(compose: dict) -> list[str]:
    image = compose["services"]["web"].get("image")
    return [name for name, service in compose["services"].items()
            if "build" in service or (image and service.get("image") == image)]


def test_web_worker_and_beat_run_the_application(compose):
    assert set(APP_SERVICES) <= set(app_services(compose))


def environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the KEY=value form
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def named_mounts(compose: dict, service: dict) -> dict[PurePosixPath, str]:
    """target → named volume, for the service's read-write named-volume mounts."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target, *options = volume.split(":")
            read_only = "ro" in ",".join(options).split(",")
        else:
            if volume.get("type", "volume") != "volume":
                continue
            source, target = volume.get("source"), volume["target"]
            read_only = bool(volume.get("read_only"))
        if source in (compose.get("volumes") or {}) and not read_only:
            mounts[PurePosixPath(target)] = source
    return mounts


def written_directories(service: dict) -> dict[str, PurePosixPath]:
    return {key: PurePosixPath(value) for key, value in environment(service).items()
            if DIRECTORY.match(key) and key not in NO_VOLUME}


def test_every_directory_the_app_writes_is_on_a_named_volume(compose):
    for name in app_services(compose):
        service = compose["services"][name]
        mounts = named_mounts(compose, service)
        directories = written_directories(service)
        assert {"MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"} <= directories.keys(), name
        for key, path in directories.items():
            assert path.is_absolute(), f"{name}: {key}={path} is relative to the container"
            on = [target for target in mounts if path == target or target in path.parents]
            assert on, f"{name}: {key}={path} is on no named volume; it is lost on recreate"


def test_private_files_share_no_folder_with_public_media(compose):
    for name in app_services(compose):
        directories = written_directories(compose["services"][name])
        media, private = directories["MEDIA_ROOT"], directories["PRIVATE_MEDIA_ROOT"]
        assert media != private and media not in private.parents
        assert private not in media.parents


def test_every_directory_setting_is_set_for_the_containers(compose):
    """A new *_DIR or *_ROOT read in settings.py defaults to var/ inside the container:
    compose must point it at a volume (or it is listed above with the reason it need not)."""
    settings_source = (ROOT / "config/settings.py").read_text()
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*_(?:ROOT|DIR))["']""",
                          settings_source))
    read |= set(re.findall(r"""_env\(\s*["']([A-Z][A-Z0-9_]*_(?:ROOT|DIR))["']""",
                           settings_source))
    assert {"MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"} <= read
    for name in app_services(compose):
        missing = read - NO_VOLUME.keys() - environment(compose["services"][name]).keys()
        assert not missing, f"{name}: {sorted(missing)} not set in docker-compose.yml"


def test_the_image_creates_each_volume_mount_for_its_user(compose):
    """A named volume mounted where the image has no directory is created owned by root,
    and the unprivileged user cannot write to it."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    mkdirs = " ".join(re.findall(r"mkdir -p ([^&\n]+)", dockerfile)).split()
    chowns = " ".join(re.findall(r"chown -R \S+ ([^&\n]+)", dockerfile)).split()
    for name in app_services(compose):
        for target in named_mounts(compose, compose["services"][name]):
            assert str(target) in mkdirs and str(target) in chowns, target
