# RFC 9051 §6.4.9: a UID set that matches nothing is not an error; nothing is copied.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UID COPY 5:9 Trash
S: a3 OK ~
