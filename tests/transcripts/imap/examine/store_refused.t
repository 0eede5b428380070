# RFC 9051 §6.3.3: nothing may change in a mailbox selected with EXAMINE.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 EXAMINE INBOX
S: ...
S: a2 OK [READ-ONLY] ~
C: a3 STORE 1 +FLAGS (\Deleted)
S: a3 NO ~
C: a4 EXPUNGE
S: a4 NO ~
