# RFC 9051 §6.3.12, §7.1.3: a zero-length message is syntactically valid; refusing it is
# a policy decision (NO, as Dovecot), not a protocol error (BAD).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND INBOX {0+}
C:
S: a2 NO ~
