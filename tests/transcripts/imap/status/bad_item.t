# RFC 9051 §6.3.11: an unknown status item is a syntax error.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 STATUS INBOX (FROBS)
S: a2 BAD ~
C: a3 STATUS INBOX ()
S: a3 BAD ~
