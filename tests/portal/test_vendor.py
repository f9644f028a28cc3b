"""The vendored front-end packages are exactly what scripts/vendor_assets.py wrote, and deployable.

No network: the tree is held to static/vendor/manifest.json (written by the script after checking each
tarball against the registry's integrity), and the CSS is run through the same hashed-manifest
post-processing production's collectstatic does, which fails on a url() that points nowhere.
"""

import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))
PACKAGES = MANIFEST["packages"]
# Files in static/vendor/ that belong to no package: our notes and the manifest itself.
OWN_FILES = {"README.md", "manifest.json"}
CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def load_script():
    """The script is not a package module; load it by path (it imports the standard library only)."""
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def files_on_disk(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_manifest_records_the_versions_the_script_pins():
    pins = {pkg.name: (pkg.version, pkg.dest) for pkg in load_script().PACKAGES}
    assert {name: (entry["version"], entry["dest"]) for name, entry in PACKAGES.items()} == pins


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_integrity_is_a_sha512_subresource_digest(name):
    assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", PACKAGES[name]["integrity"])


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_the_vendored_package_json_is_the_pinned_version(name):
    entry = PACKAGES[name]
    package_json = json.loads((VENDOR / entry["dest"] / "package.json").read_text(encoding="utf-8"))
    assert (package_json["name"], package_json["version"], package_json["license"]) == (
        name,
        entry["version"],
        entry["licence"],
    )


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_the_folder_holds_exactly_the_manifest_files(name):
    entry = PACKAGES[name]
    assert files_on_disk(VENDOR / entry["dest"]) == set(entry["files"])


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_file_has_the_recorded_content(name):
    entry = PACKAGES[name]
    changed = [
        path
        for path, digest in entry["files"].items()
        if hashlib.sha256((VENDOR / entry["dest"] / path).read_bytes()).hexdigest() != digest
    ]
    assert changed == []


def test_nothing_outside_the_package_folders_but_our_notes():
    folders = {entry["dest"] for entry in PACKAGES.values()}
    stray = {path for path in files_on_disk(VENDOR) if path.split("/")[0] not in folders}
    assert stray == OWN_FILES


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_package_keeps_its_licence(name):
    entry = PACKAGES[name]
    assert entry["licence_files"]
    for path in entry["licence_files"]:
        assert path in entry["files"]
        assert (VENDOR / entry["dest"] / path).stat().st_size > 0


def test_the_font_licence_is_the_open_font_licence():
    text = (VENDOR / "pretendard-gov" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text


def test_every_css_reference_resolves_inside_its_package():
    """Relative, local, and present: no CDN, no path that climbs out of the package folder."""
    broken = []
    for entry in PACKAGES.values():
        package_root = (VENDOR / entry["dest"]).resolve()
        for path in (p for p in entry["files"] if p.endswith(".css")):
            css = package_root / path
            for match in CSS_REFERENCE.finditer(css.read_text(encoding="utf-8")):
                ref = match.group(1) or match.group(2)
                if ref.startswith("data:"):
                    continue
                target = (css.parent / ref.split("#")[0].split("?")[0]).resolve()
                if not target.is_relative_to(package_root) or not target.is_file():
                    broken.append(f"{entry['dest']}/{path}: {ref}")
    assert broken == []


def test_every_kept_font_file_is_used_by_the_font_css():
    css = (VENDOR / "pretendard-gov" / "web/static/pretendard-gov-dynamic-subset.css").read_text(encoding="utf-8")
    fonts = {p for p in PACKAGES["pretendard-gov"]["files"] if p.endswith(".woff2")}
    referenced = {"web/static/" + ref.removeprefix("./") for ref in re.findall(r"url\(([^)]+\.woff2)\)", css)}
    assert fonts == referenced


def test_collectstatic_with_hashed_names_accepts_the_vendored_css(settings, tmp_path):
    """Production's storage rewrites every url() to a hashed name and stops on one it cannot find."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "vendor/krds/css/component/output.css" in paths
    assert "vendor/pretendard-gov/web/static/pretendard-gov-dynamic-subset.css" in paths
