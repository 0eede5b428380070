# RFC 9051 §6.4.3 example: each EXPUNGE response carries the sequence number at the time
# it is sent. The RFC example goes upwards (3, 3, 5 for messages 3, 4 and 7); Loft goes
# downwards (7, 4, 3), which is just as valid (§7.5.1) and what this transcript expects.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A202 EXPUNGE
S: * 7 EXPUNGE
S: * 4 EXPUNGE
S: * 3 EXPUNGE
S: A202 OK ~
C: a4 UID SEARCH ALL
S: * SEARCH 1 2 5 6 8
S: a4 OK ~
