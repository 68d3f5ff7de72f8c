"""Running the CLI as a user does: in a child process (Twisted's reactor runs once per process)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def policy_history(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``policy-history ARGS`` in a child process; returns it completed (text output)."""
    result = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                            cwd=cwd, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"policy-history {' '.join(args)} failed:\n{result.stderr}")
    return result
