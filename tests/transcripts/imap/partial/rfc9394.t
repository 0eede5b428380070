# RFC 9394 §3.1 PARTIAL search results: ranges from the start or (with -) from the end;
# past the end gives what exists, or NIL.
@user alice secret
@append alice INBOX simple.eml
@append alice INBOX alternative.eml
@append alice INBOX attachment.eml flags=\Deleted
@append alice INBOX forwarded.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A01 UID SEARCH RETURN (PARTIAL -1:-2) UNDELETED
S: * ESEARCH (TAG "A01") UID PARTIAL (-1:-2 4:5)
S: A01 OK ~
C: A02 UID SEARCH RETURN (PARTIAL 3:100) UNDELETED
S: * ESEARCH (TAG "A02") UID PARTIAL (3:100 4:5)
S: A02 OK ~
C: A03 UID SEARCH RETURN (PARTIAL 1:2) UNDELETED
S: * ESEARCH (TAG "A03") UID PARTIAL (1:2 1:2)
S: A03 OK ~
C: A04 UID SEARCH RETURN (PARTIAL 24000:24500) UNDELETED
S: * ESEARCH (TAG "A04") UID PARTIAL (24000:24500 NIL)
S: A04 OK ~
C: A05 SEARCH RETURN (ALL PARTIAL 1:5) ALL
S: A05 BAD ~
