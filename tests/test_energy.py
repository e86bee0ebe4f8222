"""Energy from modelled cycles and the platform's datasheet currents (lab.energy)."""
import pytest

from lab import energy, platforms
from lab.errors import LabError

POWER = {"run_ma": 3.0, "sleep_ua": 2.0, "supply_v": 3.0,
         "battery": {"name": "test cell", "capacity_mah": 100}}


def test_energy_per_inference_average_current_and_battery_life():
    # 1 s of virtual time, the core busy for 16 M of 64 M cycles; inferences of 6.4 M cycles
    got = energy.estimate(POWER, 64_000_000, 16_000_000, 1.0, {"inference": {"median": 6_400_000}})
    assert got["uj_per_inference"] == pytest.approx(0.1 * 3.0 * 3.0 * 1000)   # 900 uJ
    assert got["average_ma"] == pytest.approx(0.25 * 3.0 + 0.75 * 0.002)
    assert got["battery_hours"] == pytest.approx(100 / (0.75 + 0.0015), abs=0.05)
    assert "900.0 uJ per inference" in energy.summary(got)
    assert energy.estimate(None, 64_000_000, 1, 1.0, {}) == {}


def test_the_nrf52840_declares_its_currents_with_their_source():
    power = platforms.load("nrf52840").power
    assert power["run_ma"] > 0 and power["sleep_ua"] > 0 and "nRF52840" in power["source"]
    assert power["battery"]["capacity_mah"] == 225


def test_bad_power_figures_are_refused_in_one_line(tmp_path):
    soc = (platforms.SOC_DIR / "nrf52840.yaml").read_text().replace("run_ma: 3.3", "run_ma: -1")
    (tmp_path / "chip.yaml").write_text(soc)
    (tmp_path / "board.yaml").write_text("name: b\nsoc: chip.yaml\n")
    with pytest.raises(LabError, match="power.run_ma: expected a positive number"):
        platforms.load(str(tmp_path / "board.yaml"))


def test_a_run_reports_its_energy_from_its_own_cycles(run_hello_world):
    result = run_hello_world
    inference = result.stages["inference"]["median"]
    power = platforms.load("nrf52840").power
    assert result.timing == "cycles"
    assert result.energy["uj_per_inference"] == pytest.approx(
        inference / result.clock_hz * power["run_ma"] * power["supply_v"] * 1000, abs=0.001)
    assert 0 < result.energy["average_ma"] < power["run_ma"]


@pytest.fixture(scope="module")
def run_hello_world():
    from lab.runner import run_app
    return run_app(platforms.load("nrf52840"), "hello_world")



def test_the_report_shows_cycles_cpi_and_energy(run_hello_world):
    from lab import report
    page = report.render_html("hello_world", run_hello_world, [], [])
    result = run_hello_world
    assert f"{result.cycles} cycles, {result.instructions} instructions" in page
    assert f"{result.energy['uj_per_inference']:.1f} uJ per inference" in page
    assert "source: nRF52840 PS" in page
