//! OAUTHBEARER (RFC 7628) and XOAUTH2 with JWT access tokens validated against a JWKS
//! file: SASL-IR and continuation, the RFC 7628 §3.2.2 error challenge before every
//! refusal, throttling and the audit log, and the capability list.
//!
//! Tokens are minted here with jsonwebtoken's encoder (re-exported as
//! `loft_auth::jwks::jwt`) from two private keys generated for these tests only (openssl
//! genpkey): an RSA-2048 key (RS256) and a P-256 key (ES256). The JWKS is derived from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loft_auth::audit::MemorySink;
use loft_auth::jwks::json::{self as serde_json, Value, json};
use loft_auth::jwks::jwt::jwk::{Jwk, JwkSet};
use loft_auth::jwks::jwt::{self, Algorithm, EncodingKey, Header};
use loft_auth::jwks::{OAuthSettings, OAuthValidator};
use loft_auth::throttle::{Throttle, ThrottleConfig};
use loft_imap::config::Security;
use loft_imap::{ImapConfig, PlaintextAuth};
use loft_testkit::{TestConn, TestServer, test_config};

/// RSA-2048 private key (PKCS#1 RSAPrivateKey DER, as aws-lc-rs signs with), test only.
const TEST_RSA_PKCS1: &str = "\
    MIIEpQIBAAKCAQEAyoPox+BZxgXRx+DVvd3+ORhbo7tulPGt2DgQu9WPJZ1O+Dg0NVYJWmOn8Zf4uXovL9WVS5rZXNTQ\
    84W9SvLbC5AD4/zjRvANU5YUcUOHt4qoL9szTOgxoqnSsbwHOYmEnFW+kMpN5sQxuViTZCmk2R6txP53U7PplMKjOi8G\
    dBNOGg/ZDZr6AV8WzjclielEI3HzRk5Wyey7FEStm81FHjJuhFhVrpUoHVyISKtkcwtAmSzKc3ktsa2wgvk0qt838va/\
    p78ZpyaS/cu8ohEx5CQQReJDSw6APG1cWGH7Ht5eTWtcvfToIdrw7qdhvqz893RAKGYdIPpa5oEFt0aDdwIDAQABAoIB\
    AESkrZSCYSuT8WV0uj5fLrqfnQBEmdj2ilyNtG5WluzDA29zbY7emNEAkn57ap1D4xatqKs105N5t1Gz9VOgOcsTh54R\
    q9/xojLA3jD+GNSHtTZzcFITKi/erEH+X9yK1l4/What2/XqbohKk7sRuoS1t2TcdAn1I6l+x+EC64cQIbVFGsElIRK3\
    YrcFBUfmYtKonJjC+rvK2lZ1nOAKRTpXMWGrhgYwWuYQh2o3uVrKXd1KA3Jy1hX5mVm83aIfwtU1j2Hw9Ace52kged60\
    DJ4VuWLEl4q8U+c8Ux0KNisnx2XJBtSLi0Zl4dgD+NNV1UCXssHbdrcWfVEJVSXI5iECgYEA6Pu44tEKgqwda8u7UIwK\
    LAA6iRt8YOWms3Fo3MdfZsqJ84V+qBsHzYqxCwswyhlOI6GKP2GY4dnAWR/Rpvft8KTgrYXCvPWQPiy3ifZ/tzwdQyWW\
    xjG92nRlnJ9Y9J93zGavUja9RF2o10HgAKsAG22ZA/ngxyjVeb+GcN81Z6kCgYEA3oWiQtjVrakCc9Os2k4nQDre6r06\
    sudd6Bc1TDxRmKrG1qwwFyo9M5fQ+N0lX9jyXunC2UqMmdSQzy2cO38dA3wtwgWWDM6AnQzqB9sAyc2vFa1gC1y13o4P\
    gyKyjnH2xzey+diTB3mY6r/RrBWyLOb8CmbrBPKHhcUzEjz5Bh8CgYEAzwvMvXzqK0BLkR1npGgfLgUx/+B2QyIzZ+qU\
    NwfTB2Vc/RYYfcovwADN3zOdsyyT3WRUmIjiNWuu3UVCqnBQevf7Vxm0+vn7qtVQcoGl9C+vDZodCJrxzm58Upjlk9cX\
    voVOrvBIeLYHMuyu5ckRek6Gmhr5H+Rw+hYzoqEqM6kCgYEArYz4Ur6fWURZ31CWneUag+PmfJp9r474FM4VCZJ56WI4\
    lrHRCCAvf4/GsnJ4ddrUneYfzC1yn3/EOXHPSjAHxvIRFiQZNX/Rm6u408uhP8Ol7Hg+Ul5Kknul6ZckQCjuWc49TtP1\
    SH00INLeiyKYxqCYrtw6LK+jt1doT68yYe0CgYEArcyBlD8rVyTGyfaIqYGrABlZKwquyIRWdmKQy/KXY6HuR2CiKBvk\
    jqs8938ejx5UjXJsoOCfjxOKe+pg1C88wOVcOD2n3Dkq8vECIqU48+gElEVdTb0cTIe3lOPxse4pR16Ri4Wk5Bnn/VQ6\
    2P60qFr8BYTvMyyAE+XB6zRU27A=\
";

