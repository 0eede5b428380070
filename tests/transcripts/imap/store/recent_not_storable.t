# RFC 3501 §2.3.2: \Recent cannot be changed by STORE; trying is BAD (Dovecot) since it is
# not a valid flag for STORE (RFC 3501 grammar: store-att-flags are flag, not \Recent).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STORE 1 +FLAGS (\Recent)
S: a3 BAD ~
