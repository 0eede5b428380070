# RFC 4616 §2: an authzid equal to the authcid is the same as none.
@user alice secret
C: a1 AUTHENTICATE PLAIN YWxpY2UAYWxpY2UAc2VjcmV0
S: a1 OK ~
