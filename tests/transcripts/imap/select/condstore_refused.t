# RFC 7162 §3.1.8: CONDSTORE is not advertised, so SELECT (CONDSTORE) is an error.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX (CONDSTORE)
S: a2 BAD ~
