# RFC 9051 §5.1, §6.3.4: after ENABLE IMAP4rev2 names are UTF-8; an IMAP4rev1 session sees
# the same mailbox in modified UTF-7 (RFC 3501 §5.1.3).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: a3 CREATE "Café"
S: a3 OK ~
C: a4 LIST "" "Caf*"
S: * LIST (\HasNoChildren) "/" "Café"
S: a4 OK ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 LIST "" "Caf*"
S2: * LIST (\HasNoChildren) "/" "Caf&AOk-"
S2: b2 OK ~
C2: b3 SELECT "Caf&AOk-"
S2: ...
S2: b3 OK [READ-WRITE] ~
