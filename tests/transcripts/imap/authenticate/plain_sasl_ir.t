# RFC 9051 §6.2.2 with RFC 4959 SASL-IR: the PLAIN initial response on the command line
# (RFC 4616: authzid NUL authcid NUL passwd).
@user alice secret
C: a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
