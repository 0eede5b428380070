# RFC 9051 §7.5.2: a non-text part has no line count; Content-Disposition with its
# parameters appears in the extension data (RFC 2183).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX attachment.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODYSTRUCTURE
S: * 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 19 1 NIL NIL NIL NIL)("APPLICATION" "OCTET-STREAM" ("NAME" "report.bin") NIL NIL "BASE64" 20 NIL ("ATTACHMENT" ("FILENAME" "report.bin")) NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL))
S: a3 OK ~
