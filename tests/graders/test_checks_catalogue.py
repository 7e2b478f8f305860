"""Every check against the reference, the nbgrader stub and the whole catalogue."""

from __future__ import annotations

import re

from graders.catalogue import RIGHT, WRONG


def test_reference_passes_visible_and_hidden(ch12_function, helpers, capfd):
    check = helpers.check_of(*ch12_function)
    check(helpers.reference(*ch12_function))
    check(helpers.reference(*ch12_function), hidden=True)
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"✓ {ch12_function[1]}: ") for line in lines)
    assert err == ""


def test_stub_fails_with_a_clear_message(ch12_function, helpers, capfd):
    check = helpers.check_of(*ch12_function)
    try:
        check(helpers.stub(*ch12_function))
    except AssertionError as failure:
        assert "raises NotImplementedError: replace `raise NotImplementedError()`" in str(failure)
    else:
        raise AssertionError("the stub passed")
    assert capfd.readouterr().err == ""


def test_wrong_implementation_fails_with_its_diagnosis(ch12_wrong, helpers, capfd):
    check = helpers.check_of(ch12_wrong.module, ch12_wrong.function)
    fn = helpers.load(ch12_wrong)
    try:
        check(fn)
    except AssertionError as failure:
        message = str(failure)
    else:
        raise AssertionError(f"{ch12_wrong.name!r} passed")
    assert re.search(ch12_wrong.diagnosis, message, re.IGNORECASE), message
    assert "\n" not in message  # one line
    out, err = capfd.readouterr()
    assert err == "" and "✓" not in out


def test_right_implementation_passes(ch12_right, helpers, capfd):
    check = helpers.check_of(ch12_right.module, ch12_right.function)
    fn = helpers.load(ch12_right)
    check(fn)
    check(fn, hidden=True)
    out, err = capfd.readouterr()
    assert out.count("✓") == 2 and err == ""


def test_catalogue_has_enough_variants_per_function(helpers):
    for module, function in helpers.my_functions:
        key = f"{module}.{function}"
        wrong = [i for i in WRONG.get(key, []) if i.name != "stub"]
        assert len(wrong) >= 8, f"{key}: only {len(wrong)} wrong implementations"
        assert len(RIGHT.get(key, [])) >= 3, f"{key}: fewer than 3 right implementations"
        assert all(i.diagnosis for i in wrong)
        assert all(i.diagnosis is None for i in RIGHT[key])


def test_each_function_names_at_least_five_distinct_diagnoses(helpers):
    """Distinct diagnosis patterns matched by the catalogue's wrong implementations."""
    for module, function in helpers.my_functions:
        wrong = WRONG[f"{module}.{function}"]
        distinct = {i.diagnosis for i in wrong if i.name != "stub"}
        assert len(distinct) >= 5, f"{module}.{function}: {sorted(distinct)}"
