"""The attachment tests run on both backends where the backend matters: the database, and an S3-compatible
object store, moto's server in a process of its own on a free loopback port (never the internet), one per
test session, a new bucket per test (docs/security.md, S78)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import pytest

S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "loopback-test", "AWS_SECRET_ACCESS_KEY": "loopback-test-secret"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server, in its own process: its memory is not the worker's (the tracemalloc test)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT,
                                  env={**os.environ, **S3_CREDENTIALS})
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto's S3 server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class Bucket:
    client: object
    name: str

    def names(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)  # type: ignore[attr-defined]
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def objects(self) -> dict[str, bytes]:
        return {name: self.client.get_object(Bucket=self.name, Key=name)["Body"].read()  # type: ignore[attr-defined]
                for name in self.names()}


def object_store_settings(endpoint: str, bucket: str) -> dict:
    return {"ATTACHMENT_STORAGE": "s3", "ATTACHMENT_S3_BUCKET": bucket, "ATTACHMENT_S3_ENDPOINT_URL": endpoint,
            "ATTACHMENT_S3_REGION": "us-east-1", **S3_CREDENTIALS}


def new_bucket(endpoint: str) -> Bucket:
    import boto3

    client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    name = f"documents-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    return Bucket(client, name)


@pytest.fixture
def object_store(app, s3_endpoint):
    """The session application keeps new documents in a new bucket for the length of one test."""
    bucket = new_bucket(s3_endpoint)
    settings = object_store_settings(s3_endpoint, bucket.name)
    saved = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    try:
        yield bucket
    finally:
        app.config.update(saved)


@pytest.fixture(params=["database", "object_store"])
def backend(request, app):
    """Each test that takes it runs once per backend; on the object store it gets the bucket."""
    if request.param == "object_store":
        return request.getfixturevalue("object_store")
    return None
