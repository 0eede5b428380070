# RFC 9051 §6.4.5 / §9 seq-number: in an empty mailbox there is no message "*" or 1; the
# command is an error (BAD, as Dovecot). UID FETCH 1:* matches nothing and is OK.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1:* FLAGS
S: a3 BAD ~
C: a4 UID FETCH 1:* FLAGS
S: a4 OK ~
