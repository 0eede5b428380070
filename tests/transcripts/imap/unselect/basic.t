# RFC 9051 §6.4.2 (RFC 3691): UNSELECT leaves the selected state without expunging.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Deleted
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UNSELECT
S: a3 OK ~
C: a4 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 1)
S: a4 OK ~
C: a5 UNSELECT
S: a5 BAD ~
