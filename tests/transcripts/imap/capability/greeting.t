# RFC 9051 §7.1.1, §7.2.2: the greeting carries the CAPABILITY response code; IMAP4rev2 and
# IMAP4rev1 are both offered.
S: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 ~
C: a1 CAPABILITY
S: * CAPABILITY IMAP4rev1 IMAP4rev2 ~
S: a1 OK ~