/// P-256 PKCS#8 private key, test only.
const TEST_EC_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTXxOXvhZI55UpbqAik5J89geHESmRzoJBXNC/H++ocehRANCAAQgdDMXOHWIsu5nRYcGoUTfRmi2pq/N5BfF5NOLSSEgmn2c8dDfu3/+Cm59yLfhHwhK4w5APS+Qgj2xrWVMVXrR";

const ISSUER: &str = "https://id.example.net";
const AUDIENCE: &str = "imap.example.net";
const ALICE: &str = "alice@example.net";

fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_der(&STANDARD.decode(TEST_RSA_PKCS1).unwrap())
}

fn ec_key() -> EncodingKey {
    EncodingKey::from_ec_der(&STANDARD.decode(TEST_EC_PKCS8).unwrap())
}

/// The JWKS of both test keys: `rsa-1` (RS256) and `ec-1` (ES256).
fn jwks() -> String {
    let mut rsa = Jwk::from_encoding_key(&rsa_key(), Algorithm::RS256).unwrap();
    rsa.common.key_id = Some("rsa-1".into());
    let mut ec = Jwk::from_encoding_key(&ec_key(), Algorithm::ES256).unwrap();
    ec.common.key_id = Some("ec-1".into());
    serde_json::to_string_pretty(&JwkSet {
        keys: vec![rsa, ec],
    })
    .unwrap()
}

fn now() -> i64 {
    jwt::get_current_timestamp() as i64
}

fn claims(email: &str) -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "user-4711", "email": email,
           "iat": now(), "nbf": now() - 5, "exp": now() + 600, "scope": "imap"})
}

fn sign(alg: Algorithm, kid: &str, claims: &Value) -> String {
    let key = match alg {
        Algorithm::ES256 => ec_key(),
        _ => rsa_key(),
    };
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    jwt::encode(&header, claims, &key).unwrap()
}

fn good_token() -> String {
    sign(Algorithm::RS256, "rsa-1", &claims(ALICE))
}

fn oauthbearer(user: Option<&str>, token: &str) -> String {
    let authzid = user.map(|u| format!("a={u}")).unwrap_or_default();
    STANDARD.encode(format!(
        "n,{authzid},\x01host=imap.example.net\x01port=143\x01auth=Bearer {token}\x01\x01"
    ))
}

fn xoauth2(user: &str, token: &str) -> String {
    STANDARD.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"))
}

struct Setup {
    server: TestServer,
    audit: Arc<MemorySink>,
    _dir: tempfile::TempDir,
}

