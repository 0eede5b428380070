# RFC 6851 §3.3: MOVE to a missing mailbox is NO [TRYCREATE]; nothing is expunged.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 MOVE 1 nope
S: a3 NO [TRYCREATE] ~
C: a4 NOOP
S: a4 OK ~
