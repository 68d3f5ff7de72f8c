"""The README stays true: every command is documented, every documented command exists."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from tracker.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_command_is_in_the_readme_and_back() -> None:
    documented = set(re.findall(r"policy-history ([a-z]+)", README))
    assert set(cli.commands) <= documented
    assert documented <= set(cli.commands), documented - set(cli.commands)


def test_every_command_has_help() -> None:
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage: cli " + name in result.output


def test_the_two_commands_on_top() -> None:
    assert ".venv/bin/pip install . && .venv/bin/policy-history demo" in README
    assert ".venv/bin/pip install '.[test]' && .venv/bin/pytest" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest" in ci
