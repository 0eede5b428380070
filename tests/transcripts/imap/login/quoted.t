# RFC 9051 §6.2.3: userid and password are astrings: quoted strings work.
@user alice "p w\"d"
C: a1 LOGIN "alice" "p w\"d"
S: a1 OK ~
