# RFC 9394 §3.3 PARTIAL FETCH modifier: only the messages at those positions of the UID set.
@user alice secret
@append alice INBOX simple.eml
@append alice INBOX alternative.eml
@append alice INBOX forwarded.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: 10 UID FETCH 2:600 (UID FLAGS) (PARTIAL -1:-3)
S: * 3 FETCH (UID 3 FLAGS (\Recent))
S: * 4 FETCH (UID 4 FLAGS (\Recent))
S: * 5 FETCH (UID 5 FLAGS (\Recent))
S: 10 OK ~
C: 11 UID FETCH 2:600 (UID FLAGS) (PARTIAL 1:2)
S: * 2 FETCH (UID 2 FLAGS (\Recent))
S: * 3 FETCH (UID 3 FLAGS (\Recent))
S: 11 OK ~
C: 12 FETCH 1:* (FLAGS) (PARTIAL 1:2)
S: 12 BAD ~
