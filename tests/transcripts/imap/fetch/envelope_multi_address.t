# RFC 9051 §7.5.2: several addresses, Cc, and In-Reply-To.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX alternative.eml date="01-Mar-2020 12:00:00 +0000"
@append alice INBOX plain2.eml date="02-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1:2 ENVELOPE
S: * 1 FETCH (ENVELOPE ("Tue, 8 Feb 1994 09:15:00 +0100" "Lunch plans" (("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) (("Bob Example" NIL "bob" "example.org")(NIL NIL "carol" "example.org")) ((NIL NIL "dave" "example.org")) NIL NIL "<alt-1@example.org>"))
S: * 2 FETCH (ENVELOPE ("Fri, 11 Feb 1994 08:00:00 +0000" "Re: Lunch plans" (("Bob Example" NIL "bob" "example.org")) (("Bob Example" NIL "bob" "example.org")) (("Bob Example" NIL "bob" "example.org")) ((NIL NIL "alice" "example.org")) NIL NIL "<alt-1@example.org>" "<re-1@example.org>"))
S: a3 OK ~
