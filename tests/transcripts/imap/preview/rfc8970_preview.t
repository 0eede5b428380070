# RFC 8970 §3.2 and §5 examples: FETCH PREVIEW, with and without LAZY.
@user alice secret
@append alice INBOX plain.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A1 FETCH 1 (PREVIEW)
S: * 1 FETCH (PREVIEW "Preview text!")
S: A1 OK ~
C: A2 FETCH 1 (ENVELOPE PREVIEW (LAZY))
S: * 1 FETCH (ENVELOPE (NIL "hello" NIL NIL NIL NIL NIL NIL NIL NIL) PREVIEW "Preview text!")
S: A2 OK ~
C: A3 FETCH 1 (PREVIEW (FOO))
S: A3 BAD ~
