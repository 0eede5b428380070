# RFC 9051 §9 seq-range: "3:1" is the same as "1:3"; "*:2" includes the last message.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 3:1 UID
S: * 1 FETCH (UID 1)
S: * 2 FETCH (UID 2)
S: * 3 FETCH (UID 3)
S: a3 OK ~
C: a4 UID FETCH *:2 UID
S: * 2 FETCH (UID 2)
S: * 3 FETCH (UID 3)
S: a4 OK ~
