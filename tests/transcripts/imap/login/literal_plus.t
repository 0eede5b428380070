# RFC 7888 LITERAL+: a non-synchronizing literal needs no continuation request.
@user alice secret
C: a1 LOGIN {5+}
C: alice {6+}
C: secret
S: a1 OK ~
