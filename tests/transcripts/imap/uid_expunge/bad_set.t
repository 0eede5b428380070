# RFC 4315 §2.1: UID EXPUNGE needs a UID set.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UID EXPUNGE
S: a3 BAD ~
