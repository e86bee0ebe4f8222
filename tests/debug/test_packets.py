"""The GDB remote protocol's packet layer against the examples of GDB's manual
("Remote Protocol", "Overview") and packets captured from GDB sessions."""
import pytest

from lab.debug.packets import (PacketReader, ProtocolError, checksum, escape, frame,
                               rle_decode, rle_encode, unescape)


def test_checksum_is_the_modulo_256_sum_of_the_packet_data():
    assert checksum(b"OK") == 0x9A                      # "$OK#9a"
    assert checksum(b"") == 0                           # "$#00": the empty reply
    assert checksum(b"vFile:pread:5,3fff,0") == 0x98    # captured: $vFile:pread:5,3fff,0#98
    assert checksum(b"F5") == 0x7B                      # captured: $F5#7b


def test_frame_wraps_data_with_dollar_hash_and_two_lowercase_hex_digits():
    assert frame(b"OK") == b"$OK#9a"
    assert frame(b"") == b"$#00"
    assert frame(b"g") == b"$g#67"


def test_escape_sends_0x7d_then_the_byte_xor_0x20():
    # the manual: 0x7d is transmitted as the two bytes 0x7d 0x5d
    assert escape(b"\x7d") == b"\x7d\x5d"
    assert escape(b"#$*") == b"}\x03}\x04}\x0a"
    assert unescape(b"\x7d\x5d") == b"\x7d"
    data = bytes(range(256))
    assert unescape(escape(data)) == data
    with pytest.raises(ProtocolError):
        unescape(b"ab}")


def test_run_length_encoding_counts_additional_repeats_plus_29():
    # the manual: "0* " means the same as "0000" (' ' is 32: three more zeros)
    assert rle_decode(b"0* ") == b"0000"
    assert rle_decode(b"a*!b") == b"a" * 5 + b"b"            # '!' = 33: four more
    with pytest.raises(ProtocolError):
        rle_decode(b"*!")


def test_run_length_encoding_never_sends_hash_or_dollar_as_a_count():
    for n in range(1, 200):
        encoded = rle_encode(b"0" * n)
        assert rle_decode(encoded) == b"0" * n
        counts = encoded[2::3] if b"*" in encoded else b""
        assert b"#" not in counts and b"$" not in counts
        assert all(c <= 126 for c in encoded)
    assert rle_encode(b"000") == b"000"                  # a count only where it saves
    assert rle_encode(b"0000") == b"0* "


def test_reader_splits_acks_interrupts_and_packets_across_reads():
    reader = PacketReader()
    items = reader.feed(b"+$qSupported:swbreak+;hwbreak+#d")
    assert items == [("ack", b"+")]
    items = reader.feed(b"5\x03-$m0,4#fd")
    assert items == [("packet", b"qSupported:swbreak+;hwbreak+"), ("interrupt", b"\x03"),
                     ("nak", b"-"), ("packet", b"m0,4")]


def test_reader_reports_a_wrong_checksum_and_unescapes_binary_data():
    reader = PacketReader()
    assert reader.feed(b"$OK#00") == [("bad", b"$OK#00")]
    wire = frame(b"X20000000,3:#}*")
    assert wire.count(b"#") == 1               # only the end marker: the data's is escaped
    assert reader.feed(wire) == [("packet", b"X20000000,3:#}*")]


def test_reader_expands_run_length_encoding_before_unescaping():
    reader = PacketReader()
    wire = frame(b"1" * 40, compress=True)
    assert len(wire) < 40
    assert reader.feed(wire) == [("packet", b"1" * 40)]
