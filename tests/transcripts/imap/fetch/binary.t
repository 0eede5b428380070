# RFC 9051 §6.4.5 BINARY (RFC 3516): the decoded content of a part; BINARY.SIZE its
# decoded size; BINARY.PEEK does not set \Seen.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX attachment.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])
S: * 1 FETCH (BINARY.SIZE[2] 13 BINARY[2] {13}
S: Hello, world!)
S: a3 OK ~
C: a4 FETCH 1 BODY.PEEK[2]
S: * 1 FETCH (BODY[2] {20}
S: SGVsbG8sIHdvcmxkIQ==)
S: a4 OK ~
C: a5 FETCH 1 BINARY.PEEK[1]
S: * 1 FETCH (BINARY[1] {19}
S: Here is the report.)
S: a5 OK ~
C: a6 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: a6 OK ~
