# RFC 9051 §6.3.1: ENABLE IMAP4rev2 answers with ENABLED listing it.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
