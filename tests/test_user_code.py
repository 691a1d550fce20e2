"""One compiler for user Python: O-CODE, O-FUNCTIONS file reading, history --convert (HI-2)."""

import pytest

from datamill.track.errors import HistoryError
from datamill.track.history.versions import compile_convert
from datamill.user_code import (
    UserCodeError,
    code_source,
    compile_function,
    function_from_body,
    import_modules,
)


def test_o_code_resolution_order():
    assert compile_function("def convert(row):\n    return row * 2", "row")(3) == 6
    assert compile_function("r.parsedate", "value")("5 May 2024") == "2024-05-05"
    assert compile_function("value.upper()", "value")("ash") == "ASH"
    assert compile_function("x = value + 1\nreturn x", "value")(1) == 2


def test_uncompilable_code_and_unknown_module_have_one_text():
    with pytest.raises(UserCodeError, match="^Could not compile code$"):
        compile_function("value +", "value")
    message = "Could not import datamill_missing: No module named 'datamill_missing'"
    with pytest.raises(UserCodeError) as caught:
        compile_function("value", "value", ["datamill_missing"])
    assert str(caught.value) == message
    with pytest.raises(HistoryError) as caught:
        compile_convert("json.loads(content)", ["datamill_missing"])
    assert str(caught.value) == message


def test_dotted_import_binds_the_top_level_package():
    namespace = import_modules(["xml.etree.ElementTree"])
    assert list(namespace) == ["xml"]
    assert namespace["xml"].etree.ElementTree.fromstring("<a/>").tag == "a"


def test_a_single_body_line_gets_a_return_unless_it_cannot():
    assert function_from_body("content * 2", "f", "content", {})(2) == 4
    assert list(function_from_body("yield from content", "f", "content", {})([1, 2])) == [1, 2]
    with pytest.raises(SyntaxError):
        function_from_body("content +", "f", "content", {})


def test_history_convert_is_a_body_over_content_with_json():
    convert = compile_convert("json.loads(content)", [])
    assert convert(b'[{"a": 1}]') == [{"a": 1}]
    with pytest.raises(
        HistoryError, match=r"^--convert is not valid Python: '\(' was never closed$"
    ):
        compile_convert("return (", [])


def test_code_source_reads_a_py_file_or_takes_the_text(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("def up(v):\n    return 'é' + v\n", encoding="utf-8")
    assert code_source(str(path)) == (path.read_text(encoding="utf-8"), str(path))
    assert code_source("1 + 1") == ("1 + 1", "<string>")
    with pytest.raises(UserCodeError, match="^File not found: missing.py$"):
        code_source("missing.py")
