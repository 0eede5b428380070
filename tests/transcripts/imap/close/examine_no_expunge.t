# RFC 9051 §6.4.1: CLOSE on a mailbox selected with EXAMINE expunges nothing.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Deleted
C: a2 EXAMINE INBOX
S: ...
S: a2 OK [READ-ONLY] ~
C: a3 CLOSE
S: a3 OK ~
C: a4 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 1)
S: a4 OK ~
