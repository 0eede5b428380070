# RFC 9051 §4.3: astrings may be synchronizing literals; the server answers each with a
# continuation request.
@user alice secret
C: a1 LOGIN {5}
S: + ~
C: alice {6}
S: + ~
C: secret
S: a1 OK ~
