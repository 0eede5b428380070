# RFC 9051 §6.1.1: capabilities may change after login; AUTH= mechanisms are no longer
# offered once authenticated (§6.2: AUTHENTICATE is only valid before authentication).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CAPABILITY
S: * CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ ~
S: a2 OK ~
