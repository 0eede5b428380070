# RFC 7162 §3.1.3: UNCHANGEDSINCE needs CONDSTORE, which is not advertised: BAD.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\Seen)
S: a3 BAD ~
