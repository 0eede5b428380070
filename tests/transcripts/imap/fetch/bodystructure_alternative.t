# RFC 9051 §7.5.2: multipart: the parts with no space between them, then the subtype and
# (BODYSTRUCTURE only) the parameters, disposition, language and location.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX alternative.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODYSTRUCTURE
S: * 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 28 1 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "7BIT" 42 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "b1") NIL NIL NIL))
S: a3 OK ~
C: a4 FETCH 1 BODY
S: * 1 FETCH (BODY (("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 28 1)("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "7BIT" 42 1) "ALTERNATIVE"))
S: a4 OK ~
