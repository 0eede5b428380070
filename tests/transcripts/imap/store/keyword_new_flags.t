# RFC 9051 §6.4.6, §7.3.5: a new keyword makes the server announce new FLAGS (and
# PERMANENTFLAGS) before the FETCH response.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STORE 1 +FLAGS ($Important)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Important)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Important \*)] ~
S: * 1 FETCH (FLAGS ($Important \Recent))
S: a3 OK ~
