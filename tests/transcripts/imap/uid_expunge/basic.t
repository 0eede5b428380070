# RFC 9051 §6.4.9 (UIDPLUS RFC 4315 §2.1): UID EXPUNGE only expunges \Deleted messages in
# the UID set.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A003 UID EXPUNGE 2:4
S: * 3 EXPUNGE
S: * 2 EXPUNGE
S: A003 OK ~
C: a4 UID SEARCH ALL
S: * SEARCH 1 4
S: a4 OK ~
