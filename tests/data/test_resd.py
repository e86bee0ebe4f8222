"""RESD reader/writer: layout against Renode's documented example, round trips, errors."""
import numpy as np
import pytest

from lab.sensors import resd

# The first bytes of the example file in renode-docs basic/resd.md: one constant-
# frequency temperature block, channel 0, start 0, period 600 s, no metadata.
RENODE_DOC_EXAMPLE = bytes.fromhex(
    "52455344" "01" "000000"                  # magic, version, padding
    "02" "0100" "0000" "a801000000000000"     # constant frequency, temperature, channel 0, size
    "0000000000000000" "0070c9b28b000000"     # start time 0, period 600 s
    "0000000000000000"                        # no metadata
    "cc9b0300" "c4950300" "799b0300" "189a0300")


def test_layout_matches_renode_documentation_example():
    samples = [236492, 234948, 236409, 236056] + [0] * 96
    block = resd.Block(resd.TEMPERATURE, samples, start_time_ns=0, period_ns=600 * 10**9)
    encoded = resd.encode([block])
    assert encoded[:len(RENODE_DOC_EXAMPLE)] == RENODE_DOC_EXAMPLE
    assert len(encoded) == 8 + 13 + 0x1A8


def test_constant_frequency_round_trip_with_metadata():
    rng = np.random.default_rng(0)
    samples = rng.integers(-4_000_000, 4_000_000, (50, 3))
    metadata = {"note": "wand", "count": 7, "gain": 0.5, "blob": b"\x01\x02",
                "small": resd.Typed("uint8", 200), "f": resd.Typed("float", 1.5)}
    block = resd.Block(resd.ACCELERATION, samples, start_time_ns=1000, period_ns=8403361,
                       channel=2, metadata=metadata)
    (decoded,) = resd.decode(resd.encode([block]))
    assert decoded.block_type == resd.BLOCK_CONSTANT_FREQUENCY
    assert decoded.channel == 2 and decoded.start_time_ns == 1000 and decoded.period_ns == 8403361
    np.testing.assert_array_equal(decoded.samples, samples)
    assert decoded.metadata == {"note": "wand", "count": 7, "gain": 0.5, "blob": b"\x01\x02",
                                "small": 200, "f": 1.5}


def test_arbitrary_timestamps_and_several_blocks(tmp_path):
    rates = resd.Block(resd.ANGULAR_RATE, [[1, 2, 3], [-4, -5, -6]], timestamps_ns=[10, 250])
    temperature = resd.Block(resd.TEMPERATURE, [21500, 21750, 22000], start_time_ns=5, period_ns=100)
    path = tmp_path / "two.resd"
    resd.write(path, [rates, temperature])
    first, second = resd.read(path)
    assert first.block_type == resd.BLOCK_ARBITRARY_TIMESTAMP
    assert list(first.times_ns()) == [10, 250]
    np.testing.assert_array_equal(first.samples, [[1, 2, 3], [-4, -5, -6]])
    assert list(second.times_ns()) == [5, 105, 205]
    assert second.samples[:, 0].tolist() == [21500, 21750, 22000]


def test_sample_at_follows_the_latest_sample():
    block = resd.Block(resd.TEMPERATURE, [1, 2, 3], start_time_ns=100, period_ns=10)
    assert block.sample_at(99) is None
    assert block.sample_at(100)[0] == 1 and block.sample_at(119)[0] == 2
    assert block.sample_at(129)[0] == 3 and block.sample_at(130) is None


def test_acceleration_block_converts_g_to_micro_g():
    block = resd.acceleration_block([[0.0, 0.5, -1.0]], rate_hz=119)
    assert block.samples.tolist() == [[0, 500000, -1000000]] and block.period_ns == 8403361


def test_wrong_magic_names_the_file(tmp_path):
    path = tmp_path / "bad.resd"
    path.write_bytes(b"RIFF\x01\x00\x00\x00")
    with pytest.raises(resd.ResdError, match=r"bad\.resd: not a RESD file"):
        resd.read(path)


def test_block_past_the_end_is_reported(tmp_path):
    block = resd.Block(resd.ACCELERATION, np.zeros((10, 3)), period_ns=1000)
    path = tmp_path / "cut.resd"
    path.write_bytes(resd.encode([block])[:-7])
    with pytest.raises(resd.ResdError, match=r"cut\.resd: block 0 at offset 8 claims .* past the end"):
        resd.read(path)


def test_ragged_samples_are_reported():
    data = bytearray(resd.encode([resd.Block(resd.TEMPERATURE, [1, 2], period_ns=5)]))
    data[13:21] = (int.from_bytes(data[13:21], "little") - 1).to_bytes(8, "little")
    with pytest.raises(resd.ResdError, match="not a whole number"):
        resd.decode(bytes(data[:-1]), source="x.resd")


def test_invalid_blocks_are_refused_when_written():
    with pytest.raises(resd.ResdError):
        resd.Block(resd.ACCELERATION, [[0, 0, 0]])            # neither period nor timestamps
    with pytest.raises(resd.ResdError):
        resd.encode([resd.Block(resd.TEMPERATURE, [2**31], period_ns=1)])
