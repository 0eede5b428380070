# RFC 9051 §4.3: a password with spaces and quotes can be a literal.
@user alice "pass \"word\" x"
C: a1 LOGIN alice {13}
S: + ~
C: pass "word" x
S: a1 OK ~