fn validator(dir: &Path) -> Arc<OAuthValidator> {
    let path: PathBuf = dir.join("jwks.json");
    std::fs::write(&path, jwks()).unwrap();
    let mut settings = OAuthSettings::new(ISSUER, AUDIENCE, vec![path]);
    settings.scope = Some("imap".into());
    Arc::new(OAuthValidator::load(settings).unwrap())
}

fn security(audit: Arc<MemorySink>, base_delay_ms: u64) -> Security {
    Security {
        throttle: Arc::new(Throttle::new(ThrottleConfig {
            base_delay: Duration::from_millis(base_delay_ms),
            max_delay: Duration::from_millis(base_delay_ms * 8),
            ban_after: 0,
            ..ThrottleConfig::default()
        })),
        audit,
        ..Security::default()
    }
}

async fn setup_with(plaintext_auth: PlaintextAuth, base_delay_ms: u64) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let audit = Arc::new(MemorySink::default());
    let server = TestServer::on(
        super::BACKEND,
        ImapConfig {
            oauth: Some(validator(dir.path())),
            security: security(audit.clone(), base_delay_ms),
            plaintext_auth,
            ..test_config()
        },
    )
    .await;
    server.add_user(ALICE, "main-password-1").await;
    server.add_user("bob@example.net", "main-password-2").await;
    Setup {
        server,
        audit,
        _dir: dir,
    }
}

async fn setup() -> Setup {
    setup_with(PlaintextAuth::Always, 1).await
}

async fn assert_authenticated(tc: &mut TestConn, tagged: &str) {
    assert!(tagged.starts_with("OK [CAPABILITY "), "{tagged}");
    assert!(!tagged.contains("AUTH="), "{tagged}");
    tc.ok("SELECT INBOX").await;
}

#[tokio::test]
async fn oauthbearer_with_initial_response_rs256() {
    let s = setup().await;
    let mut tc = s.server.connect().await;
    let r = tc
        .command(&format!(
            "AUTHENTICATE OAUTHBEARER {}",
            oauthbearer(Some(ALICE), &good_token())
        ))
        .await;
    assert_authenticated(&mut tc, &r.tagged).await;
}

#[tokio::test]
async fn oauthbearer_with_continuation_es256_without_authzid() {
    let s = setup().await;
    let mut tc = s.server.connect().await;
    tc.send("a1 AUTHENTICATE OAUTHBEARER").await;
    assert_eq!(tc.read_response().await, "+ ");
    tc.send(&oauthbearer(
        None,
        &sign(Algorithm::ES256, "ec-1", &claims(ALICE)),
    ))
    .await;
    let r = tc.finish("a1", "AUTHENTICATE").await;
    assert_authenticated(&mut tc, &r.tagged).await;
}

#[tokio::test]
async fn xoauth2_with_initial_response_and_with_continuation() {
    let s = setup().await;
    let mut tc = s.server.connect().await;
    let r = tc
        .command(&format!(
            "AUTHENTICATE XOAUTH2 {}",
            xoauth2(ALICE, &good_token())
        ))
        .await;
    assert_authenticated(&mut tc, &r.tagged).await;

    let mut tc = s.server.connect().await;
    tc.send("a1 authenticate xoauth2").await;
    assert_eq!(tc.read_response().await, "+ ");
    tc.send(&xoauth2(
        ALICE,
        &sign(Algorithm::ES256, "ec-1", &claims(ALICE)),
    ))
    .await;
    let r = tc.finish("a1", "AUTHENTICATE").await;
    assert_authenticated(&mut tc, &r.tagged).await;
}

