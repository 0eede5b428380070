# RFC 9051 §6.3.10: one personal namespace "" with delimiter "/", no others.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: A001 NAMESPACE
S: * NAMESPACE (("" "/")) NIL NIL
S: A001 OK ~
