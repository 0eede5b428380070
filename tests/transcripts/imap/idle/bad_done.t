# RFC 2177 §3: anything but DONE ends IDLE with BAD.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 IDLE
S: + ~
C: NOT-DONE
S: a2 BAD ~
C: a3 NOOP
S: a3 OK ~