/// The refused exchange: `+ <base64 JSON>`, the client's dummy answer, NO [AUTHENTICATIONFAILED].
async fn expect_refusal(tc: &mut TestConn, command: &str, dummy: &str) {
    tc.send(&format!("a1 {command}")).await;
    let challenge = tc.read_response().await;
    let json = challenge
        .strip_prefix("+ ")
        .unwrap_or_else(|| panic!("{command}: no error challenge: {challenge}"));
    let json: Value = serde_json::from_slice(&STANDARD.decode(json).unwrap()).unwrap();
    // RFC 7628 §3.2.2.
    assert_eq!(
        json,
        json!({"status": "invalid_token", "scope": "imap",
               "openid-configuration": "https://id.example.net/.well-known/openid-configuration"})
    );
    tc.send(dummy).await;
    let r = tc.finish("a1", command).await;
    assert!(
        r.tagged.starts_with("NO [AUTHENTICATIONFAILED]"),
        "{command}: {}",
        r.tagged
    );
}

#[tokio::test]
async fn bad_tokens_get_the_error_challenge_then_no() {
    let s = setup().await;
    let with = |k: &str, v: Value| {
        let mut c = claims(ALICE);
        c[k] = v;
        sign(Algorithm::RS256, "rsa-1", &c)
    };
    // Payload swapped after signing: the signature no longer matches.
    let forged = {
        let good = good_token();
        let parts: Vec<&str> = good.split('.').collect();
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&claims("bob@example.net")).unwrap());
        format!("{}.{payload}.{}", parts[0], parts[2])
    };
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        (
            "wrong issuer",
            with("iss", "https://evil.example".into()),
            None,
        ),
        (
            "wrong audience",
            with("aud", json!(["other.example.net"])),
            None,
        ),
        ("expired", with("exp", (now() - 3600).into()), None),
        ("not yet valid", with("nbf", (now() + 3600).into()), None),
        ("bad signature", forged, None),
        (
            "unknown kid",
            sign(Algorithm::RS256, "rsa-2", &claims(ALICE)),
            None,
        ),
        (
            "kid of another key type",
            sign(Algorithm::ES256, "rsa-1", &claims(ALICE)),
            None,
        ),
        ("user mismatch", good_token(), Some("bob@example.net")),
        (
            "unknown account",
            sign(Algorithm::RS256, "rsa-1", &claims("carol@example.net")),
            None,
        ),
    ];
    for (what, token, user) in &cases {
        let mut tc = s.server.connect().await;
        let ir = oauthbearer(*user, token);
        // RFC 7628 §3.2.3: the client answers the error challenge with a single %x01.
        expect_refusal(&mut tc, &format!("AUTHENTICATE OAUTHBEARER {ir}"), "AQ==").await;
        let owner = if *what == "unknown account" {
            "carol@example.net"
        } else {
            ALICE
        };
        let x = xoauth2(user.unwrap_or(owner), token);
        // XOAUTH2 clients answer with an empty response.
        let mut tc = s.server.connect().await;
        expect_refusal(&mut tc, &format!("AUTHENTICATE XOAUTH2 {x}"), "").await;
        // Through a continuation too.
        let mut tc = s.server.connect().await;
        tc.send("c1 AUTHENTICATE OAUTHBEARER").await;
        assert_eq!(tc.read_response().await, "+ ", "{what}");
        tc.send(&ir).await;
        let challenge = tc.read_response().await;
        assert!(challenge.starts_with("+ ey"), "{what}: {challenge}");
        tc.send("AQ==").await;
        let r = tc.finish("c1", "AUTHENTICATE").await;
        assert!(
            r.tagged.starts_with("NO [AUTHENTICATIONFAILED]"),
            "{what}: {}",
            r.tagged
        );
    }
    let reasons: Vec<String> = s
        .audit
        .events()
        .iter()
        .filter(|e| e.event == "login.failure")
        .filter_map(|e| e.reason.clone())
        .collect();
    for expected in [
        "token issuer mismatch",
        "token audience mismatch",
        "token expired",
        "token not valid yet (nbf)",
        "token signature does not verify",
        "token signed with an unknown key id",
        "token algorithm not allowed for its key",
        "token issued to another user",
        "token names an unknown account",
    ] {
        assert_eq!(
            reasons.iter().filter(|r| *r == expected).count(),
            3,
            "{expected}: {reasons:?}"
        );
    }
    // Never a token in the audit log.
    for e in s.audit.events() {
        let line = e.to_json();
        for (_, token, _) in &cases {
            let signature = token.rsplit('.').next().unwrap();
            assert!(
                !line.contains(signature) && !line.contains(token.as_str()),
                "{line}"
            );
        }
    }
}

