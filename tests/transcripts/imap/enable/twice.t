# RFC 5161 §3.1: an extension already enabled is not listed again in ENABLED.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: a3 ENABLE IMAP4rev2
S: * ENABLED
S: a3 OK ~
