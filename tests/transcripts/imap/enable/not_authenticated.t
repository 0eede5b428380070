# RFC 9051 §6.3.1: ENABLE is valid in the authenticated state only.
C: a1 ENABLE IMAP4rev2
S: a1 BAD ~
