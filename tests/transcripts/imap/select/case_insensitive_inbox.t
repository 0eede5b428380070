# RFC 9051 §5.1: INBOX is case-insensitive.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT inbox
S: ...
S: a2 OK [READ-WRITE] ~
