"""The documentation agrees with copier.yml."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tests.conftest import REPO_ROOT

NAME = re.compile(r"^`(\w+)`$")


def questions() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    return {name: spec for name, spec in config.items() if not name.startswith("_")}


def documented() -> dict[str, dict[str, str]]:
    text = (REPO_ROOT / "docs" / "options.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and (name := NAME.match(cells[0])):
            rows[name[1]] = dict(
                zip(("type", "default", "choices", "rule"), cells[1:], strict=True)
            )
    return rows


def test_every_question_is_documented_and_nothing_else() -> None:
    assert list(documented()) == list(questions())


def test_types_defaults_and_choices_agree() -> None:
    rows = documented()
    for name, spec in questions().items():
        row = rows[name]
        assert row["type"] == spec["type"], name
        default = spec["default"]
        if isinstance(default, str) and "{{" in default:
            assert row["default"].startswith("derived from"), name
        else:
            assert json.loads(row["default"].strip("`")) == default, name
        choices = spec.get("choices")
        values = list(choices.values()) if isinstance(choices, dict) else choices or []
        assert row["choices"].strip() == ", ".join(f"`{value}`" for value in values), name


def test_every_question_has_help() -> None:
    assert all(spec.get("help") for spec in questions().values())


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    head = readme.split("\n## ", 1)[0]
    assert "make demo" in head
    assert "make test" in head
