# RFC 2177 §3 / RFC 9051 §6.3.13: "DONE" is case-insensitive.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 IDLE
S: + ~
C: done
S: a2 OK ~
