# RFC 9051 §6.2.3: with plaintext authentication allowed, AUTH=PLAIN is offered and
# LOGINDISABLED is not; SASL-IR (RFC 4959) comes with it.
C: a1 CAPABILITY
S: * CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN SASL-IR ~
S: a1 OK ~
