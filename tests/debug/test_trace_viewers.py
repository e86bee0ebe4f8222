"""`lab profile --trace` and `--speedscope` files opened in real viewers, in Debian's
chromium (headless, driven by Playwright; nothing is downloaded):

- speedscope's release build (the npm package pinned in tools/viewers, installed by
  scripts/setup.sh), served from 127.0.0.1. It imports the Chrome trace-event format (a
  profile per track) and its own format. What it read comes back through its UI (profile
  names, the Sandwich view's table) and its Export button, which saves the profiles it
  built (every slice as an open and a close event, in microseconds);
- Chromium's DevTools Performance panel ("Load trace..."), whose trace engine nests the
  slices of each thread into a tree and computes their self times.

On the nRF52840 one cycle is 1/64 us, a binary fraction, so times are exact and convert
back to whole cycles. (The `perfetto` package's trace processor could not be run here:
see docs/debugging.md.)
"""
from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browsers import CHROMIUM, needs_chromium

ROOT = Path(__file__).resolve().parents[2]
SPEEDSCOPE = ROOT / "tools" / "viewers" / "node_modules" / "speedscope" / "dist" / "release"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium
PROFILE_S = 120
VIEWER_MS = 20_000
BOARD = "hello_world on nrf52840"
# Speedscope names a trace's profile "<process> (pid P), <thread> (tid T)"; the firmware
# events track holds instants only, which speedscope does not show.
TRACKS = {1: "core", 10: "clock", 11: "uart0", 12: "rtc1"}


