# RFC 7162 §3.1.4.2 Example 14 (one user, two sessions): once CONDSTORE is enabled, flag
# changes made elsewhere arrive with MODSEQ (and UID, §3.2.4); without it they do not.
@user alice secret
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: A142 SELECT INBOX
S: ...
S: A142 OK [READ-WRITE] ~
C2: c1 LOGIN alice secret
S2: c1 OK ~
C2: c2 SELECT INBOX (CONDSTORE)
S2: ...
S2: c2 OK [READ-WRITE] ~
C: A160 STORE 1 +FLAGS.SILENT (\Deleted)
S: A160 OK ~
C2: C180 NOOP
S2: * 1 FETCH (UID 1 FLAGS (\Deleted) MODSEQ (3))
S2: C180 OK ~
C2: C181 STORE 1 +FLAGS.SILENT (\Seen)
S2: * 1 FETCH (UID 1 MODSEQ (4))
S2: C181 OK ~
C: A240 NOOP
S: * 1 FETCH (UID 1 FLAGS (\Seen \Deleted \Recent))
S: A240 OK ~
