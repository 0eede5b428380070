# RFC 7162 §3.1.4.2 Example 13: FETCH (MODSEQ). Being the first CONDSTORE enabling command
# with a mailbox selected, it also reports HIGHESTMODSEQ (§3.1).
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a FETCH 1:3 (MODSEQ)
S: * OK [HIGHESTMODSEQ 4] ~
S: * 1 FETCH (MODSEQ (2))
S: * 2 FETCH (MODSEQ (3))
S: * 3 FETCH (MODSEQ (4))
S: a OK ~
C: b FETCH 1:3 (MODSEQ)
S: * 1 FETCH (MODSEQ (2))
S: * 2 FETCH (MODSEQ (3))
S: * 3 FETCH (MODSEQ (4))
S: b OK ~
