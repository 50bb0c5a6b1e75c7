"""A real SMPP 3.4 server on loopback for the SMS tests: the npm package `smpp` run by Node
(tests/sms/smpp_server/server.js), installed by `make test` (`npm ci`). Not a stub of the project's
client: the project's smpplib session talks SMPP to it over TCP, and the tests read what it recorded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mediation.outbox.settings import SmsSettings

SERVER_DIR = Path(__file__).parent / "smpp_server"
SYSTEM_ID, PASSWORD, SOURCE = "mediation", "secret", "RDV"


def _why_not_runnable() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: the SMPP test server (tests/sms/smpp_server) needs Node.js"
    if not (SERVER_DIR / "node_modules" / "smpp").is_dir():
        return ("the SMPP test server's packages are not installed: "
                "run `npm ci --prefix tests/sms/smpp_server` (`make test` does it when npm exists)")
    return None


@dataclass
class Gateway:
    port: int
    record: Path
    process: subprocess.Popen

    def submits(self) -> list[dict]:
        """Every submit_sm the server received, in order, with the status it answered."""
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text(encoding="utf-8").splitlines() if line]

    def accepted(self) -> list[dict]:
        return [pdu for pdu in self.submits() if pdu["status"] == 0]

    def settings(self, **changes) -> SmsSettings:
        values = dict(host="127.0.0.1", port=self.port, system_id=SYSTEM_ID, password=PASSWORD, source_addr=SOURCE,
                      throughput=1000.0, timeout=5.0, receipt_wait=0.5, max_attempts=3, claim_minutes=15)
        values.update(changes)
        return SmsSettings(**values)


def start(tmp_path: Path, *args: str) -> Gateway:
    reason = _why_not_runnable()
    if reason is not None:
        pytest.skip(reason)
    record = tmp_path / f"pdus-{len(list(tmp_path.glob('pdus-*')))}.jsonl"
    process = subprocess.Popen(["node", str(SERVER_DIR / "server.js"), "--record", str(record),
                                "--system-id", SYSTEM_ID, "--password", PASSWORD, *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()  # "PORT <n>" once listening; EOF if it died
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the SMPP test server did not start: {process.stderr.read() if process.stderr else ''}")
    return Gateway(port=int(line.split()[1]), record=record, process=process)


def stop(gateway: Gateway) -> None:
    gateway.process.terminate()
    try:
        gateway.process.wait(10)
    except subprocess.TimeoutExpired:
        gateway.process.kill()
        gateway.process.wait(10)
    for stream in (gateway.process.stdout, gateway.process.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture
def smpp_gateway(tmp_path) -> Iterator:
    """A factory: smpp_gateway("--refuse", "ESME_RTHROTTLED", "--receipts") starts one server, stopped after."""
    started: list[Gateway] = []

    def make(*args: str) -> Gateway:
        gateway = start(tmp_path, *args)
        started.append(gateway)
        return gateway

    try:
        yield make
    finally:
        for gateway in started:
            stop(gateway)
