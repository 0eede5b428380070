# RFC 6851 §3.3: MOVE into the selected mailbox itself: Dovecot refuses (NO); the message
# must not be lost either way.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 MOVE 1 INBOX
S: ...
S: a3 ~
C: a4 STATUS INBOX (MESSAGES)
S: ...
S: * STATUS "INBOX" (MESSAGES 1)
S: a4 OK ~
