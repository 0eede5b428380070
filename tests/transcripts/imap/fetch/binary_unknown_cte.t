# RFC 3516 §4.3 / RFC 9051 §7.1 UNKNOWN-CTE: BINARY of a part with an unknown transfer
# encoding fails with NO [UNKNOWN-CTE].
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX weird_cte.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BINARY.PEEK[1]
S: a3 NO [UNKNOWN-CTE] ~
