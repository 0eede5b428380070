# RFC 9051 §6.3.9: no match is not an error.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LIST "" "nothing-here*"
S: a2 OK ~
