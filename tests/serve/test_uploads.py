"""lab.serve.uploads: a request streams into the run's folder, within its limits, and a
file name never leads outside it."""
import httpx
import pytest

from lab.serve.uploads import Limits, FormReceiver, UploadError, boundary_of, safe_relative_path

FILES, TEXT = ("audio", "model"), ("app", "platform")


def multipart(fields=None, files=None):
    """(content type, body) as a browser sends them."""
    request = httpx.Request("POST", "http://x/", data=fields or {}, files=files or [])
    return request.headers["content-type"], request.read()


def receive(tmp_path, content_type, body, limits=None, chunk=1000):
    receiver = FormReceiver(boundary_of(content_type), tmp_path / "uploads",
                            limits or Limits(), FILES, TEXT)
    for start in range(0, len(body), chunk):     # as the network delivers it
        receiver.feed(body[start:start + chunk])
    return receiver.close()


@pytest.mark.parametrize("name, expected", [
    ("clip.wav", "clip.wav"), ("my clips/yes/a.wav", "my clips/yes/a.wav"),
    ("speech\\no\\b.wav", "speech/no/b.wav"), ("./x//y.wav", "x/y.wav"),
    ("we<ird>:name?.wav", "we_ird__name_.wav")])
def test_browser_names_become_paths_inside_the_folder(name, expected):
    assert safe_relative_path(name).as_posix() == expected


@pytest.mark.parametrize("name", ["../evil.wav", "a/../../evil.wav", "/etc/passwd",
                                  "C:\\windows\\x.wav", "", "a/" * 9 + "x.wav"])
def test_names_that_would_leave_the_folder_are_refused(name):
    with pytest.raises(UploadError):
        safe_relative_path(name)


def test_files_and_fields_stream_to_disk(tmp_path):
    content_type, body = multipart({"app": "micro_speech"}, [
        ("audio", ("speech/yes/a.wav", b"A" * 5000, "audio/wav")),
        ("audio", ("speech/no/b.wav", b"B" * 3000, "audio/wav"))])
    form = receive(tmp_path, content_type, body)
    assert form.fields == {"app": "micro_speech"}
    assert (tmp_path / "uploads/audio/speech/yes/a.wav").read_bytes() == b"A" * 5000
    # A folder upload names the folder the person picked, as `lab run --audio DIR` would.
    assert form.upload("audio", tmp_path / "uploads") == tmp_path / "uploads/audio/speech"
    assert form.upload("model", tmp_path / "uploads") is None


def test_a_single_file_is_that_file(tmp_path):
    content_type, body = multipart(files=[("audio", ("clip.wav", b"RIFF", "audio/wav"))])
    form = receive(tmp_path, content_type, body)
    assert form.upload("audio", tmp_path / "uploads") == tmp_path / "uploads/audio/clip.wav"


def test_a_request_over_the_limit_stops_at_the_limit(tmp_path):
    content_type, body = multipart(files=[("audio", ("big.wav", b"x" * 50000, "audio/wav"))])
    with pytest.raises(UploadError, match="larger than the server's limit") as error:
        receive(tmp_path, content_type, body, Limits(request_bytes=20000))
    assert error.value.status == 413
    written = tmp_path / "uploads/audio/big.wav"
    assert written.stat().st_size < 20000


@pytest.mark.parametrize("files, fields, message", [
    ([("elf", ("a.elf", b"x", "application/octet-stream"))], {}, "field 'elf' takes no file"),
    ([("audio", ("a.wav", b"x", "x"))], {"colour": "red"}, "unknown field 'colour'"),
    ([("audio", ("a.wav", b"1", "x")), ("audio", ("a.wav", b"2", "x"))], {}, "uploaded twice"),
])
def test_what_a_form_may_not_hold(tmp_path, files, fields, message):
    content_type, body = multipart(fields, files)
    with pytest.raises(UploadError, match=message):
        receive(tmp_path, content_type, body)


def test_too_many_files(tmp_path):
    content_type, body = multipart(files=[("audio", (f"d/{i}.wav", b"x", "x")) for i in range(4)])
    with pytest.raises(UploadError, match="more than 3 files"):
        receive(tmp_path, content_type, body, Limits(files=3))
