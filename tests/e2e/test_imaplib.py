"""End-to-end tests: the real `loft` binary driven by Python's imaplib, an IMAP client
implementation independent of Loft's own code. Run by crates/server/tests/e2e_python.rs
(so `cargo test --workspace` runs them) with LOFT_BIN set to the built binary."""

import email.utils
import imaplib
import os
import socket
import ssl
import threading
import time
import unittest

from loftproc import Loft

MESSAGE = (
    b"From: Alice <alice@example.org>\r\n"
    b"To: Bob <bob@example.org>\r\n"
    b"Subject: afternoon meeting\r\n"
    b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    b"Message-ID: <B27397-0100000@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n"
    b"\r\n"
    b"Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n"
)


def tls_context(loft):
    ctx = ssl.create_default_context(cafile=os.path.join(loft.data_dir, "tls", "cert.pem"))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class ImaplibSession(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.loft = Loft()
        cls.loft.add_user("alice", "wonderland")
        cls.loft.start()

    @classmethod
    def tearDownClass(cls):
        cls.loft.cleanup()

    def connect(self):
        return imaplib.IMAP4("127.0.0.1", self.loft.imap_port)

    def test_full_session(self):
        m = self.connect()
        self.assertIn("IMAP4REV1", m.capabilities)
        m.login("alice", "wonderland")
        typ, boxes = m.list()
        self.assertEqual(typ, "OK")
        names = b"\n".join(boxes)
        for box in (b"INBOX", b"Drafts", b"Sent", b"Trash", b"Junk", b"Archive"):
            self.assertIn(box, names)
        self.assertIn(b"\\Trash", names)

        typ, data = m.append("INBOX", r"(\Flagged)", imaplib.Time2Internaldate(time.time()), MESSAGE)
        self.assertEqual(typ, "OK")
        self.assertIn(b"APPENDUID", data[0])

        typ, data = m.select("INBOX")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0], b"1")

        typ, data = m.fetch("1", "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Flagged", data[0][0])
        self.assertIn(("RFC822.SIZE %d" % len(MESSAGE)).encode(), data[0][0])
        self.assertEqual(data[0][1], b"Subject: afternoon meeting\r\n\r\n")

        typ, data = m.fetch("1", "(BODY[])")
        self.assertEqual(data[0][1], MESSAGE)
        typ, data = m.fetch("1", "(FLAGS)")
        self.assertIn(b"\\Seen", data[0])

        typ, data = m.search(None, "FROM", '"alice"', "SUBJECT", "meeting")
        self.assertEqual(data, [b"1"])
        typ, data = m.search(None, "BODY", "tomorrow")
        self.assertEqual(data, [b"1"])
        typ, data = m.search(None, "UNSEEN")
        self.assertEqual(data, [b""])

        typ, data = m.store("1", "+FLAGS", r"(\Answered $Label1)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"$Label1", data[0])

        typ, data = m.uid("COPY", "1", "Archive")
        self.assertEqual(typ, "OK")
        typ, data = m.uid("MOVE", "1", "Trash")
        self.assertEqual(typ, "OK")
        typ, data = m.status("Trash", "(MESSAGES UNSEEN)")
        self.assertIn(b"MESSAGES 1", data[0])
        typ, data = m.status("INBOX", "(MESSAGES)")
        self.assertIn(b"MESSAGES 0", data[0])

        m.create("Projects/Loft")
        typ, data = m.list('""', "Projects/*")
        self.assertIn(b"Projects/Loft", data[0])
        m.rename("Projects", "Work")
        typ, data = m.list('""', "Work/*")
        self.assertIn(b"Work/Loft", data[0])
        m.delete("Work/Loft")

        m.select("Archive")
        m.store("1", "+FLAGS", r"(\Deleted)")
        typ, data = m.expunge()
        self.assertEqual(data, [b"1"])
        m.close()
        m.logout()

    def test_starttls(self):
        m = self.connect()
        self.assertIn("STARTTLS", m.capabilities)
        m.starttls(ssl_context=tls_context(self.loft))
        m.login("alice", "wonderland")
        m.logout()

    def test_implicit_tls(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.loft.imaps_port, ssl_context=tls_context(self.loft))
        m.login("alice", "wonderland")
        typ, _ = m.select("INBOX")
        self.assertEqual(typ, "OK")
        m.logout()

    def test_tls_1_1_refused(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            ctx.minimum_version = ssl.TLSVersion.TLSv1_1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers("ALL:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            self.skipTest("this OpenSSL cannot speak TLS 1.1")
        with socket.create_connection(("127.0.0.1", self.loft.imaps_port), timeout=10) as raw:
            with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    s.recv(100)

    def test_wrong_password(self):
        m = self.connect()
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            m.login("alice", "not-it")
        self.assertIn("AUTHENTICATIONFAILED", str(cm.exception))
        m.logout()

    def test_idle_sees_other_session_append(self):
        a = self.connect()
        a.login("alice", "wonderland")
        a.select("Drafts")
        tag = a._new_tag().decode()
        a.send(f"{tag} IDLE\r\n".encode())
        self.assertTrue(a.readline().startswith(b"+"))
        b = self.connect()
        b.login("alice", "wonderland")
        b.append("Drafts", None, None, MESSAGE)
        a.sock.settimeout(5)
        line = a.readline()
        self.assertRegex(line, rb"^\* \d+ EXISTS")
        a.send(b"DONE\r\n")
        while True:
            line = a.readline()
            if line.startswith(tag.encode()):
                self.assertIn(b"OK", line)
                break
        a.logout()
        b.logout()

    def test_garbage_does_not_hurt_others(self):
        good = self.connect()
        good.login("alice", "wonderland")
        with socket.create_connection(("127.0.0.1", self.loft.imap_port), timeout=10) as s:
            s.recv(1000)
            s.sendall(b"a1 FROBNICATE\r\n\x00\x01\x02 garbage (((\r\n")
            s.sendall(b"a2 LOGIN {104857600}\r\n")
            data = b""
            while data.count(b"\r\n") < 3:
                chunk = s.recv(1000)
                if not chunk:
                    break
                data += chunk
            self.assertIn(b"a1 BAD", data)
            self.assertIn(b"a2 NO", data)
            s.sendall(b"a3 " + b"x" * (1024 * 1024) + b"\r\n")
            s.sendall(b"a4 NOOP\r\n")
            data = b""
            while b"a4 " not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.assertIn(b"BAD", data)
            self.assertIn(b"a4 OK", data)
        typ, _ = good.noop()
        self.assertEqual(typ, "OK")
        good.logout()


class Durability(unittest.TestCase):
    """RFC-free but essential: an OK to APPEND means the message survives a SIGKILL."""

    def test_sigkill_during_concurrent_appends(self):
        loft = Loft()
        try:
            loft.add_user("bob", "builder")
            loft.start()
            acked = []
            lock = threading.Lock()
            stop = threading.Event()

            def writer(n):
                try:
                    m = imaplib.IMAP4("127.0.0.1", loft.imap_port)
                    m.login("bob", "builder")
                    i = 0
                    while not stop.is_set():
                        mid = f"<w{n}-{i}@durability.test>"
                        msg = MESSAGE.replace(b"<B27397-0100000@example.org>", mid.encode())
                        typ, _ = m.append("INBOX", None, None, msg)
                        if typ == "OK":
                            with lock:
                                acked.append(mid)
                        i += 1
                except (OSError, imaplib.IMAP4.abort, imaplib.IMAP4.error):
                    pass

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            deadline = time.time() + 20
            while time.time() < deadline:
                with lock:
                    if len(acked) >= 40:
                        break
                time.sleep(0.05)
            loft.kill()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            with lock:
                acked_now = list(acked)
            self.assertGreater(len(acked_now), 0, "no APPEND was acknowledged")

            loft.start()
            m = imaplib.IMAP4("127.0.0.1", loft.imap_port)
            m.login("bob", "builder")
            m.select("INBOX", readonly=True)
            typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            found = []
            for item in data:
                if isinstance(item, tuple):
                    hdr = item[1].decode().strip()
                    found.append(hdr.split(":", 1)[1].strip())
            for mid in acked_now:
                self.assertEqual(found.count(mid), 1, f"acknowledged {mid} found {found.count(mid)} times")
            self.assertEqual(len(found), len(set(found)), "a message was stored twice")
            m.logout()
            r = loft.cli("check")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            loft.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
