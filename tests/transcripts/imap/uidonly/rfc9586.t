# RFC 9586 UIDONLY: once enabled, commands with message numbers get BAD [UIDREQUIRED]
# and expunges are reported with VANISHED. (UIDFETCH responses are covered by
# crates/imap/tests/uidonly.rs: the imap-codec oracle cannot parse them.)
@user alice secret
@append alice INBOX simple.eml
@append alice INBOX alternative.eml
@append alice INBOX forwarded.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE UIDONLY
S: * ENABLED UIDONLY
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C: a4 FETCH 1:* (FLAGS)
S: a4 BAD [UIDREQUIRED] ~
C: a5 STORE 1 +FLAGS (\Deleted)
S: a5 BAD [UIDREQUIRED] ~
C: a6 SEARCH UNDELETED
S: a6 BAD [UIDREQUIRED] ~
C: a7 UID SEARCH 1:2
S: a7 BAD [UIDREQUIRED] ~
C: a8 UID STORE 1:2 +FLAGS.SILENT (\Deleted)
S: a8 OK ~
C: a9 UID SEARCH DELETED
S: * SEARCH 1 2
S: a9 OK ~
C: a10 EXPUNGE
S: * VANISHED 1:2
S: a10 OK ~
C: a11 UID SEARCH ALL
S: * SEARCH 3
S: a11 OK ~
# The QRESYNC seq-match-data pairs message numbers with UIDs: refused too (as mox does).
C: a12 UNSELECT
S: a12 OK ~
C: a13 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: a13 OK ~
C: a14 SELECT INBOX (QRESYNC (1 5 1:3 (1,3 1,3)))
S: a14 BAD [UIDREQUIRED] ~
