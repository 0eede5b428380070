# RFC 9051 §4.3: a mailbox name may be sent as a literal.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT {5}
S: + ~
C: INBOX
S: ...
S: a2 OK [READ-WRITE] ~
