# RFC 3501 §6.4.1 CHECK (folded into NOOP by RFC 9051 but still accepted).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: FXXZ CHECK
S: FXXZ OK ~
