# RFC 7889 APPENDLIMIT / RFC 9051 §7.1 TOOBIG: a literal over the limit is refused before
# its data is sent (synchronizing literal: NO instead of "+").
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND INBOX {999999999}
S: a2 NO [TOOBIG] ~
C: a3 NOOP
S: a3 OK ~
