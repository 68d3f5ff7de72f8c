"""``python -m tracker``: the same as the ``policy-history`` command."""
from tracker.cli import cli

cli(prog_name="policy-history")
