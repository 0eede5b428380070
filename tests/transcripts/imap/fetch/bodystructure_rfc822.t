# RFC 9051 §7.5.2 body-type-msg: MESSAGE/RFC822 carries the encapsulated message's
# ENVELOPE, BODY(STRUCTURE) and line count.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX forwarded.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODYSTRUCTURE
S: * 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 222 ("Mon, 7 Feb 1994 21:52:25 -0800" "afternoon meeting" (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL) 8 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "fw") NIL NIL NIL))
S: a3 OK ~
