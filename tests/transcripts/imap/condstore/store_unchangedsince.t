# RFC 7162 §3.1.3 Examples 3, 4, 6 and 8: conditional STORE. With .SILENT the new MODSEQ of
# each changed message is still sent (with UID, §3.2.4); messages changed after
# UNCHANGEDSINCE are left alone and named in [MODIFIED] (sequence numbers for STORE,
# UIDs for UID STORE); UNCHANGEDSINCE 0 always fails.
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a103 UID STORE 3,1,2 (UNCHANGEDSINCE 4) +FLAGS.SILENT (\Deleted)
S: * OK [HIGHESTMODSEQ 4] ~
S: * 1 FETCH (UID 1 MODSEQ (5))
S: * 2 FETCH (UID 2 MODSEQ (5))
S: * 3 FETCH (UID 3 MODSEQ (5))
S: a103 OK ~
C: d105 STORE 3,1 (UNCHANGEDSINCE 4) -FLAGS.SILENT (\Deleted)
S: d105 OK [MODIFIED 1,3] ~
C: a102 UID STORE 2 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)
S: a102 OK [MODIFIED 2] ~
C: a104 STORE * (UNCHANGEDSINCE 5) -FLAGS (\Deleted)
S: * 3 FETCH (UID 3 FLAGS (\Recent) MODSEQ (6))
S: a104 OK ~
