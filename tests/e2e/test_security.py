"""Secure access end to end (issue 3, SECURITY.md): the real `loft` binary with the
default "no cleartext passwords" policy, driven by independent clients: Python's imaplib
and ssl, and the `scramp` SCRAM implementation. Run by crates/server/tests/e2e_python.rs.

Failed logins from 127.0.0.1 are kept few; the throttling and ban tests connect from
127.0.0.2 so that a ban cannot disturb the other tests."""

import base64
import imaplib
import json
import os
import re
import socket
import ssl
import subprocess
import time
import unittest
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

import scramp

from loftproc import Loft

ALICE_PW = "Wonder-land-77"
CAROL_PW = "imported-Secret-42"
BASE_DELAY_MS = 100
BAN_AFTER = 6


def tls_context(loft, hostname_check=True):
    ctx = ssl.create_default_context(cafile=loft.default_cert)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if not hostname_check:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


class FromAddress(imaplib.IMAP4_SSL):
    """IMAP4_SSL from a chosen loopback source address."""

    def __init__(self, source, *args, **kwargs):
        self._source = source
        super().__init__(*args, **kwargs)

    def _create_socket(self, timeout):
        sock = socket.create_connection((self.host, self.port), timeout or 10, source_address=(self._source, 0))
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def scram_auth(imap, user, password):
    client = scramp.ScramClient(["SCRAM-SHA-256"], user, password)
    state = {"step": 0}

    def step(challenge):
        state["step"] += 1
        if state["step"] == 1:
            return client.get_client_first().encode()
        if state["step"] == 2:
            client.set_server_first(challenge.decode())
            return client.get_client_final().encode()
        client.set_server_final(challenge.decode())  # verifies the server signature
        return b""

    return imap.authenticate("SCRAM-SHA-256", step)


def openssl_cert(directory, name, cn):
    cert, key = os.path.join(directory, f"{name}.pem"), os.path.join(directory, f"{name}.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key + ".tmp", "-out", cert + ".tmp", "-days", "30", "-subj", f"/CN={cn}",
         "-addext", f"subjectAltName=DNS:{cn}"],
        check=True, capture_output=True)
    os.replace(key + ".tmp", key)
    os.replace(cert + ".tmp", cert)
    return cert, key


