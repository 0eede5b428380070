# RFC 5464 §4.2-§4.4 examples: server and mailbox entries, MAXSIZE, DEPTH, TOOMANY-style
# errors.
@user alice secret
C: a0 LOGIN alice secret
S: a0 OK ~
C: a SETMETADATA INBOX (/private/comment {14+}
C: My new comment)
S: a OK ~
C: b SETMETADATA "" (/shared/comment "Shared comment")
S: b OK ~
C: c GETMETADATA "" /shared/comment
S: * METADATA "" (/shared/comment "Shared comment")
S: c OK ~
C: d GETMETADATA "INBOX" /private/comment
S: * METADATA "INBOX" (/private/comment "My new comment")
S: d OK ~
C: e GETMETADATA (MAXSIZE 4) INBOX /private/comment
S: e OK [METADATA LONGENTRIES 14] ~
C: f SETMETADATA INBOX (/private/comment NIL)
S: f OK ~
C: g GETMETADATA INBOX /private/comment
S: * METADATA "INBOX" (/private/comment NIL)
S: g OK ~
C: h SETMETADATA INBOX (/comment "no scope")
S: h BAD ~
C: i GETMETADATA Nowhere /private/comment
S: i NO [NONEXISTENT] ~
