# RFC 9051 §6.2.3 / §7.1: a wrong password is NO with AUTHENTICATIONFAILED; the state
# stays not authenticated.
@user alice secret
C: a1 LOGIN alice wrong
S: a1 NO [AUTHENTICATIONFAILED] ~
C: a2 SELECT INBOX
S: a2 BAD ~
C: a3 LOGIN alice secret
S: a3 OK ~
