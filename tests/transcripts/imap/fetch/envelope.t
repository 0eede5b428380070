# RFC 9051 §7.5.2 ENVELOPE: date, subject, from, sender, reply-to (sender and reply-to
# default to from), to, cc, bcc, in-reply-to, message-id.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 ENVELOPE
S: * 1 FETCH (ENVELOPE ("Mon, 7 Feb 1994 21:52:25 -0800" "afternoon meeting" (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) ((NIL NIL "mooch" "owatagu.siam.example")) NIL NIL NIL "<B27397-0100000@Blurdybloop.example>"))
S: a3 OK ~
C: a4 FETCH 1 ALL
S: * 1 FETCH (FLAGS (\Recent) INTERNALDATE " 1-Mar-2020 12:00:00 +0000" RFC822.SIZE 349 ENVELOPE ("Mon, 7 Feb 1994 21:52:25 -0800" "afternoon meeting" (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) ((NIL NIL "mooch" "owatagu.siam.example")) NIL NIL NIL "<B27397-0100000@Blurdybloop.example>"))
S: a4 OK ~
