# RFC 9590 LIST-METADATA: LIST ... RETURN (METADATA (entries)) sends each listed mailbox's
# METADATA response right after its LIST response; missing entries are NIL (as GETMETADATA).
@user alice secret
C: a0 LOGIN alice secret
S: a0 OK ~
C: a1 CREATE foo
S: a1 OK ~
C: a2 CREATE bar
S: a2 OK ~
C: a3 SETMETADATA INBOX (/shared/comment "Shared comment")
S: a3 OK ~
C: a4 SETMETADATA foo (/shared/comment "Foo" /private/comment "My own comment")
S: a4 OK ~
C: A01 LIST "" (INBOX bar foo) RETURN (METADATA (/shared/comment /private/comment))
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * METADATA "INBOX" (/shared/comment "Shared comment" /private/comment NIL)
S: * LIST (\HasNoChildren) "/" "bar"
S: * METADATA "bar" (/shared/comment NIL /private/comment NIL)
S: * LIST (\HasNoChildren) "/" "foo"
S: * METADATA "foo" (/shared/comment "Foo" /private/comment "My own comment")
S: A01 OK ~
C: A02 LIST "" foo RETURN (METADATA (MAXSIZE 5 (/shared/comment /private/comment)))
S: * LIST (\HasNoChildren) "/" "foo"
S: * METADATA "foo" (/shared/comment "Foo")
S: A02 OK [METADATA LONGENTRIES 14] ~
C: A03 LIST "" foo RETURN (METADATA ())
S: A03 BAD ~
C: A04 LIST "" foo RETURN (METADATA (/comment))
S: A04 BAD ~
