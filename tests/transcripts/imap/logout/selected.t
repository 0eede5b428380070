# RFC 9051 §6.1.3 from the selected state.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 LOGOUT
S: * BYE ~
S: a3 OK ~
@closed