#[tokio::test]
async fn success_is_audited_with_mechanism_and_account_only() {
    let s = setup().await;
    let token = good_token();
    let mut tc = s.server.connect().await;
    tc.ok(&format!("AUTHENTICATE XOAUTH2 {}", xoauth2(ALICE, &token)))
        .await;
    let events = s.audit.events();
    let ok = events
        .iter()
        .find(|e| e.event == "login.success")
        .expect("login.success event");
    assert_eq!(ok.mechanism.as_deref(), Some("XOAUTH2"));
    assert_eq!(ok.account.as_deref(), Some(ALICE));
    assert_eq!(ok.credential, Some("token"));
    for e in &events {
        let line = e.to_json();
        assert!(
            !line.contains(&token) && !line.contains(token.rsplit('.').next().unwrap()),
            "{line}"
        );
    }
}

#[tokio::test]
async fn refused_tokens_are_throttled_even_when_cancelled() {
    let s = setup_with(PlaintextAuth::Always, 150).await;
    let expired = {
        let mut c = claims(ALICE);
        c["exp"] = (now() - 3600).into();
        sign(Algorithm::RS256, "rsa-1", &c)
    };
    let mut tc = s.server.connect().await;
    // Cancelling after the error challenge (RFC 9051 §6.2.2: BAD) does not escape the count.
    tc.send(&format!(
        "a1 AUTHENTICATE OAUTHBEARER {}",
        oauthbearer(None, &expired)
    ))
    .await;
    assert!(tc.read_response().await.starts_with("+ "));
    tc.send("*").await;
    let r = tc.finish("a1", "AUTHENTICATE").await;
    assert_eq!(r.status(), "BAD", "{}", r.tagged);
    for _ in 0..2 {
        expect_refusal(
            &mut tc,
            &format!("AUTHENTICATE OAUTHBEARER {}", oauthbearer(None, &expired)),
            "AQ==",
        )
        .await;
    }
    let delays: Vec<u64> = s
        .audit
        .events()
        .iter()
        .filter(|e| e.event == "login.failure")
        .filter_map(|e| e.delay_ms)
        .collect();
    assert_eq!(delays.len(), 3, "{delays:?}");
    assert!(
        delays[0] < delays[1] && delays[1] < delays[2],
        "the delay grows: {delays:?}"
    );
}

#[tokio::test]
async fn malformed_messages_are_bad() {
    let s = setup().await;
    let mut tc = s.server.connect().await;
    for msg in [
        "n,,\x01auth=Basic eA==\x01\x01",
        "n,,\x01\x01",
        "p=tls-unique,,\x01auth=Bearer x\x01\x01",
    ] {
        let r = tc
            .command(&format!(
                "AUTHENTICATE OAUTHBEARER {}",
                STANDARD.encode(msg)
            ))
            .await;
        assert!(
            r.tagged.starts_with("BAD") || r.tagged.starts_with("NO"),
            "{msg:?}: {}",
            r.tagged
        );
        assert!(!r.tagged.starts_with("OK"));
    }
    let r = tc
        .command(&format!(
            "AUTHENTICATE XOAUTH2 {}",
            STANDARD.encode("user=x\x01")
        ))
        .await;
    assert_eq!(r.status(), "BAD", "{}", r.tagged);
    tc.ok("NOOP").await;
}

