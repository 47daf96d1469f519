"""Starting and stopping Reclaim's servers from Python, and reading their peak memory.

Shared by everything that needs real servers of its own on free ports: the integration tests
(tests/integration/conftest.py, test_resilience.py, cluster.py), the story recorder
(scripts/record_stories.py) and the benchmark (bench/). Standard library only, so it runs on both Pythons.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv" / "rasa" / "bin" / "rasa"
ACTIONS_PY = ROOT / ".venv" / "actions" / "bin" / "python"
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
            return response.status == 200
    except OSError:
        return False


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str  # its root, e.g. http://127.0.0.1:40123
    log: Path

    def wait_until_up(self, health_path: str = "/") -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting:\n{self.log.read_text()[-3000:]}")
            if _answers(self.url + health_path):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer within {STARTUP_SECONDS}s:\n{self.log.read_text()[-3000:]}")

    def peak_memory_mb(self) -> float:
        """Peak resident memory (VmHWM) of the process and its children, in MiB."""
        return sum(_peak_kib(pid) for pid in [self.process.pid, *_children(self.process.pid)]) / 1024

    def wait_for_health(self) -> None:
        """Like wait_until_up, for the action server (its root answers 404)."""
        self.wait_until_up("/health")

    def stop(self) -> None:
        # Its own process group (start_new_session): the server and anything it started, nothing else.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            for child in map(int, children):
                found += [child, *_children(child)]
    except OSError:
        pass
    return found


@dataclass
class Fleet:
    """Every process the benchmark started, stopped together."""

    workdir: Path
    servers: list[Server] = field(default_factory=list)

    def start(self, name: str, command: Sequence[str], env: dict[str, str], port: int, cwd: Path = ROOT) -> Server:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        server = Server(name, process, f"http://127.0.0.1:{port}", log)
        self.servers.append(server)
        return server

    def rasa(
        self,
        name: str,
        model: Path,
        endpoints: Path | None,
        env: dict[str, str],
        cwd: Path = ROOT,
        credentials: Path | None = None,
    ) -> Server:
        port = free_port()
        command = [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port)]
        if endpoints:
            command += ["--endpoints", str(endpoints)]
        if credentials:
            command += ["--credentials", str(credentials)]
        return self.start(name, command, env, port, cwd)

    def actions(self, env: dict[str, str], port: int | None = None) -> Server:
        port = port or free_port()
        command = [str(ACTIONS_PY), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
        return self.start("actions", command, {**env, "ACTION_PORT": str(port)}, port)

    def stop(self, server: Server) -> None:
        server.stop()
        self.servers.remove(server)

    def stop_all(self) -> None:
        for server in reversed(list(self.servers)):
            server.stop()
        self.servers.clear()


def load_directory(env: dict[str, str]) -> None:
    """Loads data/services and data/platforms into env's DATABASE_URL, as `make run` does."""
    subprocess.run(
        [str(ACTIONS_PY), "-m", "actions.directory.load"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def environment(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()}
    env.update(overrides)
    return env
