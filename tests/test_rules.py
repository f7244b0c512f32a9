import pytest

from lulong_data.rules import DEFAULT_RULES_PATH, RulesError, load_rules


def test_lulong_defaults():
    r = load_rules()
    assert r.deadlines.identification_days == 15
    assert r.deadlines.contact_workdays == 1
    assert r.deadlines.plan_workdays == 2
    assert r.deadlines.feedback_workdays == 2
    assert r.visit_max_gap_days == 61
    assert r.batch_households == 5
    assert (r.elimination.min_months, r.elimination.min_measures) == (6, 1)
    assert [(x.year, x.amount) for x in r.income_lines] == [(2021, 6000), (2022, 7300), (2023, 8300)]
    assert all(x.document for x in r.income_lines)
    k = r.ranking
    assert (k.red_villages, k.black_villages, k.veto_black) == (10, 10, True)
    assert (k.red_townships, k.black_townships, k.talk_after_months) == (3, 3, 2)
    assert k.tie_break == ("fewer_vetoes", "higher_upkeep", "village_code")


def test_income_line_in_force():
    r = load_rules()
    assert r.income_line(2022).amount == 7300
    assert r.income_line(2024) is None  # not configured: missing, never 2023's 8300 carried over
    assert r.income_line(2025) is None
    assert r.income_line(2020) is None


def test_override_file(tmp_path):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace(
        "identification_days = 15", "identification_days = 10"
    )
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).deadlines.identification_days == 10


def test_missing_key_is_named(tmp_path):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace("plan_workdays = 2\n", "")
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match="deadlines.plan_workdays"):
        load_rules(path)


@pytest.mark.parametrize(
    "old, new, match",
    [
        ("contact_workdays = 1", "contact_workdays = -1", "contact_workdays"),
        ("contact_workdays = 1", 'contact_workdays = "one"', "contact_workdays"),
        ('"village_code"]', '"village_name"]', "tie"),
        ("veto_black = true", "veto_black = 1", "veto_black"),
        ("year = 2023", "year = 2022", "duplicate"),
    ],
)
def test_bad_values(tmp_path, old, new, match):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RulesError, match=match):
        load_rules(path)


def test_not_toml(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("deadlines = [", encoding="utf-8")
    with pytest.raises(RulesError, match="TOML"):
        load_rules(path)


def test_sections_of_the_file_are_kept_for_other_rules(tmp_path):
    """[dispatch] and [status] are read from the rules the bundle was loaded with, not from the file again."""
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8") + '\n[extra]\nkey = "value"\n'
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    rules = load_rules(path)
    path.unlink()
    assert rules.section("extra") == {"key": "value"}
    assert rules.section("missing") is None
    changed = rules.section("extra")
    changed["key"] = "other"
    assert rules.section("extra") == {"key": "value"}  # a copy: the bundle's rules never change
