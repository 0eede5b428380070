"""Start and stop a real `loft` binary for end-to-end tests (Python's imaplib is the
independent client). Every server listens on 127.0.0.1 only, on free ports."""

import os
import signal
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Loft:
    def __init__(self, binary=None, data_dir=None, extra_config=""):
        """extra_config: TOML appended to the config, e.g. a [store] section naming
        PostgreSQL (several nodes on one database: tests/e2e/test_multinode.py)."""
        self.binary = binary or os.environ["LOFT_BIN"]
        self.tmp = tempfile.TemporaryDirectory(prefix="loft-e2e-")
        self.data_dir = data_dir or os.path.join(self.tmp.name, "data")
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.config = os.path.join(self.tmp.name, "loft.toml")
        with open(self.config, "w") as f:
            f.write(
                f'''data_dir = "{self.data_dir}"

[[imap.listen]]
address = "127.0.0.1:{self.imap_port}"
tls = "starttls"

[[imap.listen]]
address = "127.0.0.1:{self.imaps_port}"
tls = "implicit"

[auth]
plaintext = "loopback"
'''
                + extra_config
            )
        self.proc = None
        self.log = None

    def cli(self, *args, stdin=None):
        return subprocess.run(
            [self.binary, *args, "--config", self.config],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def add_user(self, name, password):
        r = self.cli("user", "add", name, "--password-stdin", stdin=password + "\n")
        assert r.returncode == 0, f"user add failed: {r.stdout} {r.stderr}"

    def start(self):
        self.log = open(os.path.join(self.tmp.name, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--config", self.config],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("loft exited at start:\n" + self.server_log())
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("loft did not start:\n" + self.server_log())

    def kill(self):
        """SIGKILL: no clean shutdown, as in a crash or power loss of the process."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.log:
            self.log.close()

    def server_log(self):
        try:
            with open(os.path.join(self.tmp.name, "server.log"), "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def cleanup(self):
        self.stop()
        self.tmp.cleanup()
