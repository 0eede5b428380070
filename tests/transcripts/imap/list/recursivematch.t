# RFC 5258 §3.5 example: LIST (SUBSCRIBED RECURSIVEMATCH) reports a non-subscribed parent
# of a subscribed child with CHILDINFO.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE Foo/Bar
S: a2 OK ~
C: a3 SUBSCRIBE Foo/Bar
S: a3 OK ~
C: a4 LIST (SUBSCRIBED RECURSIVEMATCH) "" "Foo"
S: * LIST (\HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))
S: a4 OK ~
C: a5 LIST (RECURSIVEMATCH) "" "*"
S: a5 BAD ~
