# RFC 9051 §6.3.11: STATUS on the selected mailbox works (the client SHOULD NOT, but the
# server answers correctly).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 1)
S: a3 OK ~
