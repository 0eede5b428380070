# RFC 9051 §3: commands in the wrong state get BAD or NO; we answer BAD (as Dovecot).
@user alice secret
C: a1 SELECT INBOX
S: a1 BAD ~
C: a2 FETCH 1 FLAGS
S: a2 BAD ~
C: a3 LOGIN alice secret
S: a3 OK ~
C: a4 FETCH 1 FLAGS
S: a4 BAD ~
C: a5 CLOSE
S: a5 BAD ~
C: a6 EXPUNGE
S: a6 BAD ~
