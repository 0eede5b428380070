# RFC 3501 §6.4.1: CHECK is only valid in the selected state.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CHECK
S: a2 BAD ~
