# RFC 9051 §7.1.5: an unknown command is BAD; the connection stays usable.
C: a1 FROBNICATE
S: a1 BAD ~
C: a2 NOOP
S: a2 OK ~
