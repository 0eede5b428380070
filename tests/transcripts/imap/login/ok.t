# RFC 9051 §6.2.3 example.
@user alice secret
C: a001 LOGIN alice secret
S: a001 OK ~
C: a002 SELECT INBOX
S: ...
S: a002 OK [READ-WRITE] ~
