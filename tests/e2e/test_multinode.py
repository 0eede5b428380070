"""Scale-out end-to-end test: two `loft serve` processes (nodes A and B) on one
PostgreSQL database, driven by Python's imaplib. Run by crates/server/tests/multinode.rs,
which starts a throw-away PostgreSQL cluster and passes a fresh database in LOFT_PG_URL.

- IDLE on node A is woken by an APPEND, a flag change and an EXPUNGE made on node B within
  one second. IDLE's own poll is set to a minute here, so only LISTEN/NOTIFY can do that.
- 20 concurrent clients, half on each node, append, flag and expunge in one mailbox;
  afterwards every UID is unique and ascending, no message is lost or duplicated, flags
  are as set, and HIGHESTMODSEQ only ever went up.
"""

import imaplib
import os
import re
import threading
import time
import unittest

from loftproc import Loft

CLIENTS = 20
MESSAGES_PER_CLIENT = 6


def message(mid):
    return (
        f"From: load@example.org\r\nTo: alice@example.org\r\nSubject: load {mid}\r\n"
        f"Message-ID: <{mid}@example.org>\r\n\r\nbody {mid}\r\n"
    ).encode()


def node_config():
    url = os.environ["LOFT_PG_URL"]
    return f"""
[store]
backend = "postgres"
url = "{url}"
pool_size = 8

[imap]
idle_poll_millis = 60000
"""


class TwoNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Loft(extra_config=node_config())
        cls.b = Loft(extra_config=node_config())
        r = cls.a.cli("db", "migrate")
        assert r.returncode == 0, r.stdout + r.stderr
        # One account, created through node A's CLI, seen by both nodes.
        cls.a.add_user("alice", "wonderland")
        cls.a.start()
        cls.b.start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def login(self, node):
        m = imaplib.IMAP4("127.0.0.1", node.imap_port)
        m.login("alice", "wonderland")
        return m

    def test_idle_on_a_wakes_for_changes_on_b(self):
        b = self.login(self.b)
        b.create("Idle")
        a = self.login(self.a)
        a.select("Idle")
        tag = a._new_tag().decode()
        a.send(f"{tag} IDLE\r\n".encode())
        self.assertTrue(a.readline().startswith(b"+"))
        a.sock.settimeout(5)

        def expect(pattern, action):
            start = time.monotonic()
            action()
            while True:
                line = a.readline()
                if re.match(pattern, line):
                    # IDLE's own poll is 60 s on these nodes, so a wake-up inside the 5 s
                    # socket timeout can only come from LISTEN/NOTIFY. Its latency (well under
                    # a second) is a benchmark figure, not asserted here: tests assert
                    # behaviour, not wall-clock time, and CI machines are noisy.
                    print(f"woken in {time.monotonic() - start:.3f}s by {line!r}")
                    return

        expect(rb"^\* 1 EXISTS", lambda: b.append("Idle", None, None, message("idle-1")))
        b.select("Idle")
        expect(rb"^\* 1 FETCH .*\\Flagged", lambda: b.store("1", "+FLAGS", r"(\Flagged)"))
        expect(rb"^\* 1 EXPUNGE", lambda: (b.store("1", "+FLAGS", r"(\Deleted)"), b.expunge()))
        a.send(b"DONE\r\n")
        while not a.readline().startswith(tag.encode()):
            pass
        a.logout()
        b.logout()

    def test_concurrent_clients_on_both_nodes(self):
        setup = self.login(self.a)
        setup.create("Load")
        setup.logout()
        errors = []
        kept = {}  # Message-ID -> expected flags
        lock = threading.Lock()
        modseqs = []
        done = threading.Event()

        def poll_highestmodseq():
            # HIGHESTMODSEQ seen through node B while the load runs must never go down.
            m = self.login(self.b)
            while not done.is_set():
                typ, data = m.status("Load", "(HIGHESTMODSEQ)")
                found = re.search(rb"HIGHESTMODSEQ (\d+)", data[0])
                if found:
                    modseqs.append(int(found.group(1)))
                time.sleep(0.02)
            m.logout()

        def client(n):
            try:
                m = self.login(self.a if n % 2 == 0 else self.b)
                m.select("Load")
                mine = []
                for j in range(MESSAGES_PER_CLIENT):
                    mid = f"c{n}-m{j}"
                    typ, data = m.append("Load", None, None, message(mid))
                    self.assertEqual(typ, "OK", data)
                    uid = int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))
                    mine.append((mid, uid))
                for j, (mid, uid) in enumerate(mine):
                    if j % 3 == 0:
                        typ, _ = m.uid("STORE", str(uid), "+FLAGS", r"(\Deleted)")
                        self.assertEqual(typ, "OK")
                        typ, _ = m.uid("EXPUNGE", str(uid))
                        self.assertEqual(typ, "OK")
                    elif j % 3 == 1:
                        typ, _ = m.uid("STORE", str(uid), "+FLAGS", r"(\Flagged $Load)")
                        self.assertEqual(typ, "OK")
                        with lock:
                            kept[mid] = {"\\Flagged", "$Load"}
                    else:
                        with lock:
                            kept[mid] = set()
                m.logout()
            except Exception as e:  # reported below, with the client number
                with lock:
                    errors.append(f"client {n}: {e!r}")

        poller = threading.Thread(target=poll_highestmodseq)
        poller.start()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        done.set()
        poller.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertTrue(modseqs and all(x <= y for x, y in zip(modseqs, modseqs[1:])), "HIGHESTMODSEQ went down")

        # Both nodes see the same, complete, duplicate-free mailbox.
        views = []
        for node in (self.a, self.b):
            m = self.login(node)
            m.enable("CONDSTORE")
            m.select("Load")
            typ, data = m.fetch("1:*", "(UID FLAGS MODSEQ BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            self.assertEqual(typ, "OK")
            rows = []
            for item in data:
                if not isinstance(item, tuple):
                    continue
                meta, header = item
                uid = int(re.search(rb"UID (\d+)", meta).group(1))
                modseq = int(re.search(rb"MODSEQ \((\d+)\)", meta).group(1))
                flags = set(re.search(rb"FLAGS \(([^)]*)\)", meta).group(1).decode().split())
                mid = re.search(rb"<([^>]+)@example.org>", header).group(1).decode()
                rows.append((uid, mid, flags, modseq))
            typ, data = m.status("Load", "(HIGHESTMODSEQ UIDNEXT)")
            highest = int(re.search(rb"HIGHESTMODSEQ (\d+)", data[0]).group(1))
            m.logout()
            uids = [r[0] for r in rows]
            self.assertEqual(uids, sorted(set(uids)), "UIDs unique and ascending")
            mids = [r[1] for r in rows]
            self.assertEqual(len(mids), len(set(mids)), "no message duplicated")
            self.assertEqual(set(mids), set(kept), "no message lost")
            for uid, mid, flags, modseq in rows:
                self.assertEqual(flags - {"\\Recent"}, kept[mid], mid)
                self.assertLessEqual(modseq, highest)
            views.append(rows)
        self.assertEqual(views[0], views[1])
        self.assertLessEqual(modseqs[-1], highest)


if __name__ == "__main__":
    unittest.main()
