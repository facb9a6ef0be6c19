"""A minimal in-tree PEP 517 / PEP 660 build backend for the pure-Python
zoomws package, so that `pip install bindings/python` works offline: pip's
isolated build environment needs nothing from an index (setuptools would
have to be downloaded). It reads [project] from pyproject.toml and packs
zoomws/*.py into a py3-none-any wheel; an editable install is a .pth file.
"""
import base64
import hashlib
import io
import os
import tarfile
import time
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11: pyproject.toml lists tomli for these
    import tomli as tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "zoomws"
SDIST_FILES = ("pyproject.toml", "README.md", "build_backend/zoomws_build.py")
SDIST_DIRS = (PACKAGE, "examples")


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _dist_name(project):
    return "%s-%s" % (project["name"].replace("-", "_"), project["version"])


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: %s" % project["name"],
             "Version: %s" % project["version"]]
    if project.get("description"):
        lines.append("Summary: %s" % project["description"])
    if project.get("requires-python"):
        lines.append("Requires-Python: %s" % project["requires-python"])
    for c in project.get("classifiers", []):
        lines.append("Classifier: %s" % c)
    for url_name, url in project.get("urls", {}).items():
        lines.append("Project-URL: %s, %s" % (url_name, url))
    body = ""
    readme = project.get("readme")
    if readme and os.path.exists(os.path.join(ROOT, readme)):
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, readme), encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _wheel_file():
    return "Wheel-Version: 1.0\nGenerator: zoomws_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _package_files():
    pkg = os.path.join(ROOT, PACKAGE)
    return sorted("%s/%s" % (PACKAGE, n) for n in os.listdir(pkg)
                  if n.endswith(".py") or n == "py.typed")


def _write_wheel(directory, files):
    """files: {archive name: bytes}; returns the wheel's file name."""
    project = _project()
    dist = _dist_name(project)
    info = "%s.dist-info" % dist
    files = dict(files)
    files["%s/METADATA" % info] = _metadata(project).encode("utf-8")
    files["%s/WHEEL" % info] = _wheel_file().encode()
    files["%s/top_level.txt" % info] = (PACKAGE + "\n").encode()
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append("%s,sha256=%s,%d" % (name, digest.decode(), len(data)))
    record.append("%s/RECORD,," % info)
    files["%s/RECORD" % info] = ("\n".join(record) + "\n").encode()
    name = "%s-py3-none-any.whl" % dist
    stamp = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")))[:6]
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for arcname, data in files.items():
            zi = zipfile.ZipInfo(arcname, stamp)
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return name


def _read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


# ------------------------------------------------------------ PEP 517 hooks

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    info = "%s.dist-info" % _dist_name(project)
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(project))
    with open(os.path.join(metadata_directory, info, "WHEEL"), "w") as f:
        f.write(_wheel_file())
    return info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, {rel: _read(rel) for rel in _package_files()})


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    pth = (ROOT + "\n").encode()  # the source tree goes on sys.path
    return _write_wheel(wheel_directory, {"_%s_editable.pth" % PACKAGE: pth})


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    dist = _dist_name(project)
    name = "%s.tar.gz" % dist
    rels = list(SDIST_FILES)
    for d in SDIST_DIRS:
        for n in sorted(os.listdir(os.path.join(ROOT, d))):
            if n.endswith(".py"):
                rels.append("%s/%s" % (d, n))
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as t:
        entries = [(rel, _read(rel)) for rel in rels if os.path.exists(os.path.join(ROOT, rel))]
        entries.append(("PKG-INFO", _metadata(project).encode("utf-8")))
        for rel, data in entries:
            ti = tarfile.TarInfo("%s/%s" % (dist, rel))
            ti.size = len(data)
            ti.mode = 0o755 if rel.startswith("examples/") else 0o644
            ti.mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
            t.addfile(ti, io.BytesIO(data))
    return name
