# RFC 9051 §6.4.1: CLOSE silently expunges \Deleted messages (no EXPUNGE responses) and
# returns to the authenticated state.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Deleted
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A341 CLOSE
S: A341 OK ~
C: a4 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 1)
S: a4 OK ~
C: a5 FETCH 1 FLAGS
S: a5 BAD ~
