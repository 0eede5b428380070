# RFC 9051 §6.2.2: a "*" line cancels the exchange; the server MUST answer BAD.
@user alice secret
C: a1 AUTHENTICATE PLAIN
S: +~
C: *
S: a1 BAD ~
C: a2 NOOP
S: a2 OK ~
