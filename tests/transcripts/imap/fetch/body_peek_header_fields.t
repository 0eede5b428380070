# RFC 9051 §6.4.5: HEADER.FIELDS returns the named fields (in message order) and the
# blank line; BODY.PEEK does not set \Seen. (STYLE.md example.)
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 1 FETCH (FLAGS (\Recent) BODY[HEADER.FIELDS (SUBJECT)] {30}
S: Subject: afternoon meeting
S:
S: )
S: a3 OK ~
C: a4 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject From X-Missing)]
S: * 1 FETCH (BODY[HEADER.FIELDS (Subject From X-Missing)] {78}
S: From: Fred Foobar <foobar@Blurdybloop.example>
S: Subject: afternoon meeting
S:
S: )
S: a4 OK ~
C: a5 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: a5 OK ~
