from digest.text.decode import decode_bytes


def test_utf8_with_and_without_bom() -> None:
    text = "Venezuelan leader Nicolás Maduro — “talks”"
    assert decode_bytes(text.encode("utf-8")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_utf16_with_bom() -> None:
    text = "Café in Zürich"
    assert decode_bytes(b"\xff\xfe" + text.encode("utf-16-le")) == text


def test_windows_1252_file_decodes_curly_quotes_and_euro() -> None:
    raw = "The café charged €5 for “coffee” – it’s dear.".encode("cp1252")
    assert decode_bytes(raw) == "The café charged €5 for “coffee” – it’s dear."


def test_latin1_file() -> None:
    assert decode_bytes("Señor Muñoz à Genève".encode("latin-1")) == "Señor Muñoz à Genève"


def test_mixed_file_keeps_valid_utf8_and_repairs_only_bad_bytes() -> None:
    raw = "Nicolás said ".encode() + "“yes”".encode("cp1252") + " in Bogotá".encode()
    assert decode_bytes(raw) == "Nicolás said “yes” in Bogotá"


def test_control_characters_are_dropped_but_newlines_kept() -> None:
    assert decode_bytes(b"one\x00two\x1b\r\nthree\x0cfour\tfive") == "onetwo\r\nthreefour\tfive"
