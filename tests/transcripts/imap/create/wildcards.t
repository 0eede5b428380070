# RFC 9051 §6.3.4 / §5.1: "%" and "*" in a name make it unlistable; servers refuse them
# (Dovecot: NO).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE "a*b"
S: a2 NO ~
C: a3 CREATE "a%b"
S: a3 NO ~
