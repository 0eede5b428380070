# RFC 9051 §4.3: quoted strings escape '"' and '\'; mailbox names keep them.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE "say \"hi\""
S: a2 OK ~
C: a3 LIST "" "say*"
S: * LIST (\HasNoChildren) "/" "say \"hi\""
S: a3 OK ~
