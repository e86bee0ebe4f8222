"""Uploads into a run's folder: streamed to disk as they arrive, limited, never elsewhere.

A run request is JSON, or multipart/form-data with text fields and files. Files go to
`<run folder>/uploads/<field>/<their relative path>` while the request streams in (no
temporary files anywhere else); a request over the size limit stops at the limit.
File names are the browser's (a folder upload sends `folder/yes/clip.wav`): each part of
the path is reduced to a safe name, and a name that tries to leave its folder (`..`,
an absolute path) is refused. What the files contain is checked afterwards by the same
loaders `lab run` uses (lab.serve.requests).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MB = 1 << 20
FIELD_BYTES = 4096              # a text field (app, platform, ...) is short
SAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._+()@ -]")
MAX_DEPTH = 8
MAX_NAME = 120


class UploadError(Exception):
    """A request refused: `status` is the HTTP status, the message one line."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Limits:
    request_bytes: int = 64 * MB     # the whole request, all files together
    files: int = 5000


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[Path]] = field(default_factory=dict)     # field -> saved files
    names: dict[str, list[str]] = field(default_factory=dict)      # field -> relative names

    def upload(self, name: str, root: Path) -> Path | None:
        """Where field `name`'s upload is: its file, or the folder its files make up
        (the folder the person picked, when every name starts with it)."""
        files = self.files.get(name)
        if not files:
            return None
        names = self.names[name]
        if len(files) == 1 and "/" not in names[0]:
            return files[0]
        tops = {n.split("/", 1)[0] for n in names}
        folder = root / name
        if len(tops) == 1 and all("/" in n for n in names):
            folder = folder / tops.pop()
        return folder


def safe_relative_path(filename: str) -> Path:
    """The browser's file name as a path inside the upload folder; UploadError for a
    name that would leave it."""
    parts = [p for p in re.split(r"[/\\]+", filename) if p not in ("", ".")]
    if not parts:
        raise UploadError(f"an uploaded file has no name ({filename!r})")
    if ".." in parts or re.match(r"^[A-Za-z]:", filename) or filename.startswith(("/", "\\")):
        raise UploadError(f"{filename}: a file name must stay inside its folder "
                          "(no '..', no absolute paths)")
    if len(parts) > MAX_DEPTH:
        raise UploadError(f"{filename}: folders nested more than {MAX_DEPTH} deep")
    cleaned = [SAFE_CHARACTERS.sub("_", p)[:MAX_NAME].strip() or "_" for p in parts]
    return Path(*cleaned)


class FormReceiver:
    """Parses multipart/form-data chunk by chunk, writing files under `root`."""

    def __init__(self, boundary: bytes, root: Path, limits: Limits, file_fields, text_fields):
        from python_multipart.multipart import MultipartParser

        self.root, self.limits = root, limits
        self.file_fields, self.text_fields = set(file_fields), set(text_fields)
        self.form = Form()
        self.received = 0
        self._header_field = b""
        self._headers: dict[bytes, bytes] = {}
        self._part = None            # (field name, open file or bytearray)
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._part_begin, "on_header_field": self._header_name,
            "on_header_value": self._header_value, "on_headers_finished": self._headers_done,
            "on_part_data": self._data, "on_part_end": self._part_end})

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.limits.request_bytes:
            raise UploadError(f"the upload is larger than the server's limit of "
                              f"{self.limits.request_bytes / MB:g} MB", 413)
        self._parser.write(chunk)

    def close(self) -> Form:
        self._parser.finalize()
        if self._part is not None:
            raise UploadError("the upload ended in the middle of a file (connection lost?)")
        return self.form

    def abort(self) -> None:
        if self._part is not None and hasattr(self._part[1], "close"):
            self._part[1].close()
        self._part = None

    # ---------------------------------------------------------- parser callbacks
    def _part_begin(self) -> None:
        self._headers = {}

    def _header_name(self, data: bytes, start: int, end: int) -> None:
        self._header_field = data[start:end].lower()

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._headers[self._header_field] = self._headers.get(self._header_field, b"") + \
            data[start:end]

    def _headers_done(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            if name not in self.text_fields:
                raise UploadError(f"unknown field {name!r} (fields: "
                                  f"{', '.join(sorted(self.text_fields | self.file_fields))})")
            self._part = (name, bytearray())
            return
        if name not in self.file_fields:
            raise UploadError(f"field {name!r} takes no file (files go in: "
                              f"{', '.join(sorted(self.file_fields))})")
        self._part = (name, self._open(name, filename.decode("utf-8", "replace")))

    def _open(self, name: str, filename: str):
        relative = safe_relative_path(filename)
        count = sum(len(v) for v in self.form.files.values())
        if count >= self.limits.files:
            raise UploadError(f"more than {self.limits.files} files in one upload", 413)
        path = self.root / name / relative
        if path.exists():
            raise UploadError(f"{filename}: uploaded twice")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.form.files.setdefault(name, []).append(path)
        self.form.names.setdefault(name, []).append(relative.as_posix())
        return open(path, "xb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        name, sink = self._part
        if isinstance(sink, bytearray):
            sink += data[start:end]
            if len(sink) > FIELD_BYTES:
                raise UploadError(f"field {name!r} is too long")
        else:
            sink.write(data[start:end])

    def _part_end(self) -> None:
        name, sink = self._part
        if isinstance(sink, bytearray):
            self.form.fields[name] = sink.decode("utf-8", "replace").strip()
        else:
            sink.close()
        self._part = None


def boundary_of(content_type: str) -> bytes:
    from python_multipart.multipart import parse_options_header

    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise UploadError("multipart/form-data without a boundary")
    return boundary
