# RFC 9051 §6.4.5: a message sequence number beyond EXISTS is an error (BAD, as Dovecot);
# "*" in an empty mailbox also.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 5 FLAGS
S: a3 BAD ~
C: a4 FETCH 1 (FLAGS FROB)
S: a4 BAD ~
