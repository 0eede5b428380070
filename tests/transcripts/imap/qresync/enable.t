# RFC 7162 §3.2.3: "ENABLE QRESYNC" and "ENABLE QRESYNC CONDSTORE" have identical results.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE QRESYNC CONDSTORE
S: * ENABLED QRESYNC
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: * OK [HIGHESTMODSEQ 1] ~
S: ...
S: a3 OK [READ-WRITE] ~
