# RFC 9051 §7.5.2 BODY and BODYSTRUCTURE of a single-part text message: type, subtype,
# parameters, id, description, encoding, size, lines (+ md5, disposition, language,
# location for BODYSTRUCTURE).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY
S: * 1 FETCH (BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1))
S: a3 OK ~
C: a4 FETCH 1 BODYSTRUCTURE
S: * 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1 NIL NIL NIL NIL))
S: a4 OK ~
