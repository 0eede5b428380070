# RFC 9051 §6.3.13: IDLE is valid in the authenticated state too.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 IDLE
S: + ~
C: DONE
S: a2 OK ~
