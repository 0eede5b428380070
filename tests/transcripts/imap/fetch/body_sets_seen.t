# RFC 9051 §6.4.5: BODY[] (not PEEK) sets \Seen; the changed FLAGS come with the
# response (§7.5.2: the server sends FLAGS when they change as a side effect).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY[TEXT]
S: * 1 FETCH (BODY[TEXT] {55}
S: Hello Joe, do you think we can meet at 3:30 tomorrow?
S:  FLAGS (\Seen \Recent))
S: a3 OK ~
C: a4 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Seen \Recent))
S: a4 OK ~