@pytest.fixture(scope="module")
def profiled(tmp_path_factory):
    """A folder with lab profile's trace and speedscope files; the run's result (--json)."""
    folder = tmp_path_factory.mktemp("viewers")
    run = subprocess.run([sys.executable, "-m", "lab.cli", "profile", "hello_world",
                          "--platform", "nrf52840", "--trace", str(folder / "trace.json"),
                          "--speedscope", str(folder / "functions.json"), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=PROFILE_S)
    assert run.returncode == 0, run.stderr
    return folder, json.loads(run.stdout)


class QuietHandler(SimpleHTTPRequestHandler):
    timeout = 10                                  # seconds per connection

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(profiled):
    """That folder and speedscope, served from 127.0.0.1."""
    folder, _ = profiled
    if not (SPEEDSCOPE / "index.html").is_file():
        pytest.fail("speedscope is not installed: run scripts/setup.sh (npm ci in "
                    "tools/viewers)")
    (folder / "speedscope").symlink_to(SPEEDSCOPE, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(VIEWER_MS)
    page.messages = []
    page.on("console", lambda message: page.messages.append((message.type, message.text)))
    page.on("pageerror", lambda error: page.messages.append(("pageerror", str(error))))
    yield page
    context.close()


def open_in_speedscope(page, site: str, file: str, first_profile: str) -> None:
    page.goto(f"{site}/speedscope/index.html#profileURL={site}/{file}")
    page.get_by_text(first_profile).first.wait_for()


def complaints(page) -> list:
    """Errors and warnings but the software renderer's WebGL performance notes."""
    return [(kind, text) for kind, text in page.messages
            if kind in ("error", "warning", "pageerror") and "GL Driver Message" not in text]


def export(page, folder: Path) -> dict:
    """What speedscope built from the file, saved by its Export button."""
    with page.expect_download() as download:
        page.get_by_text("Export").first.click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return json.loads(path.read_text())


def split_frame(frame_name: str) -> tuple[str, dict]:
    """Speedscope names a trace slice's frame `<name> <JSON of its args>`."""
    name, brace, args = frame_name.partition(" {")
    return name, json.loads(brace.strip() + args) if brace else {}


def speedscope_slices(document: dict, profile: dict) -> list[tuple]:
    """(start, end, depth, name, args) of every slice in an evented profile, from its
    open and close events."""
    frames = document["shared"]["frames"]
    open_events, slices = [], []
    for event in profile["events"]:
        if event["type"] == "O":
            open_events.append(event)
            continue
        opened = open_events.pop()
        assert opened["frame"] == event["frame"], "speedscope closed another frame"
        slices.append((opened["at"], event["at"], len(open_events),
                       *split_frame(frames[event["frame"]]["name"])))
    assert not open_events
    return sorted(slices, key=lambda s: (s[0], -s[1], s[2]))


def file_slices(trace: dict, tid: int) -> list[tuple]:
    """The same for one track of our file, times from its first slice as speedscope
    counts them. Speedscope weighs frames by time and leaves out slices of no duration
    (here the UART's interrupt line raised at the instant the run ended)."""
    events = [e for e in trace["traceEvents"] if e["ph"] == "X" and e["tid"] == tid
              and e["dur"] > 0]
    origin = min(e["ts"] for e in events)
    return sorted(((e["ts"] - origin, e["ts"] + e["dur"] - origin, e["name"], e["args"])
                   for e in events), key=in_order)


def in_order(piece: tuple) -> tuple:
    """Start, outermost first; ties by name and args."""
    start, end, name, args = piece
    return start, -end, name, json.dumps(args, sort_keys=True)


def test_speedscope_imports_the_trace_with_every_slice_where_the_file_puts_it(
        page, site, profiled):
    folder, _ = profiled
    trace = json.loads((folder / "trace.json").read_text())
    open_in_speedscope(page, site, "trace.json", f"{BOARD} (pid 1), core (tid 1)")
    assert ("log", "Importing as Trace Event Format profile") in page.messages
    # the importer warns about every slice that does not nest (an end with another slice
    # on top of the stack, a slice still open at the end)
    assert complaints(page) == []
    assert page.get_by_text(f"(1/{len(TRACKS)})").is_visible()
    document = export(page, folder)
    profiles = {p["name"]: p for p in document["profiles"]}
    assert set(profiles) == {f"{BOARD} (pid 1), {name} (tid {tid})"
                             for tid, name in TRACKS.items()}
    for tid, name in TRACKS.items():
        profile = profiles[f"{BOARD} (pid 1), {name} (tid {tid})"]
        assert profile["type"] == "evented" and profile["unit"] == "microseconds"
        read = sorted(((start, end, name, args) for start, end, _, name, args
                       in speedscope_slices(document, profile)), key=in_order)
        assert read == file_slices(trace, tid), f"track {name}"


def whole_cycles(microseconds: float, clock_hz: int) -> int:
    value = microseconds * clock_hz / 1e6
    assert value == int(value), "a slice that is not a whole number of cycles"
    return int(value)


def assert_ops_add_up_to_the_firmwares_cycles(inferences: list, result: dict) -> None:
    """inferences: [(cycles, self cycles, args, [(name, args, cycles)] of its children)]
    as a viewer built them, in time order."""
    measured = [e["cycles_inference"] for e in result["events"] if e["event"] == "inference"]
    assert len(inferences) == len(measured) == 40
    brackets = set()
    for (total, own, args, children), firmware_cycles in zip(inferences, measured):
        ops = [child for child in children if "index" in child[1]]
        assert [op_args["index"] for _, op_args, _ in ops] == [0, 1, 2, 3]
        assert {name for name, _, _ in ops} == {"FULLY_CONNECTED"}
        # the width the viewer draws each op and the inference is their DWT cycles
        assert [cycles for _, _, cycles in ops] == [op_args["cycles"] for _, op_args, _ in ops]
        assert total == args["cycles"]
        # the ops, and the interpreter's loop between them (the inference's self time)
        assert total == sum(cycles for _, _, cycles in children) + own
        assert 0 < own <= 0.05 * total
        # the firmware's two CYCCNT reads and the call around labrt_invoke: the same few
        # dozen cycles on every inference
        brackets.add(firmware_cycles - total)
    assert len(brackets) == 1 and 0 <= brackets.pop() <= 40


def test_op_slices_in_speedscope_add_up_to_the_cycles_the_firmware_measured(
        page, site, profiled):
    folder, result = profiled
    open_in_speedscope(page, site, "trace.json", f"{BOARD} (pid 1), core (tid 1)")
    document = export(page, folder)
    core = next(p for p in document["profiles"] if p["name"].endswith("core (tid 1)"))
    clock_hz = result["clock_hz"]
    slices = speedscope_slices(document, core)
    inferences = []
    for start, end, depth, name, args in slices:
        if name != "inference":
            continue
        children = [(child_name, child_args, whole_cycles(child_end - child_start, clock_hz))
                    for child_start, child_end, child_depth, child_name, child_args in slices
                    if start <= child_start and child_end <= end and child_depth == depth + 1]
        total = whole_cycles(end - start, clock_hz)
        inferences.append((total, total - sum(c for _, _, c in children), args, children))
    assert_ops_add_up_to_the_firmwares_cycles(inferences, result)


def sandwich_rows(page) -> dict[str, tuple[int, int]]:
    """{symbol: (total, self)} from the Sandwich view's table, scrolled through (it
    draws only the rows in view)."""
    page.get_by_text("Sandwich").first.click()
    page.locator("td").first.wait_for()
    rows = page.evaluate("""async () => {
        const rows = {};
        let box = document.querySelector('td').closest('table');
        while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
        for (let step = 0; step < 1000; step++) {
            await new Promise(done => setTimeout(done, 30));
            for (const row of document.querySelectorAll('tr')) {
                const cells = row.querySelectorAll('td');
                if (cells.length === 3)
                    rows[cells[2].innerText.trim()] = [cells[0].innerText, cells[1].innerText];
            }
            if (box.scrollTop + box.clientHeight >= box.scrollHeight) break;
            box.scrollTop += box.clientHeight / 2;
        }
        return rows;
    }""")

    def number(text: str) -> int:             # "225,288 (14%)"
        return int(text.split("(")[0].strip().replace(",", ""))

    return {name: (number(total), number(own)) for name, (total, own) in rows.items()}


def test_speedscope_shows_the_functions_and_cycles_lab_profile_reported(
        page, site, profiled):
    _, result = profiled
    name = f"{BOARD}: cycles per function"
    open_in_speedscope(page, site, "functions.json", name)
    assert ("log", "Importing as speedscope json file") in page.messages
    assert complaints(page) == []
    rows = sandwich_rows(page)
    reported = {function: cycles for function, cycles, *_ in result["profile"] if cycles > 0}
    assert len(reported) > 100
    # flat: every function's total is its self time, its cycles in lab profile's table
    assert rows == {function: (cycles, cycles) for function, cycles in reported.items()}


# Chromium's own DevTools (bundled in the browser): its Performance panel's trace engine,
# the one its "Load trace..." button feeds. This summarises what it parsed: per thread its
# slices and the tree it nested them into, with the self time it computed.
DEVTOOLS = "devtools://devtools/bundled/trace_app.html?panel=timeline"
DEVTOOLS_PARSED = """async () => {
    const timeline = await import('./panels/timeline/timeline.js');
    const panel = timeline.TimelinePanel.TimelinePanel.instance();
    let parsed;
    try {
        parsed = panel.getParsedTraceForLayoutTests();
    } catch (notYet) {
        return null;
    }
    const data = parsed.data || parsed;
    const node = n => ({name: n.entry.name, ts: n.entry.ts, dur: n.entry.dur,
                        args: n.entry.args, self: n.selfTime, children: n.children.map(node)});
    const threads = {};
    for (const [pid, process] of data.Renderer.processes)
        for (const [tid, thread] of process.threads)
            threads[tid] = {name: thread.name, tree: [...thread.tree.roots].map(node),
                            slices: thread.entries.map(e => [e.ts, e.dur, e.name, e.args])};
    return {processes: Object.fromEntries([...data.Meta.processNames].map(
                ([pid, event]) => [pid, event.args.name])),
            threads, warnings: [...data.Warnings.perWarning.keys()]};
}"""


def load_in_devtools(page, trace_path: Path) -> dict:
    page.goto(DEVTOOLS)
    # no page is attached to this DevTools: dismiss its notice that says so
    notice = page.get_by_text("Debugging connection was closed")
    notice.wait_for()
    page.keyboard.press("Escape")
    notice.wait_for(state="hidden")
    with page.expect_file_chooser() as chooser:
        page.locator('button[aria-label="Load trace…"]').first.click()
    chooser.value.set_files(trace_path)
    for _ in range(VIEWER_MS // 100):
        parsed = page.evaluate(DEVTOOLS_PARSED)
        if parsed is not None:
            return parsed
        page.wait_for_timeout(100)
    pytest.fail("DevTools did not load the trace")


def tree_size(nodes: list) -> int:
    return sum(1 + tree_size(node["children"]) for node in nodes)


def test_chromiums_devtools_performance_panel_nests_the_slices_and_sums_the_ops(
        page, profiled):
    folder, result = profiled
    trace = json.loads((folder / "trace.json").read_text())
    parsed = load_in_devtools(page, folder / "trace.json")
    assert complaints(page) == [] and parsed["warnings"] == []
    assert parsed["processes"] == {"1": BOARD}
    assert {int(tid): thread["name"] for tid, thread in parsed["threads"].items()} == TRACKS
    for tid, thread in parsed["threads"].items():
        ours = [e for e in trace["traceEvents"] if e["ph"] == "X" and e["tid"] == int(tid)]
        assert sorted(((ts, ts + dur, name, args) for ts, dur, name, args in thread["slices"]),
                      key=in_order) == \
            sorted(((e["ts"], e["ts"] + e["dur"], e["name"], e["args"]) for e in ours),
                   key=in_order), f"track {thread['name']}"
        # DevTools leaves out of its tree, silently, a slice that overlaps its parent's end
        assert tree_size(thread["tree"]) == len(ours), f"track {thread['name']}"
    clock_hz = result["clock_hz"]
    inferences = [(whole_cycles(root["dur"], clock_hz), whole_cycles(root["self"], clock_hz),
                   root["args"], [(child["name"], child["args"],
                                   whole_cycles(child["dur"], clock_hz))
                                  for child in root["children"]])
                  for root in parsed["threads"]["1"]["tree"] if root["name"] == "inference"]
    assert_ops_add_up_to_the_firmwares_cycles(inferences, result)
