"""Debian's Virtuoso Open Source, started on 127.0.0.1 with its own folder and free ports."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import requests

from servers.oxigraph import free_port

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 5
[SPARQL]
ResultSetMaxRows = 100000
"""


def installed() -> bool:
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], env=env, capture_output=True)
        subprocess.run(["service", "virtuoso-opensource-7", "stop"], capture_output=True)
    return bool(shutil.which("virtuoso-t") and shutil.which("isql-vt"))


class VirtuosoServer:
    """Its write endpoint is /sparql-graph-crud-auth with digest auth (user dba, password dba)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> "VirtuosoServer":
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        self.proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=self.folder,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2)
                break
            except requests.RequestException:
                if self.proc.poll() is not None:
                    raise RuntimeError((self.folder / "virtuoso.log").read_text()[-2000:])
                time.sleep(0.2)
        else:
            raise RuntimeError("virtuoso did not start")
        subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "dba";'],
                       check=True, capture_output=True, timeout=60)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
