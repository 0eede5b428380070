# RFC 9051 §6.2.3: with plaintext authentication allowed, AUTH=PLAIN is offered and
# LOGINDISABLED is not; SASL-IR (RFC 4959) comes with it. Without TLS there is no channel
# binding, so no SCRAM-SHA-256-PLUS; SCRAM-SHA-256 never sends the password.
C: a1 CAPABILITY
S: * CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=LOGIN SASL-IR ~
S: a1 OK ~
