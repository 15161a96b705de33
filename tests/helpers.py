"""Helpers shared by test packages: the CLI in process, and the files of a folder."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from mpp_xl.cli import main


def run_cli(args: list[str]) -> tuple[int, str]:
    """``mpp ARGS`` in this process: (exit code, stdout + stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as e:  # argparse
            code = int(e.code or 0)
    return code, out.getvalue() + err.getvalue()


def files(folder: Path) -> set[str]:
    """Every file under ``folder``, as paths relative to it (hidden ones included)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
