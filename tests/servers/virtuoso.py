"""Debian's Virtuoso Open Source, started on 127.0.0.1 with its own folder and free ports."""

from __future__ import annotations

import subprocess
from pathlib import Path

from servers.oxigraph import free_port, started

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
        for attempt in range(5):
            ini.write_text(INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port))
            self.proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=self.folder,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if started(self.url + "/sparql?query=ASK%7B%7D", self.proc, 120):
                break
            log = (self.folder / "virtuoso.log").read_text(errors="replace")[-2000:]
            if "in use" not in log.lower():
                raise RuntimeError(log)
            self.sql_port, self.http_port = free_port(), free_port()  # taken meanwhile by another process
        else:
            raise RuntimeError("virtuoso found no free ports")
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
