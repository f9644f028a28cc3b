#!/usr/bin/env python3
"""Refresh the vendored front-end packages under static/vendor/ from the npm registry (`make vendor`).

Each pinned package is fetched with `npm pack`, its tarball checked against the `dist.integrity`
the registry publishes for that version, and only the files the portal serves are copied out.
The result is described in static/vendor/manifest.json, which tests/portal/test_vendor.py holds
the tree to, so a hand edit or a half-finished refresh shows up as a failing test.

Standard library only, plus `npm` on the PATH. Changing a version here and running it again is
the whole upgrade procedure; read the diff of manifest.json before committing.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"

# The Pretendard GOV weights we serve. KRDS's CSS asks for 400 and 700 only; 500 is kept because
# KRDS itself ships Medium and the portal's own CSS uses in-between weights (600 falls to 700).
FONT_WEIGHTS = {"400": "Regular", "500": "Medium", "700": "Bold"}
FONTS = "web/static/woff2-dynamic-subset"

# A source map comment whose map we do not ship: ManifestStaticFilesStorage would fail on it.
SOURCE_MAP = re.compile(r"\n?/\*# sourceMappingURL=[^*]*\*/\s*$|\n?//# sourceMappingURL=\S+\s*$")


def strip_source_map(data: bytes) -> bytes:
    text = data.decode("utf-8")
    return (SOURCE_MAP.sub("", text).rstrip("\n") + "\n").encode("utf-8")


def pretendard_css(data: bytes) -> bytes:
    """Keep the @font-face rules of FONT_WEIGHTS, woff2 only (every browser with unicode-range reads it)."""
    text = data.decode("utf-8")
    rules = list(re.finditer(r"(?:/\* \[\d+\] \*/\s*)?@font-face\s*\{.*?\}", text, flags=re.S))
    head = text[: rules[0].start()] if rules else ""
    kept = []
    for rule in (match.group(0) for match in rules):
        weight = re.search(r"font-weight:\s*(\d+)", rule).group(1)
        if weight not in FONT_WEIGHTS:
            continue
        kept.append(re.sub(r",\s*url\([^)]*\.woff\) format\('woff'\)", "", rule))
    if not kept:
        raise SystemExit("pretendard-gov: no @font-face rule left for the kept weights; has the CSS changed shape?")
    return (head.rstrip() + "\n\n" + "\n".join(kept) + "\n").encode("utf-8")


@dataclass
class Package:
    name: str
    version: str
    dest: str  # folder under static/vendor/
    licence: str  # SPDX id as the package declares it
    # (pattern inside the tarball's package/ folder, path under dest); a trailing * keeps the file name
    keep: list[tuple[str, str]]
    licence_files: list[str]
    transforms: dict[str, object] = field(default_factory=dict)  # dest path -> bytes -> bytes


PACKAGES = [
    Package(
        name="krds-uiux",
        version="1.1.0",
        dest="krds",
        licence="ISC",
        keep=[
            # output.css is the built bundle (common + components) with image paths that resolve;
            # component.css alone points at a non-existent img/img/ folder.
            ("resources/css/component/output.css", "css/component/output.css"),
            ("resources/css/token/krds_tokens.css", "css/token/krds_tokens.css"),
            ("resources/js/component/ui-script.js", "js/component/ui-script.js"),
            ("resources/img/component/icon/*.svg", "img/component/icon/*"),
            ("package.json", "package.json"),
            ("README.md", "README.md"),
        ],
        # The package carries no licence text: package.json declares ISC and README.md points to
        # the KRDS terms of use. Both are kept as the record of the grant.
        licence_files=["package.json", "README.md"],
        transforms={"css/component/output.css": strip_source_map},
    ),
    Package(
        name="pretendard-gov",
        version="1.3.9",
        dest="pretendard-gov",
        licence="OFL-1.1",
        keep=[
            ("dist/web/static/pretendard-gov-dynamic-subset.css", "web/static/pretendard-gov-dynamic-subset.css"),
            *(
                (f"dist/web/static/woff2-dynamic-subset/PretendardGOV-{style}.subset.*.woff2", f"{FONTS}/*")
                for style in FONT_WEIGHTS.values()
            ),
            ("dist/LICENSE.txt", "LICENSE.txt"),
            ("package.json", "package.json"),
        ],
        licence_files=["LICENSE.txt"],
        transforms={"web/static/pretendard-gov-dynamic-subset.css": pretendard_css},
    ),
]


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def npm(*args: str, cwd: Path) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def fetch(pkg: Package, workdir: Path) -> tuple[bytes, str]:
    spec = f"{pkg.name}@{pkg.version}"
    published = json.loads(npm("view", spec, "dist.integrity", "--json", cwd=workdir))
    packed = json.loads(
        npm("pack", spec, "--ignore-scripts", "--json", "--pack-destination", str(workdir), cwd=workdir)
    )
    tarball = (workdir / packed[0]["filename"]).read_bytes()
    # Our own digest of the bytes on disk, not npm's report of them.
    if sri(tarball) != published:
        raise SystemExit(f"{spec}: tarball integrity {sri(tarball)} does not match the registry's {published}")
    return tarball, published


def select(pkg: Package, tarball: bytes, workdir: Path) -> dict[str, bytes]:
    path = workdir / f"{pkg.name}.tgz"
    path.write_bytes(tarball)
    files: dict[str, bytes] = {}
    used = set()
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            inner = member.name.removeprefix("package/")
            for pattern, target in pkg.keep:
                folder, _, name = inner.rpartition("/")
                pattern_folder, _, pattern_name = pattern.rpartition("/")
                # One folder level only: fnmatch's * would also cross slashes.
                if folder == pattern_folder and fnmatch.fnmatchcase(name, pattern_name):
                    dest = target[:-1] + name if target.endswith("*") else target
                    data = tar.extractfile(member).read()
                    transform = pkg.transforms.get(dest)
                    files[dest] = transform(data) if transform else data
                    used.add(pattern)
                    break
    missing = [pattern for pattern, _ in pkg.keep if pattern not in used]
    if missing:
        raise SystemExit(f"{pkg.name}@{pkg.version}: nothing matched {missing}; has the package changed layout?")
    return files


def main() -> int:
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed on the PATH (Debian: apt-get install -y npm)")
    manifest = {
        "comment": "Written by scripts/vendor_assets.py; do not edit. tests/portal/test_vendor.py checks the tree.",
        "packages": {},
    }
    with tempfile.TemporaryDirectory(prefix="vendor-") as tmp:
        workdir = Path(tmp)
        staged = {}
        for pkg in PACKAGES:
            tarball, integrity = fetch(pkg, workdir)
            files = select(pkg, tarball, workdir)
            staged[pkg.dest] = files
            manifest["packages"][pkg.name] = {
                "version": pkg.version,
                "integrity": integrity,
                "licence": pkg.licence,
                "dest": pkg.dest,
                "licence_files": pkg.licence_files,
                "transformed": sorted(pkg.transforms),
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
            }
            size = sum(len(d) for d in files.values())
            print(f"{pkg.name}@{pkg.version}: {len(files)} files, {size / 1024:.0f} KiB -> static/vendor/{pkg.dest}/")
        # Replace each package folder whole, so a file dropped upstream goes here too.
        for dest, files in staged.items():
            shutil.rmtree(VENDOR / dest, ignore_errors=True)
            for name, data in files.items():
                target = VENDOR / dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
