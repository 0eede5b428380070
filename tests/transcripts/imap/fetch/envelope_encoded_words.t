# RFC 9051 §7.5.2: ENVELOPE strings are the raw header values (encoded words are not
# decoded by the server); 8-bit text cannot be a quoted string for an IMAP4rev1 client
# (§4.3 quoted = 7-bit TEXT-CHAR), so it comes as a literal.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX utf8.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 ENVELOPE
S: * 1 FETCH (ENVELOPE ("Sat, 12 Feb 1994 10:00:00 +0000" {42}
S: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from the café (("=?UTF-8?Q?Ren=C3=A9?=" NIL "rene" "example.org")) (("=?UTF-8?Q?Ren=C3=A9?=" NIL "rene" "example.org")) (("=?UTF-8?Q?Ren=C3=A9?=" NIL "rene" "example.org")) ((NIL NIL "alice" "example.org")) NIL NIL NIL NIL))
S: a3 OK ~
