# RFC 9051 §6.2.3: LOGIN is only valid in the not authenticated state; §3: a command in
# the wrong state gets BAD or NO (we send BAD, as Dovecot does).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LOGIN alice secret
S: a2 BAD ~