def peer_cn(loft, server_name):
    ctx = tls_context(loft, hostname_check=False)
    with socket.create_connection(("127.0.0.1", loft.imaps_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=server_name) as s:
            der = s.getpeercert(binary_form=True)
    return der


class Security(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.loft = Loft()
        cls.audit_path = os.path.join(cls.loft.tmp.name, "audit.log")
        cls.sni_cert, cls.sni_key = openssl_cert(cls.loft.tmp.name, "sni", "mail.example.test")
        cls.loft.default_cert, default_key = openssl_cert(cls.loft.tmp.name, "default", "localhost")
        with open(cls.loft.config) as f:
            text = f.read()
        text = text.replace('plaintext = "loopback"', 'plaintext = "never"')
        text += f'''
[auth.throttle]
base_delay_millis = {BASE_DELAY_MS}
max_delay_millis = 800
ban_after = {BAN_AFTER}
ban_secs = 600

[tls]
cert = "{cls.loft.default_cert}"
key = "{default_key}"

[[tls.certificate]]
cert = "{cls.sni_cert}"
key = "{cls.sni_key}"
names = ["mail.example.test"]

[audit]
log = "{cls.audit_path}"

[log]
level = "debug"
'''
        with open(cls.loft.config, "w") as f:
            f.write(text)
        cls.loft.add_user("alice", ALICE_PW)
        cls.loft.start()
        cls.secrets = [ALICE_PW, CAROL_PW]

    @classmethod
    def tearDownClass(cls):
        cls.loft.cleanup()

    def tls(self):
        return imaplib.IMAP4_SSL("localhost", self.loft.imaps_port, ssl_context=tls_context(self.loft))

    def cli(self, *args, stdin=None):
        r = self.loft.cli(*args, stdin=stdin)
        self.assertEqual(r.returncode, 0, f"{args}: {r.stdout} {r.stderr}")
        return r.stdout

    # --- cleartext policy and capabilities ---

    def test_cleartext_login_refused_before_starttls(self):
        m = imaplib.IMAP4("localhost", self.loft.imap_port)
        caps = m.capabilities
        self.assertIn("LOGINDISABLED", caps)
        self.assertIn("STARTTLS", caps)
        self.assertIn("AUTH=SCRAM-SHA-256", caps)
        self.assertNotIn("AUTH=PLAIN", caps)
        self.assertNotIn("AUTH=LOGIN", caps)
        self.assertNotIn("AUTH=SCRAM-SHA-256-PLUS", caps)
        typ, data = m._simple_command("LOGIN", "alice", ALICE_PW)
        self.assertEqual(typ, "NO")
        self.assertIn(b"[PRIVACYREQUIRED]", data[-1])
        m.starttls(ssl_context=tls_context(self.loft))
        self.assertNotIn("LOGINDISABLED", m.capabilities)
        self.assertIn("AUTH=PLAIN", m.capabilities)
        m.login("alice", ALICE_PW)
        m.logout()

    def test_implicit_tls13_offers_plus(self):
        m = self.tls()
        self.assertEqual(m.sock.version(), "TLSv1.3")
        for mech in ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "PLAIN", "LOGIN"]:
            self.assertIn("AUTH=" + mech, m.capabilities)
        self.assertIn("SASL-IR", m.capabilities)
        m.logout()

    def test_tls_1_1_refused(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1_1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        except (ValueError, ssl.SSLError) as e:
            self.skipTest(f"local OpenSSL cannot configure TLS 1.1: {e}")
        with socket.create_connection(("127.0.0.1", self.loft.imaps_port), timeout=10) as raw:
            try:
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    self.fail(f"TLS 1.1 handshake succeeded: {s.version()}")
            except ssl.SSLError as e:
                if "NO_PROTOCOLS_AVAILABLE" in str(e) or "NO_CIPHERS" in str(e):
                    self.skipTest(f"local OpenSSL cannot speak TLS 1.1: {e}")
                self.assertTrue(re.search(r"PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION|HANDSHAKE_FAILURE", str(e)), str(e))

    def test_sni_picks_the_certificate(self):
        default = peer_cn(self.loft, "localhost")
        sni = peer_cn(self.loft, "mail.example.test")
        with open(self.sni_cert) as f:
            pem = f.read()
        self.assertEqual(sni, ssl.PEM_cert_to_DER_cert(pem))
        self.assertNotEqual(default, sni)

    def test_sni_certificate_reloaded_on_sighup(self):
        before = peer_cn(self.loft, "mail.example.test")
        # Keep one connection open across the reload: it keeps its certificate.
        openssl_cert(self.loft.tmp.name, "sni", "mail.example.test")
        with open(self.sni_cert) as f:
            new = ssl.PEM_cert_to_DER_cert(f.read())
        self.assertNotEqual(before, new)
        self.loft.proc.send_signal(__import__("signal").SIGHUP)
        deadline = time.time() + 15
        while time.time() < deadline and peer_cn(self.loft, "mail.example.test") != new:
            time.sleep(0.2)
        self.assertEqual(peer_cn(self.loft, "mail.example.test"), new)

    # --- mechanisms with independent clients ---

    def test_scram_sha_256_with_scramp(self):
        for m in [self.tls(), imaplib.IMAP4("127.0.0.1", self.loft.imap_port)]:
            typ, _ = scram_auth(m, "alice", ALICE_PW)
            self.assertEqual(typ, "OK")
            m.select("INBOX")
            m.logout()

    def test_scram_wrong_password(self):
        m = self.tls()
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            scram_auth(m, "alice", "not-the-password")
        self.assertIn("AUTHENTICATIONFAILED", str(cm.exception))
        m.logout()

    def test_plain_and_login_mechanisms(self):
        m = self.tls()
        m.authenticate("PLAIN", lambda _: b"\0alice\0" + ALICE_PW.encode())
        m.logout()
        m = self.tls()
        answers = iter([b"alice", ALICE_PW.encode()])
        m.authenticate("LOGIN", lambda _: next(answers))
        m.logout()

    def test_cancel_is_bad(self):
        ctx = tls_context(self.loft)
        with socket.create_connection(("127.0.0.1", self.loft.imaps_port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                f = s.makefile("rwb")
                f.readline()
                f.write(b"a1 AUTHENTICATE PLAIN\r\n"); f.flush()
                self.assertTrue(f.readline().startswith(b"+"))
                f.write(b"*\r\n"); f.flush()
                self.assertTrue(f.readline().startswith(b"a1 BAD"))

    def test_imported_dovecot_hash_then_scram(self):
        h = "{SHA512-CRYPT}" + crypt.crypt(CAROL_PW, crypt.mksalt(crypt.METHOD_SHA512))
        self.cli("user", "add", "carol", "--hash", h)
        m = self.tls()
        m.login("carol", CAROL_PW)
        m.logout()
        # The successful login derived SCRAM keys in the background.
        deadline = time.time() + 15
        while True:
            m = self.tls()
            try:
                scram_auth(m, "carol", CAROL_PW)
                break
            except imaplib.IMAP4.error:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
            finally:
                m.logout()

    def test_app_passwords(self):
        out = self.cli("app-password", "add", "alice", "--label", "phone", "--expires", "90d")
        token = out.splitlines()[1].strip()
        self.secrets.append(token)
        self.secrets.append(token.replace("-", ""))
        m = self.tls()
        m.xatom("ID", '("name" "e2e-client" "version" "1.2")')
        m.login("alice", token)
        m.logout()
        listing = self.cli("app-password", "list", "alice")
        self.assertIn("phone", listing)
        self.assertIn("from 127.0.0.1", listing)
        self.assertNotIn(token, listing)

        self.cli("user", "set", "alice", "--app-passwords-only", "true")
        try:
            m = self.tls()
            with self.assertRaises(imaplib.IMAP4.error):
                m.login("alice", ALICE_PW)
            m.logout()
            m = self.tls()
            with self.assertRaises(imaplib.IMAP4.error):
                scram_auth(m, "alice", ALICE_PW)
            m.logout()
            m = self.tls()
            m.login("alice", token)
            m.logout()
        finally:
            self.cli("user", "set", "alice", "--app-passwords-only", "false")
        self.cli("app-password", "revoke", "alice", "phone")
        m = self.tls()
        with self.assertRaises(imaplib.IMAP4.error):
            m.login("alice", token)
        m.logout()

    # --- abuse defence (from 127.0.0.2) ---

    def test_throttle_then_ban(self):
        def attempt(user, pw):
            m = FromAddress("127.0.0.2", "localhost", self.loft.imaps_port, ssl_context=tls_context(self.loft))
            start = time.monotonic()
            typ, data = m._simple_command("LOGIN", user, pw)
            elapsed = time.monotonic() - start
            try:
                m.logout()
            except Exception:
                pass
            return typ, data[-1] if data else b"", elapsed

        results = [attempt("alice", "wrong") if i % 2 == 0 else attempt("nobody", "wrong") for i in range(4)]
        for typ, text, _ in results:
            self.assertEqual(typ, "NO")
            # Unknown user and wrong password: the same answer.
            self.assertEqual(text, results[0][1])
        self.assertIn(b"[AUTHENTICATIONFAILED]", results[0][1])
        times = [r[2] for r in results]
        self.assertGreater(times[3], times[0])
        self.assertGreaterEqual(times[3], (BASE_DELAY_MS * 8) / 1000 * 0.9)

        for _ in range(BAN_AFTER - 4):
            attempt("alice", "wrong")
        # Banned: new connections from 127.0.0.2 are closed at once.
        with self.assertRaises((imaplib.IMAP4.abort, ssl.SSLError, OSError, EOFError)):
            FromAddress("127.0.0.2", "localhost", self.loft.imaps_port, ssl_context=tls_context(self.loft)).login("alice", ALICE_PW)
        listing = self.cli("ban", "list")
        self.assertIn("127.0.0.2", listing)
        # Other addresses are unaffected.
        m = self.tls()
        m.login("alice", ALICE_PW)
        m.logout()
        self.cli("ban", "remove", "127.0.0.2")
        typ, _, _ = attempt("alice", ALICE_PW)
        self.assertEqual(typ, "OK")

    # --- the logs (last: "zz") ---

    def test_zz_audit_log_and_no_secrets_in_any_log(self):
        with open(self.audit_path) as f:
            lines = [l for l in f.read().splitlines() if l]
        events = [json.loads(l) for l in lines]
        kinds = {e["event"] for e in events}
        for k in ["login.success", "login.failure", "app_password.create", "app_password.use",
                  "app_password.revoke", "account.create", "account.setting", "ban.add", "ban.remove",
                  "connection.refused"]:
            self.assertIn(k, kinds)
        scram = [e for e in events if e["event"] == "login.success" and e.get("mechanism") == "SCRAM-SHA-256"]
        self.assertTrue(scram)
        tls_scram = [e for e in scram if e.get("tls_version") == "TLSv1_3"]
        self.assertTrue(tls_scram and tls_scram[0].get("tls_cipher"), scram)
        self.assertEqual(tls_scram[0]["client_ip"], "127.0.0.1")
        self.assertIsInstance(tls_scram[0]["client_port"], int)
        self.assertTrue(any(e.get("client_id") == "e2e-client/1.2" for e in events))
        failures = [e for e in events if e["event"] == "login.failure" and e.get("delay_ms")]
        self.assertTrue(failures)
        logs = "\n".join(lines) + self.loft.server_log_full()
        for secret in self.secrets:
            self.assertNotIn(secret, logs)
            self.assertNotIn(base64.b64encode(secret.encode()).decode(), logs)


class OAuth(unittest.TestCase):
    """OAUTHBEARER (RFC 7628) and XOAUTH2 with imaplib. Python's standard library cannot
    sign a JWT, so the tokens are pre-minted fixtures (tests/e2e/oauth/tokens.json, exp in
    2100) signed with a test key whose JWKS is tests/e2e/oauth/jwks.json; both are written
    by `cargo test -p loft-imap --test security_oauth -- --ignored regenerate_e2e_fixtures`
    and checked by `e2e_fixtures_validate` in the same file."""

    USER = "alice@example.net"

    @classmethod
    def setUpClass(cls):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "oauth", "tokens.json")) as f:
            cls.tokens = json.load(f)
        cls.loft = Loft()
        cls.audit_path = os.path.join(cls.loft.tmp.name, "audit.log")
        cls.loft.default_cert, key = openssl_cert(cls.loft.tmp.name, "default", "localhost")
        with open(cls.loft.config) as f:
            text = f.read().replace('plaintext = "loopback"', 'plaintext = "never"')
        text += f'''
[auth.throttle]
base_delay_millis = 50
max_delay_millis = 200

[tls]
cert = "{cls.loft.default_cert}"
key = "{key}"

[audit]
log = "{cls.audit_path}"

[oauth]
issuer = "{cls.tokens["issuer"]}"
audience = "{cls.tokens["audience"]}"
jwks_file = ["{os.path.join(here, "oauth", "jwks.json")}"]
scope = "imap"
'''
        with open(cls.loft.config, "w") as f:
            f.write(text)
        cls.loft.add_user(cls.USER, "Main-password-31")
        cls.loft.start()

    @classmethod
    def tearDownClass(cls):
        cls.loft.cleanup()

    def tls(self):
        return imaplib.IMAP4_SSL("localhost", self.loft.imaps_port, ssl_context=tls_context(self.loft))

    def test_advertised_after_tls_only(self):
        m = imaplib.IMAP4("localhost", self.loft.imap_port)
        self.assertNotIn("AUTH=XOAUTH2", m.capabilities)
        self.assertNotIn("AUTH=OAUTHBEARER", m.capabilities)
        m.starttls(ssl_context=tls_context(self.loft))
        self.assertIn("AUTH=OAUTHBEARER", m.capabilities)
        self.assertIn("AUTH=XOAUTH2", m.capabilities)
        m.logout()

    def test_xoauth2(self):
        m = self.tls()
        token = self.tokens["alice"]
        typ, _ = m.authenticate("XOAUTH2", lambda _: f"user={self.USER}\x01auth=Bearer {token}\x01\x01".encode())
        self.assertEqual(typ, "OK")
        self.assertEqual(m.select("INBOX")[0], "OK")
        m.logout()

    def test_oauthbearer(self):
        m = self.tls()
        token = self.tokens["alice"]
        msg = f"n,a={self.USER},\x01host=localhost\x01port={self.loft.imaps_port}\x01auth=Bearer {token}\x01\x01"
        typ, _ = m.authenticate("OAUTHBEARER", lambda _: msg.encode())
        self.assertEqual(typ, "OK")
        m.logout()

    def refused(self, mechanism, first, dummy):
        challenges = []

        def step(challenge):
            challenges.append(challenge)
            return first if len(challenges) == 1 else dummy

        m = self.tls()
        with self.assertRaises(imaplib.IMAP4.error) as e:
            m.authenticate(mechanism, step)
        self.assertIn("AUTHENTICATIONFAILED", str(e.exception))
        self.assertEqual(len(challenges), 2, challenges)
        error = json.loads(challenges[1])
        self.assertEqual(error["status"], "invalid_token")
        self.assertEqual(error["scope"], "imap")
        self.assertEqual(error["openid-configuration"],
                         self.tokens["issuer"] + "/.well-known/openid-configuration")
        m.logout()

    def test_wrong_issuer_gets_json_challenge_then_no(self):
        token = self.tokens["alice_wrong_issuer"]
        self.refused("XOAUTH2", f"user={self.USER}\x01auth=Bearer {token}\x01\x01".encode(), b"")
        self.refused("OAUTHBEARER", f"n,,\x01auth=Bearer {token}\x01\x01".encode(), b"\x01")

    def test_zz_audit_without_tokens(self):
        with open(self.audit_path) as f:
            events = [json.loads(l) for l in f if l.strip()]
        ok = [e for e in events if e["event"] == "login.success" and e.get("mechanism") == "XOAUTH2"]
        self.assertTrue(ok and ok[0]["account"] == self.USER and ok[0]["credential"] == "token", events)
        self.assertTrue(any(e["event"] == "login.failure" and e.get("reason") == "token issuer mismatch"
                            for e in events), events)
        with open(self.audit_path) as f:
            logs = f.read() + self.loft.server_log_full()
        for token in (self.tokens["alice"], self.tokens["alice_wrong_issuer"]):
            self.assertNotIn(token.rsplit(".", 1)[1], logs)
            self.assertNotIn(token.split(".")[1], logs)


def _server_log_full(self):
    with open(os.path.join(self.tmp.name, "server.log"), "rb") as f:
        return f.read().decode(errors="replace")


Loft.server_log_full = _server_log_full


if __name__ == "__main__":
    unittest.main()
