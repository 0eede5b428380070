# RFC 7162 §3.1.5 Examples 15 and 16, §3.1.10 Example 19: SEARCH MODSEQ appends the
# highest mod-sequence of the messages found (nothing when none); ESEARCH adds MODSEQ.
# The entry-name and entry-type are accepted and ignored (one mod-sequence per message).
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX (CONDSTORE)
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STORE 2 +FLAGS.SILENT (\Draft)
S: * 2 FETCH (UID 2 MODSEQ (6))
S: a3 OK ~
C: a SEARCH MODSEQ "/flags/\\draft" all 4
S: * SEARCH 2 3 4 (MODSEQ 6)
S: a OK ~
C: t SEARCH OR NOT MODSEQ 2 LARGER 50000
S: * SEARCH
S: t OK ~
C: b SEARCH RETURN (ALL) MODSEQ 3
S: * ESEARCH (TAG "b") ALL 2:4 MODSEQ 6
S: b OK ~
C: c UID SEARCH RETURN (MIN) MODSEQ 3
S: * ESEARCH (TAG "c") UID MIN 2 MODSEQ 6
S: c OK ~
