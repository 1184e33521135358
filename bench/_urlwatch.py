"""urlwatch 2.29 as a contender: its own venv, its own files, one process per pass.

The venv (``bench/.cache/urlwatch-venv``) is made on first use with ``python3 -m
venv`` and pip, apart from ours so that its dependencies never mix with ours.
urlwatch runs its jobs on a thread pool of ``worker.MAX_WORKERS`` (10 in 2.29),
one ``requests.request`` (a fresh connection) per job; it sends back the ETag it
stored and, as If-Modified-Since, the time of its previous check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VERSION = "2.29"
VENV = Path(__file__).resolve().parent / ".cache" / "urlwatch-venv"
BINARY = VENV / "bin" / "urlwatch"
_CONFIG = """\
display: {new: false, error: true, unchanged: false, empty-diff: false}
report:
  stdout: {enabled: true, color: false}
"""


def ensure_installed() -> None:
    """Create the venv and install urlwatch into it unless it is there at the right version."""
    if BINARY.exists():
        done = subprocess.run(
            [str(BINARY), "--version"], capture_output=True, text=True, check=False
        )
        if done.stdout.split()[-1:] == [VERSION]:
            return
    print(f"installing urlwatch=={VERSION} into {VENV} …", file=sys.stderr)
    subprocess.run(["python3", "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "--quiet", f"urlwatch=={VERSION}"], check=True
    )


def workers() -> int:
    """urlwatch's thread-pool size, read from the installed package."""
    code = "from urlwatch import worker; print(worker.MAX_WORKERS)"
    done = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


class Urlwatch:
    """urlwatch with its jobs, configuration, hooks and cache in ``folder``."""

    def __init__(self, folder: Path, urls: tuple[str, ...]) -> None:
        """Write the job list (one url job per URL), the configuration and empty hooks."""
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        jobs = "---\n".join(f"name: job-{n}\nurl: {url}\n" for n, url in enumerate(urls, 1))
        (folder / "urls.yaml").write_text(jobs)
        (folder / "urlwatch.yaml").write_text(_CONFIG)
        (folder / "hooks.py").write_text("")

    def command(self) -> list[str]:
        """The command line of one run over every job."""
        files = self._folder
        return [
            str(BINARY),
            "--urls",
            str(files / "urls.yaml"),
            "--config",
            str(files / "urlwatch.yaml"),
            "--hooks",
            str(files / "hooks.py"),
            "--cache",
            str(files / "cache.db"),
        ]

    def startup_command(self) -> list[str]:
        """The same start-up without checking anything: load everything, list the jobs, exit.

        Its wall time, taken from a pass's, estimates the pass itself.
        """
        return [*self.command(), "--list"]

    def environment(self) -> dict[str, str]:
        """No proxies, no user files: HOME is the tmp folder."""
        drop = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
        env = {key: value for key, value in os.environ.items() if key.lower() not in drop}
        env.update(
            HOME=str(self._folder),
            XDG_CONFIG_HOME=str(self._folder),
            XDG_CACHE_HOME=str(self._folder),
        )
        return env