#[tokio::test]
async fn advertised_only_when_configured_and_where_plaintext_is_allowed() {
    let s = setup().await;
    let mut tc = s.server.connect().await;
    let caps = tc.ok("CAPABILITY").await.join(" ");
    assert!(caps.contains(" AUTH=OAUTHBEARER AUTH=XOAUTH2 "), "{caps}");
    assert!(caps.contains("AUTH=PLAIN"), "{caps}");

    // Not configured: neither advertised nor accepted.
    let plain = TestServer::start_on(super::BACKEND).await;
    plain.add_user(ALICE, "pw").await;
    let mut tc = plain.connect().await;
    let caps = tc.ok("CAPABILITY").await.join(" ");
    assert!(
        !caps.contains("OAUTHBEARER") && !caps.contains("XOAUTH2"),
        "{caps}"
    );
    let r = tc
        .command(&format!(
            "AUTHENTICATE OAUTHBEARER {}",
            oauthbearer(None, &good_token())
        ))
        .await;
    assert_eq!(r.status(), "NO", "{}", r.tagged);
    assert!(!r.tagged.contains("PRIVACYREQUIRED"), "{}", r.tagged);

    // Configured, but a cleartext connection where passwords are refused: a bearer token
    // is a password to whoever sees it.
    let s = setup_with(PlaintextAuth::Never, 1).await;
    let mut tc = s.server.connect().await;
    let caps = tc.ok("CAPABILITY").await.join(" ");
    assert!(
        caps.contains("LOGINDISABLED")
            && !caps.contains("AUTH=OAUTHBEARER")
            && !caps.contains("AUTH=XOAUTH2"),
        "{caps}"
    );
    for mech in ["OAUTHBEARER", "XOAUTH2"] {
        let ir = if mech == "XOAUTH2" {
            xoauth2(ALICE, &good_token())
        } else {
            oauthbearer(None, &good_token())
        };
        let r = tc.command(&format!("AUTHENTICATE {mech} {ir}")).await;
        assert!(r.tagged.starts_with("NO [PRIVACYREQUIRED]"), "{}", r.tagged);
    }
}

// --- the Python end-to-end fixtures (tests/e2e/oauth/) ---

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/oauth")
}

/// tests/e2e/oauth/ holds the JWKS of the RSA test key and tokens minted with it (exp in
/// 2100) for tests/e2e/test_security.py: Python's standard library cannot sign a JWT.
/// Regenerate with `cargo test -p loft-imap --test security_oauth -- --ignored`.
#[test]
#[ignore = "writes tests/e2e/oauth/; run by hand to regenerate the fixtures"]
fn regenerate_e2e_fixtures() {
    const YEAR_2100: i64 = 4_102_444_800;
    let dir = e2e_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("jwks.json"), jwks() + "\n").unwrap();
    let mint = |user: &str, iss: &str| {
        let c = json!({"iss": iss, "aud": AUDIENCE, "sub": user, "email": user,
                       "iat": 1_767_225_600, "exp": YEAR_2100});
        sign(Algorithm::RS256, "rsa-1", &c)
    };
    let tokens = json!({
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "alice": mint("alice@example.net", ISSUER),
        "alice_wrong_issuer": mint("alice@example.net", "https://evil.example"),
    });
    std::fs::write(
        dir.join("tokens.json"),
        serde_json::to_string_pretty(&tokens).unwrap() + "\n",
    )
    .unwrap();
}

/// The checked-in fixtures still validate (and the wrong-issuer one still fails).
#[test]
fn e2e_fixtures_validate() {
    let dir = e2e_dir();
    let tokens: Value =
        serde_json::from_slice(&std::fs::read(dir.join("tokens.json")).unwrap()).unwrap();
    let v = OAuthValidator::load(OAuthSettings::new(
        ISSUER,
        AUDIENCE,
        vec![dir.join("jwks.json")],
    ))
    .unwrap();
    assert_eq!(
        v.validate(tokens["alice"].as_str().unwrap())
            .unwrap()
            .username,
        ALICE
    );
    assert!(
        v.validate(tokens["alice_wrong_issuer"].as_str().unwrap())
            .is_err()
    );
}
