from lab.protocol import LineReader, parse_line


def test_event_with_typed_fields():
    event = parse_line("@lab cycles name=loop cycles=123456 ratio=0.5 addr=0x20000000", 1.5)
    assert event.name == "cycles"
    assert event.fields == {"name": "loop", "cycles": 123456, "ratio": 0.5, "addr": 0x20000000}
    assert event.time == 1.5


def test_quoted_text_and_bare_event():
    assert parse_line('@lab note text="two words"').fields == {"text": "two words"}
    assert parse_line('@lab frame hex="00120034"').fields == {"hex": "00120034"}
    assert parse_line("@lab done").name == "done"


def test_ordinary_and_malformed_lines_are_not_events():
    for line in ("hello", "@labdone", "@lab ", "@lab done junk", '@lab x a="open',
                 "@lab 9bad", "@lab x =1"):
        assert parse_line(line) is None, line


def test_line_reader_keeps_partial_lines_and_times():
    lines = []
    reader = LineReader(lambda text, time: lines.append((text, time)))
    reader.feed(b"one\r\ntw", 1.0)
    reader.feed(b"o\n", 2.0)
    assert lines == [("one", 1.0), ("two", 2.0)]
    assert reader.pending() == ""
